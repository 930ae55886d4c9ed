"""Flask-Login wiring: the login id carries a session version so old sessions die."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

from livinglab.accounts.models import User
from livinglab.extensions import db


def load_user(login_id: str) -> User | None:
    """A session is valid only for an active account whose version it still carries."""
    user_id, _, version = login_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.scalar(
        sa.select(User).where(User.id == int(user_id), User.session_version == int(version))
    )
    if user is None or not user.is_active:  # suspended or deleted
        return None
    return user


def load_user_from_request(request) -> User | None:
    """API clients send ``Authorization: Bearer <token>`` instead of a session cookie."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    from livinglab.api.tokens import user_for

    return user_for(token.strip())


def init_login(app: Flask, manager: LoginManager) -> None:
    manager.init_app(app)
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "accounts.login"
    manager.login_message = _l("Please sign in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
