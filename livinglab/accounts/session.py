"""Flask-Login wiring: every sign-in is a row, so signing out ends it on the server.

The login id kept in the session cookie and in the remember-me cookie is
``"<user id>:<session version>:<key>"``. The key is the secret of one :class:`LoginSession`
row: signing out deletes the row, so a copy of either cookie taken before opens nothing
afterwards, while the member's other devices stay signed in. Bumping the session version
(password change, suspension, deletion, "sign out everywhere") ends every sign-in at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, Response, g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from livinglab.accounts.models import ApiToken, LoginSession, User
from livinglab.accounts.tokens import lookup, user_for
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.realtime import broadcast

TOKEN_KEY = "api."  # noqa: S105 - not a secret; '.' never occurs in a session secret (token_urlsafe)
# last_seen_at is written at most this often per sign-in: a page view costs no write.
TOUCH_EVERY = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def device_summary(user_agent: str) -> str:
    """ "Firefox on Linux": enough to recognise a device, not a fingerprint of it."""
    ua = user_agent or ""
    browsers = (
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    )
    systems = (
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for mark, name in browsers if mark in ua), "")
    system = next((name for mark, name in systems if mark in ua), "")
    if browser and system:
        return f"{browser} / {system}"
    return browser or system or ua[:40]


def sign_in(user: User, remember: bool = False) -> LoginSession:
    """Starts a sign-in on this device: a new row, its secret in the login id."""
    now = utcnow()
    # Lazy clean-up: sign-ins unseen for longer than a remember-me cookie lives are dead anyway.
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.last_seen_at < now - timedelta(days=365)
        )
    )
    secret = secrets.token_urlsafe(32)
    row = LoginSession(
        user_id=user.id,
        token_hash=_digest(secret),
        created_at=now,
        last_seen_at=now,
        device=device_summary(request.headers.get("User-Agent", ""))[:80],
    )
    db.session.add(row)
    db.session.commit()
    user.login_key = secret
    user.login_session_id = row.id
    login_user(user, remember=remember)
    return row


def load_user(login_id: str) -> User | None:
    """The member of a live sign-in: active account, current version, row still there.

    One query, as before sign-ins had rows: the row is joined to the account.
    """
    user_id, version, key = (login_id.split(":", 2) + ["", ""])[:3]
    if not (user_id.isdigit() and version.isdigit() and key):
        return None  # also a login id of the old "id:version" shape: sign in again
    if key.startswith(TOKEN_KEY):
        return _load_token_user(int(user_id), int(version), key)
    found = db.session.execute(
        sa.select(User, LoginSession.id, LoginSession.last_seen_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(
            User.id == int(user_id),
            User.session_version == int(version),
            LoginSession.token_hash == _digest(key),
        )
    ).first()
    if found is None:
        return None
    user, session_id, last_seen = found
    if not user.is_active:  # suspended or deleted
        return None
    user.login_key = key
    user.login_session_id = session_id
    if utcnow() - last_seen > TOUCH_EVERY:
        g.touch_login_session = session_id  # written after the response, see _touch
    return user


def _load_token_user(user_id: int, version: int, key: str) -> User | None:
    """A socket signed in with an API token stays signed in while the token lives."""
    token_id = key[len(TOKEN_KEY) :]
    if not token_id.isdigit():
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            User.id == user_id,
            User.session_version == version,
            ApiToken.id == int(token_id),
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
    )
    if user is None or not user.is_active:
        return None
    user.login_key = key
    return user


def user_for_socket_token(plain: str) -> User | None:
    """The member of an API token, ready for ``login_user`` on a Socket.IO connection."""
    user = user_for(plain)  # also stamps the token's last use, as an HTTP request would
    row = lookup(plain) if user is not None else None
    if user is None or row is None:
        return None
    user.login_key = f"{TOKEN_KEY}{row.id}"
    return user


def sign_in_room(user: User) -> str | None:
    """The Socket.IO room of one sign-in: its pages' sockets end when it ends."""
    if user.login_session_id is not None:
        return broadcast.sign_in_room(user.login_session_id)
    return None


def end_sign_in(user_id: int, session_id: int) -> bool:
    """Ends one sign-in of a member (this device or another one); False if it is not theirs."""
    # A bulk DELETE answers with a cursor result: its rowcount says whether the row was theirs.
    result = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            sa.delete(LoginSession).where(
                LoginSession.id == session_id, LoginSession.user_id == user_id
            )
        ),
    )
    deleted = result.rowcount
    db.session.commit()
    if deleted:
        broadcast.end_sign_in_sockets(session_id)
    return bool(deleted)


def sign_out() -> None:
    """Signs this device out: its row goes, so copies of its cookies die with it."""
    session_id = getattr(current_user, "login_session_id", None)
    if session_id is not None:
        end_sign_in(current_user.id, session_id)
    logout_user()


def forget_all(user_id: int) -> None:
    """Deletes every sign-in row of a member (the caller bumps the version and commits)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user_id))


def active_sign_ins(user_id: int) -> list[LoginSession]:
    return list(
        db.session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.user_id == user_id)
            .order_by(LoginSession.last_seen_at.desc())
            .limit(50)
        )
    )


def _touch(response: Response) -> Response:
    """Records when a sign-in was last used, after the page is made (never in the loader,
    which may run in the middle of a view's unfinished writes)."""
    session_id = g.pop("touch_login_session", None)
    if session_id is None or response.is_streamed:
        return response
    try:
        db.session.rollback()  # nothing of the request is left to keep: it has been answered
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == session_id)
            .values(last_seen_at=utcnow())
        )
        db.session.commit()
    except SQLAlchemyError:  # a last-seen time is never worth a failed response
        db.session.rollback()
    return response


def load_user_from_request(request) -> User | None:
    """API clients send ``Authorization: Bearer <token>`` instead of a session cookie."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for(token.strip())


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please sign in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    app.after_request(_touch)
