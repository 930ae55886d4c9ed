"""Socket.IO handlers of the discussion: join and leave rooms, replay, post with acknowledgement.

Each handler is wrapped by ``acknowledged``: whatever the payload, the client gets an answer.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import join_room, leave_room

from livinglab.core.inputs import optional_id, parse_id
from livinglab.discussion import services
from livinglab.discussion.serialize import serialize
from livinglab.discussion.targets import ROOM_TYPES, readable, resolve
from livinglab.errors import Invalid
from livinglab.extensions import socketio
from livinglab.realtime import broadcast
from livinglab.realtime.acks import acknowledged
from livinglab.realtime.acks import error_ack as _error


def _room(value: Any, status: int = 404) -> tuple[str, int]:
    """``kind:id`` with an id in the columns' range; anything else is a room that does not exist."""
    kind, colon, ident = value.partition(":") if isinstance(value, str) else ("", "", "")
    if not colon or kind not in ROOM_TYPES:
        message = _("This room does not exist.")
        raise Invalid(message, {"room": _("Unknown room.")}, status=status)
    try:
        return kind, parse_id(ident, "room", allow_text=True)
    except Invalid:
        raise Invalid(
            _("This room does not exist."), {"room": _("Unknown room.")}, status=status
        ) from None


def _target_of(data: Any):
    if not isinstance(data, dict):
        raise Invalid(_("Send an object with a room."))
    kind, ident = _room(data.get("room"))
    target = resolve(kind, ident)
    if target is None or not readable(current_user, target):
        raise Invalid(_("This room does not exist."), status=404)
    return target


@socketio.on("join")
@acknowledged
def on_join(data: Any = None):
    """Join a public room; with ``since``, first receive every comment after that id."""
    target = _target_of(data)
    since = data.get("since")
    if since is not None:
        try:
            since = parse_id(since, "since", minimum=0)
        except Invalid:
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
        # Flask-SocketIO sets ``sid`` on Flask's request at run time; Request's type lacks it.
        sid: str = request.sid  # type: ignore[attr-defined]
        for comment in services.replay_after(target, since):
            broadcast.comment_replayed(sid, serialize(comment, comment.author))
            replayed += 1
    return {"ok": True, "room": target.room, "replayed": replayed}


@socketio.on("leave")
@acknowledged
def on_leave(data: Any = None):
    """Stop receiving a room's events."""
    kind, ident = _room(data.get("room") if isinstance(data, dict) else None, status=400)
    with contextlib.suppress(KeyError, ValueError):  # already gone: nothing to leave
        leave_room(broadcast.room_for(kind, ident))
    return {"ok": True}


@socketio.on("comment.create")
@acknowledged
def on_comment_create(data: Any = None):
    """Post a comment; the acknowledgement carries the saved comment or the error."""
    if not current_user.is_authenticated:
        return _error(401, _("Please sign in first."))
    if not isinstance(data, dict):
        return _error(400, _("Send an object with a room and a body."))
    kind, ident = _room(data.get("room"), status=400)
    comment = services.post(
        current_user,
        kind,
        ident,
        data.get("body"),
        _parent_id(data.get("parent_id")),
        language=data.get("language"),
    )
    return {"ok": True, "comment": serialize(comment, current_user)}


def _parent_id(value: Any) -> int | None:
    """0 and null mean a top-level comment, as the page's script sends them."""
    if type(value) is int and value == 0:
        return None
    try:
        return optional_id(value, "parent_id", allow_text=True)
    except Invalid:
        message = _("This reply has no valid parent.")
        raise Invalid(message, {"parent_id": message}) from None
