"""Every Socket.IO event is answered: one decorator for the handlers, one JSON codec for packets.

The contract: a client event is acknowledged with ``{"ok": true, ...}`` or with
``{"ok": false, "error": {"code", "message", "fields"?}}`` — never left waiting, whatever it sent.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_babel import gettext as _

from livinglab.core.inputs import MAX_DEPTH, nesting_depth_exceeds, require_clean_text
from livinglab.errors import ServiceError, default_message, error_code
from livinglab.extensions import db

log = logging.getLogger(__name__)

# The start of an event packet's data: ["event name", ...
_EVENT_NAME = re.compile(r'\s*\[\s*("(?:[^"\\]|\\.){1,200}")\s*[,\]]')


class RefusedPayload:
    """Stands in for a payload the codec would not decode, so the handler can answer it."""

    def __repr__(self) -> str:
        return "<refused payload>"


class SocketJSON:
    """The packet codec given to python-socketio (``json=``): the library calls ``loads`` on the
    raw packet before any handler runs, so a deeply nested payload would raise RecursionError
    inside the library and the client would get no acknowledgement. Here such an event keeps its
    name and gets a RefusedPayload as its argument; the handler's decorator answers with an error.
    """

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        return json.dumps(obj, **kwargs)

    @staticmethod
    def loads(text: str | bytes, **kwargs: Any) -> Any:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        # One level more: the event's arguments sit inside the packet's outer array.
        if nesting_depth_exceeds(text, MAX_DEPTH + 1):
            name = _EVENT_NAME.match(text)
            if name is None:
                return RefusedPayload()  # a connect packet's auth: the connection is refused
            return [json.loads(name.group(1)), RefusedPayload()]
        try:
            return json.loads(text, **kwargs)
        except RecursionError:  # cannot happen below the depth limit; never crash the library
            return RefusedPayload()


def error_ack(status: int, message: Any, fields: dict | None = None) -> dict[str, Any]:
    # The codes are the API's (one table): a client reads both the same way.
    error: dict[str, Any] = {
        "code": error_code(status),
        "message": str(message or default_message(status)),
    }
    if fields:
        error["fields"] = {str(k): str(v) for k, v in fields.items()}
    return {"ok": False, "error": error}


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone; the ack must still go out
        log.exception("Rollback after a socket handler error failed")


def acknowledged(handler: Callable[..., dict]) -> Callable[..., dict]:
    """Wraps a client-event handler that takes one payload; it always returns an ack.

    Refused payloads, extra arguments and text that cannot be stored are answered before the
    handler runs; a ServiceError becomes its error; anything unexpected is logged, the database
    session rolled back, and answered as a server error.
    """

    @wraps(handler)
    def wrapper(*args: Any) -> dict[str, Any]:
        if len(args) > 1:
            return error_ack(400, _("Send one object with the event."))
        data = args[0] if args else None
        if isinstance(data, RefusedPayload):
            return error_ack(400, _("The payload is nested too deeply."))
        try:
            require_clean_text(data)
            return handler(data)
        except ServiceError as error:
            _rollback()
            return error_ack(error.status, error.message, error.fields)
        except Exception:
            from flask import request

            log.exception("Socket handler %s failed", getattr(request, "event", None))
            _rollback()
            return error_ack(500, default_message(500))

    return wrapper


def guarded_connect(handler: Callable[[Any], bool]) -> Callable[..., bool]:
    """A connect handler never raises: bad auth or an unexpected error refuses the connection."""

    @wraps(handler)
    def wrapper(auth: Any = None, *_ignored: Any) -> bool:
        if isinstance(auth, RefusedPayload):
            return False
        try:
            require_clean_text(auth)
            return handler(auth)
        except ServiceError:
            _rollback()
            return False
        except Exception:
            log.exception("Socket connect handler failed")
            _rollback()
            return False

    return wrapper
