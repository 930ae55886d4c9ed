"""Issuing, checking and revoking personal access tokens (API clients and sockets use them)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import ApiToken, User
from livinglab.database import utcnow, write_intent
from livinglab.errors import Invalid
from livinglab.extensions import db

PREFIX = "ll_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, name: str = "API", days: int | None = None) -> tuple[str, ApiToken]:
    """A new token for the member: the plain text is returned once and never stored."""
    label = (name or "").strip()
    if not label or len(label) > 80:
        raise Invalid(
            _l("Name the token (at most 80 characters)."),
            {"name": _l("Name the token (at most 80 characters).")},
        )
    plain = PREFIX + secrets.token_urlsafe(32)
    lifetime = days or current_app.config.get("API_TOKEN_DAYS", 30)
    row = ApiToken(
        user_id=user.id,
        name=label,
        token_hash=_digest(plain),
        prefix=plain[:10],
        expires_at=utcnow() + timedelta(days=lifetime),
    )
    db.session.add(row)
    db.session.commit()
    return plain, row


def lookup(plain: str) -> ApiToken | None:
    """The live token for this text: not revoked, not expired, its member not suspended."""
    if not isinstance(plain, str) or not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(plain)))
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= utcnow()
        or row.user.is_suspended
    ):
        return None
    return row


def user_for(plain: str) -> User | None:
    row = lookup(plain)
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        # At most one write per token every few minutes. The read's transaction ends first:
        # on SQLite a reading transaction cannot become a writing one while another writer
        # holds the lock, whereas a new one that asks for the lock up front simply queues.
        token_id = row.id
        db.session.commit()
        with write_intent():
            db.session.execute(
                sa.update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
            db.session.commit()
    return row.user


def revoke(user: Any, token_id: int) -> bool:
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        return False
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return True


def of(user_id: int) -> list[ApiToken]:
    """The member's tokens, revoked ones too, newest first."""
    mine = sa.select(ApiToken).where(ApiToken.user_id == user_id)
    return list(db.session.scalars(mine.order_by(ApiToken.created_at.desc())))
