from __future__ import annotations

from flask_login import current_user
from flask_socketio import join_room

from livinglab.extensions import socketio
from livinglab.realtime.rooms import user_room


@socketio.on("connect")
def on_connect(auth=None):
    """Signed-in members join their private room; anonymous visitors may only watch.

    Outside clients authenticate with ``auth={"token": ...}`` (an API token) instead of a cookie.
    """
    if not current_user.is_authenticated and isinstance(auth, dict) and auth.get("token"):
        from flask_login import login_user

        from livinglab.api.tokens import user_for

        user = user_for(str(auth["token"]))
        if user is None:
            return False  # a wrong token is refused, not downgraded to anonymous
        login_user(user)  # into this connection's own session only
    if current_user.is_authenticated:
        try:
            join_room(user_room(current_user.id))
        except (KeyError, ValueError):  # the page closed while connecting
            return False
    return True
