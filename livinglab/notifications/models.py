from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.core.columns import parent_id
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase


class NotificationFields:
    """What a notification says and to whom: the list's entries, and the entries a mail digest
    gathers (livinglab.mail.models.DigestEntry), which are notifications waiting for email.

    A model adds its own columns after these (``sort_order=1``), so each table keeps the
    order of its migration."""

    user_id: Mapped[int] = parent_id("user")
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    link: Mapped[str | None] = mapped_column(sa.String(300))
    group_key: Mapped[str | None] = mapped_column(sa.String(80))
    count: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Notification(NotificationFields, ModelBase):
    """One entry in a member's list. Text is built from ``kind`` and ``params`` when shown,
    so it reads in the member's language of the moment. Repeated events on the same item
    (same ``group_key``) bump ``count`` on the unread entry instead of adding rows."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, sort_order=1)

    __table_args__ = (
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "id"),
        sa.Index("ix_notification_group", "user_id", "kind", "group_key", "read_at"),
    )


class NotificationMute(ModelBase):
    """A kind of notification a member chose not to receive."""

    __tablename__ = "notification_mute"

    user_id: Mapped[int] = parent_id("user", primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
