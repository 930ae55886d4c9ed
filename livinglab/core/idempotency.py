"""Once-only writes: a key per member claims a write; a repeat gets the first answer.

Shared by the API's ``Idempotency-Key`` header (livinglab.api.idempotency) and the HTML
forms' submission key (livinglab.web.once). The keys live in a table, not in memory, so a
retry that lands on another server process is recognised too.

How a claim works, and why it needs no lock of its own: the claim row is inserted in the
request's transaction, and the unique (user, key) index makes a concurrent duplicate wait for
the first transaction (PostgreSQL waits on the index entry, SQLite on its write lock). When
the first request fails, its rollback (or :func:`release`) frees the key and the duplicate
runs in its place; when it succeeds, the row holds its answer and the duplicate replays it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase, db

POLL_SECONDS = 0.05  # a duplicate waits for the first answer this often
SWEEP_EVERY = timedelta(minutes=10)
_last_sweep: list[datetime] = []  # per process: when expired keys were last deleted


class IdempotencyKey(ModelBase):
    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    # "api:<header value>" or "form:<submission key>:<content digest>"
    key: Mapped[str] = mapped_column(sa.String(400))
    # What the first request asked (method, path, body): the same key for another request
    # is a client's mistake, not a retry.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    # None while the first request runs; then its answer.
    status_code: Mapped[int | None] = mapped_column()
    body: Mapped[str | None] = mapped_column(sa.Text)
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    location: Mapped[str | None] = mapped_column(sa.String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)


@dataclass(frozen=True)
class Answer:
    """The first request's response, kept to be replayed."""

    status_code: int
    body: str
    content_type: str | None
    location: str | None


class Claimed:
    """This request runs; :func:`complete` or :func:`release` must follow."""


class Mismatch:
    """The key was used for a different request."""


class InProgress:
    """The first request with this key is still running after the wait."""


CLAIMED, MISMATCH, IN_PROGRESS = Claimed(), Mismatch(), InProgress()
Outcome = Claimed | Mismatch | InProgress | Answer


def _lifetime() -> timedelta:
    return timedelta(hours=current_app.config.get("IDEMPOTENCY_KEY_HOURS", 24))


def _sweep(now: datetime) -> None:
    """Lazy clean-up of expired keys, at most every few minutes per process."""
    if _last_sweep and now - _last_sweep[0] < SWEEP_EVERY:
        return
    _last_sweep[:] = [now]
    db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))


def _new_key(
    user_id: int, key: str, fingerprint: str, now: datetime, **answer: Any
) -> IdempotencyKey:
    """A key claimed ``now``, kept for the configured lifetime (with its ``answer``, if any)."""
    expires_at = now + _lifetime()
    return IdempotencyKey(
        user_id=user_id,
        key=key,
        fingerprint=fingerprint,
        created_at=now,
        expires_at=expires_at,
        **answer,
    )


def claim(user_id: int, key: str, fingerprint: str, wait_seconds: float) -> Outcome:
    """Claims ``key`` for this request, or tells what became of the first one.

    The caller must have nothing pending: the claim starts a fresh transaction (on SQLite a
    transaction that read before the insert could not wait for the write lock).
    """
    deadline = time.monotonic() + wait_seconds
    while True:
        db.session.commit()
        now = utcnow()
        _sweep(now)
        # An expired key is free again (its row would otherwise block the insert).
        db.session.execute(
            sa.delete(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id,
                IdempotencyKey.key == key,
                IdempotencyKey.expires_at <= now,
            )
        )
        try:
            with db.session.begin_nested():
                db.session.add(_new_key(user_id, key, fingerprint, now))
            # Stays uncommitted: the request's own commit makes the claim and its write one.
            return CLAIMED
        except IntegrityError:
            pass  # the key is taken by a committed request; see what became of it
        db.session.commit()
        row = db.session.scalar(
            sa.select(IdempotencyKey).where(
                IdempotencyKey.user_id == user_id, IdempotencyKey.key == key
            )
        )
        if row is None:
            continue  # the first request failed and let the key go: run this one
        if row.fingerprint != fingerprint:
            return MISMATCH
        if row.status_code is not None:
            return Answer(row.status_code, row.body or "", row.content_type, row.location)
        if time.monotonic() >= deadline:
            return IN_PROGRESS
        db.session.commit()  # end the read: the next one sees the first request's answer
        time.sleep(POLL_SECONDS)


def complete(user_id: int, key: str, fingerprint: str, answer: Answer) -> None:
    """Keeps the answer of a request that did its write."""
    values = {
        "status_code": answer.status_code,
        "body": answer.body,
        "content_type": answer.content_type,
        "location": answer.location,
    }
    where = (IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    db.session.rollback()  # the request's own work is committed or was not to be kept
    updated = db.session.execute(sa.update(IdempotencyKey).where(*where).values(**values))
    if not getattr(updated, "rowcount", 0):
        # The handler rolled the claim back and then wrote anyway: keep its answer all the same.
        db.session.add(_new_key(user_id, key, fingerprint, utcnow(), **values))
    db.session.commit()


def settle(claim: tuple[int, str, str], answer: Answer | None) -> None:
    """Ends a request's claim (user id, key, fingerprint): keeps its ``answer`` for the
    retries to come, or, with None (nothing worth replaying), frees the key for a retry."""
    user_id, key, fingerprint = claim
    if answer is None:
        release(user_id, key)
    else:
        complete(user_id, key, fingerprint, answer)


def release_unanswered(claim: tuple[int, str, str] | None) -> None:
    """Frees a request's claim (user id, key, fingerprint) if it is still held at the end of
    the request: an exception skipped the hook that completes or releases it."""
    if claim is not None:
        release(claim[0], claim[1])


def release(user_id: int, key: str) -> None:
    """Frees the key of a request that wrote nothing (it failed): a retry runs again."""
    db.session.rollback()
    db.session.execute(
        sa.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.status_code.is_(None),
        )
    )
    db.session.commit()
