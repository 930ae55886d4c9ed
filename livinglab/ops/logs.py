"""Structured logs: one JSON object per line in production, one readable line in development.

``LIVINGLAB_LOG_FORMAT`` (``json`` or ``text``) chooses; production defaults to JSON, which log
collectors (journald, Loki, Elastic, a city's SIEM) read field by field. Every line written while
a request is served carries that request's id (livinglab.ops.tracing), so the lines of one
failing request can be found among those of hundreds of threads.

The handler sits on the root logger, so the platform's loggers (``livinglab.*``) and the
libraries' warnings come out in the same format; the platform logs from ``LIVINGLAB_LOG_LEVEL``
(INFO by default), libraries from WARNING, as before.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context
from flask.logging import default_handler

from livinglab.ops.tracing import request_id

FORMATS = ("json", "text")
# What every LogRecord has; anything else on a record came from ``extra=`` and is a field.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


def current_request_id() -> str | None:
    """The id of the request being served by this thread, if any (livinglab.ops.tracing)."""
    if has_request_context():
        return request_id()  # made now if this line comes before the request's start signal
    return None


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            try:
                record.request_id = current_request_id() or "-"
            except Exception:  # noqa: BLE001 - a log line must never fail for its decoration
                record.request_id = "-"
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD and key != "request_id" and not key.startswith("_")
    }


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update(_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a field that is not JSON (a datetime, an enum) is written, not lost.
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``12:00:01.234 INFO livinglab.access [3f2a...] GET / 200 12.0 ms``, then any traceback."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            datefmt="%Y-%m-%d %H:%M:%S",
        )

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        if not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().formatMessage(record)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is now (servers and test runners replace it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass  # always the current sys.stderr


class _NoDevServerAccessLines(logging.Filter):
    """The development server's own line per request repeats livinglab.access's: dropped; its
    other lines (" * Running on http://...", errors) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).rstrip().endswith('"%s" %s %s')


def log_format(app: Flask) -> str:
    chosen = (app.config.get("LOG_FORMAT") or "text").lower()
    if chosen not in FORMATS:
        raise RuntimeError(f"LIVINGLAB_LOG_FORMAT={chosen!r} is not one of {', '.join(FORMATS)}")
    return chosen


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, in the configured format; idempotent (tests make many apps)."""
    chosen = log_format(app)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if chosen == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.set_name("livinglab")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "livinglab"]:
        root.removeHandler(old)
    root.addHandler(handler)
    # Flask's own handler would print the app's lines a second time, unformatted.
    app.logger.removeHandler(default_handler)
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise RuntimeError(f"LIVINGLAB_LOG_LEVEL={level!r} is not a logging level")
    logging.getLogger("livinglab").setLevel(level)
    # With a handler on the root logger, Werkzeug no longer adds its own and its INFO lines
    # (the address `flask run` serves on) would fall under the root's WARNING.
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.setLevel(logging.INFO)
    if not any(isinstance(f, _NoDevServerAccessLines) for f in werkzeug.filters):
        werkzeug.addFilter(_NoDevServerAccessLines())
