from __future__ import annotations

from flask_login import current_user, login_user
from flask_socketio import join_room

from livinglab.accounts.session import sign_in_room, user_for_socket_token
from livinglab.extensions import socketio
from livinglab.realtime.acks import guarded_connect
from livinglab.realtime.broadcast import user_room


@socketio.on("connect")
@guarded_connect
def on_connect(auth=None):
    """Signed-in members join their private room; anonymous visitors may only watch.

    Outside clients authenticate with ``auth={"token": ...}`` (an API token) instead of a cookie.
    """
    if not current_user.is_authenticated and isinstance(auth, dict) and auth.get("token"):
        user = user_for_socket_token(str(auth["token"]))
        if user is None:
            return False  # a wrong token is refused, not downgraded to anonymous
        login_user(user)  # into this connection's own session only
    if current_user.is_authenticated:
        try:
            join_room(user_room(current_user.id))
            if own := sign_in_room(current_user):
                join_room(own)  # signing this device out ends this socket too
        except (KeyError, ValueError):  # the page closed while connecting
            return False
    return True
