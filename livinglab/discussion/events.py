"""Socket.IO handlers of the discussion: join and leave rooms, replay, post with acknowledgement."""

from __future__ import annotations

import contextlib
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from livinglab.discussion import services
from livinglab.discussion.serialize import serialize
from livinglab.discussion.targets import parse_room, readable, resolve
from livinglab.errors import ServiceError
from livinglab.extensions import socketio

ERROR_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    429: "rate_limited",
}


def _error(status: int, message: Any, fields: dict | None = None) -> dict:
    error: dict[str, Any] = {"code": ERROR_CODES.get(status, "invalid"), "message": str(message)}
    if fields:
        error["fields"] = {k: str(v) for k, v in fields.items()}
    return {"ok": False, "error": error}


def _target_of(data: Any):
    if not isinstance(data, dict):
        return None, _error(400, _("Send an object with a room."))
    parsed = parse_room(data.get("room"))
    target = resolve(*parsed) if parsed else None
    if target is None or not readable(current_user, target):
        return None, _error(404, _("This room does not exist."))
    return target, None


@socketio.on("join")
def on_join(data: Any = None):
    """Join a public room; with ``since``, first receive every comment after that id."""
    target, error = _target_of(data)
    if error:
        return error
    since = data.get("since")
    if since is not None and (isinstance(since, bool) or not isinstance(since, int) or since < 0):
        return _error(
            400,
            _("“since” must be the id of the last comment you saw."),
            {"since": _("Must be a number.")},
        )
    try:
        join_room(target.room)
    except (KeyError, ValueError):  # the client left while the join was on its way
        return _error(404, _("This connection is closed."))
    replayed = 0
    if since is not None:
        for comment in services.replay_after(target, since):
            socketio.emit("comment.created", serialize(comment, comment.author), to=request.sid)
            replayed += 1
    return {"ok": True, "room": target.room, "replayed": replayed}


@socketio.on("leave")
def on_leave(data: Any = None):
    """Stop receiving a room's events."""
    parsed = parse_room(data.get("room") if isinstance(data, dict) else None)
    if parsed is None:
        return _error(400, _("Send an object with a room."))
    with contextlib.suppress(KeyError, ValueError):  # already gone: nothing to leave
        leave_room(f"{parsed[0]}:{parsed[1]}")
    return {"ok": True}


@socketio.on("comment.create")
def on_comment_create(data: Any = None):
    """Post a comment; the acknowledgement carries the saved comment or the error."""
    if not current_user.is_authenticated:
        return _error(401, _("Please sign in first."))
    if not isinstance(data, dict):
        return _error(400, _("Send an object with a room and a body."))
    parsed = parse_room(data.get("room"))
    if parsed is None:
        return _error(400, _("This room does not exist."), {"room": _("Unknown room.")})
    try:
        comment = services.post(
            current_user,
            parsed[0],
            parsed[1],
            data.get("body"),
            data.get("parent_id"),
            language=data.get("language"),
        )
    except ServiceError as error:
        return _error(error.status, error.message, error.fields)
    return {"ok": True, "comment": serialize(comment, current_user)}
