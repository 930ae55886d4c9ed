"""The one place that names Socket.IO rooms and emits server events.

The socket contract (DESIGN.md) is public: event names, rooms and payloads are spelled here
once, so a change to them is a change to this file. Domain code does not call this module
for content events: it publishes a domain event (livinglab.events) and
livinglab.realtime.subscriptions turns it into a broadcast. ``socketio.emit`` goes through the
configured client manager, so with Redis every process hears it, and while Redis is down the
resilient manager (realtime.queue) still serves this process's clients.

This module imports nothing from the domains: models may use ``room_for`` for their rooms.
"""

from __future__ import annotations

from typing import Any

from livinglab import content
from livinglab.extensions import socketio

# The rooms a client may join (``kind:id``): one per commentable kind of the content registry,
# a live view asked at the time of the check (the kinds register after this module loads).
PUBLIC_ROOM_KINDS = content.COMMENTABLE
COMMENT_EVENTS = ("comment.created", "comment.updated", "comment.hidden")


def room_for(kind: str, ident: int | str) -> str:
    """A public room: ``challenge:<id>``, ``idea:<id>``, ``pilot:<id>``."""
    return f"{kind}:{ident}"


def user_room(user_id: int) -> str:
    """Each signed-in member's private room: notifications and session events."""
    return f"user:{user_id}"


def sign_in_room(session_id: int) -> str:
    """The room of one sign-in (one device): its sockets end when the sign-in ends."""
    return f"signin:{session_id}"


def _emit(event: str, payload: dict[str, Any], to: str | list[str]) -> None:
    socketio.emit(event, payload, to=to)


def comment(event: str, payload: dict[str, Any]) -> None:
    """A comment was created, edited, deleted, hidden or restored: its room sees it at once."""
    if event not in COMMENT_EVENTS:
        raise ValueError(f"not a comment event: {event}")
    _emit(event, payload, payload["room"])


def comment_replayed(sid: str, payload: dict[str, Any]) -> None:
    """A comment a reconnecting client missed, to that one connection only."""
    _emit("comment.created", payload, sid)


def to_content(
    event: str, payload: dict[str, Any], kind: str, ident: int, *also: tuple[str, int]
) -> None:
    """A live event about one piece of content: to its room, and to the rooms of the content
    named in ``also`` (an idea's challenge). Any kind with a room, a new one too, uses this;
    the event's name and payload are part of the socket contract."""
    if kind not in PUBLIC_ROOM_KINDS:
        raise ValueError(f"{kind!r} has no public room")
    rooms = [room_for(kind, ident), *(room_for(k, i) for k, i in also)]
    _emit(event, payload, rooms if len(rooms) > 1 else rooms[0])


def vote_changed(idea_id: int, challenge_id: int, votes: int) -> None:
    """``vote.changed {idea_id, votes}`` to the idea's page and its challenge's page."""
    payload = {"idea_id": idea_id, "votes": votes}
    to_content("vote.changed", payload, "idea", idea_id, ("challenge", challenge_id))


def idea_status(idea_id: int, challenge_id: int, status: str) -> None:
    """``idea.status {idea_id, status}`` to the idea's page and its challenge's page."""
    payload = {"idea_id": idea_id, "status": status}
    to_content("idea.status", payload, "idea", idea_id, ("challenge", challenge_id))


def pilot_updated(pilot_id: int, what: str, **params: Any) -> None:
    """``pilot.updated {pilot_id, what, ...}`` to the pilot's page."""
    to_content("pilot.updated", {"pilot_id": pilot_id, "what": what, **params}, "pilot", pilot_id)


def notification(user_id: int, unread: int) -> None:
    """``notification {unread}`` to the member's own open pages."""
    _emit("notification", {"unread": unread}, user_room(user_id))


def end_member_sockets(user_id: int) -> None:
    """Signs a member's open pages out of the live channel (suspension, account deletion).

    The event reaches every server process through the message queue; the sockets held by
    this process are closed at once, the others' pages close theirs on the event.
    """
    end_sockets(user_room(user_id))


def end_sign_in_sockets(session_id: int) -> None:
    """Ends the sockets of one sign-in (see accounts.session)."""
    end_sockets(sign_in_room(session_id))


def end_sockets(room: str) -> None:
    """Ends the sockets in a room: ``session.ended`` first, then this process's sockets close."""
    _emit("session.ended", {}, room)
    for sid, _engine_sid in list(socketio.server.manager.get_participants("/", room)):
        socketio.server.disconnect(sid, namespace="/")
