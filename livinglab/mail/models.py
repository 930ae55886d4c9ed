"""The outbox, what each member chose to receive by email, and the notifications a digest gathers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.core.columns import parent_id
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase
from livinglab.notifications.models import NotificationFields


class MailStatus(StrEnum):
    queued = "queued"  # waiting for its first or next attempt (or being sent under a lease)
    sent = "sent"
    failed = "failed"  # given up after MAIL_MAX_ATTEMPTS; kept, never deleted


class OutboxMessage(ModelBase):
    """One email, written in the transaction of what caused it and sent later by the worker.

    The whole message is stored as it will be sent (rendered in the recipient's language when
    it was queued), so a retry days later sends exactly the same words and Message-ID.
    A worker owns a row while ``lease_until`` is in the future (see livinglab.mail.worker).
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # password_reset, verify_email, confirm_email, email_changed, notification, digest
    kind: Mapped[str] = mapped_column(sa.String(40))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Repeated notifications of one group update the queued email instead of adding another.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.queued
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(sa.String(40))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_mail_outbox_dedupe", "user_id", "dedupe_key", "status"),
    )


class Delivery(StrEnum):
    """How a member wants one kind of notification by email."""

    in_app = "in_app"  # in the list on the platform only
    immediate = "immediate"
    daily = "daily"
    weekly = "weekly"


class MailPreference(ModelBase):
    """A member's choice for one category of notifications; no row means the default."""

    __tablename__ = "mail_preference"

    user_id: Mapped[int] = parent_id("user", primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "mail_delivery"))


class DigestEntry(NotificationFields, ModelBase):
    """A notification waiting for the member's next digest (at 08:00 in their time zone).

    The worker deletes the entries it puts into a digest in the transaction that queues the
    digest, so an entry is sent once, whichever worker gets there first.
    """

    __tablename__ = "mail_digest_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, sort_order=1)

    __table_args__ = (
        sa.Index("ix_mail_digest_entry_due", "due_at"),
        sa.Index("ix_mail_digest_entry_user", "user_id", "kind", "group_key"),
    )
