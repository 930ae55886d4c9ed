from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase

# Which kinds may be flagged is declared by each kind (livinglab.content).
FLAGS_TO_HIDE = 3


class AboutContent:
    """A row about one item of content: its id, and the item's kind (livinglab.content) and id.

    These come first in the table, as in the migrations (``sort_order``: a mixin's columns
    would otherwise follow the model's own)."""

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)
    content_type: Mapped[str] = mapped_column(sa.String(16), sort_order=-1)
    content_id: Mapped[int] = mapped_column(sort_order=-1)


class Flag(AboutContent, ModelBase):
    """A member's report that some content breaks the rules; one per member and content."""

    __tablename__ = "flag"

    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a moderator decides on the content: the flag leaves the queue.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("content_type", "content_id", "reporter_id", name="uq_flag_once"),
        sa.Index("ix_flag_open", "resolved_at", "content_type", "content_id"),
    )
