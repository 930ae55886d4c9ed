"""Room names and what the server does to a member's open sockets."""

from __future__ import annotations

from livinglab.extensions import socketio


def user_room(user_id: int) -> str:
    """Each signed-in member's private room: notifications and session events."""
    return f"user:{user_id}"


def end_member_sockets(user_id: int) -> None:
    """Signs a member's open pages out of the live channel (suspension, account deletion).

    The event reaches every server process through the message queue; the sockets held by
    this process are closed at once, the others' pages close theirs on the event.
    """
    end_sockets(user_room(user_id))


def end_sockets(room: str) -> None:
    """Ends the sockets in a room: a member's, or one sign-in's (see accounts.session)."""
    socketio.emit("session.ended", {}, to=room)
    for sid, _engine_sid in list(socketio.server.manager.get_participants("/", room)):
        socketio.server.disconnect(sid, namespace="/")
