from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase
from livinglab.realtime.broadcast import room_for

MAX_DEPTH = 2  # a top-level comment, its replies, and replies to those: three levels
MAX_BODY = 5000


class Comment(ModelBase):
    """One comment. Deleting keeps the row (and so the thread's shape) but drops the text."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int] = mapped_column()
    # The challenge the discussion lives under: who moderates it, and "most discussed".
    challenge_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("challenge.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    depth: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    author: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.Index("ix_comment_thread", "target_type", "target_id", "parent_id", "id"),
        sa.Index("ix_comment_room_id", "target_type", "target_id", "id"),
        sa.CheckConstraint("depth BETWEEN 0 AND 2", name="depth_range"),
    )

    @property
    def room(self) -> str:
        return room_for(self.target_type, self.target_id)

    @property
    def is_visible(self) -> bool:
        return self.hidden_at is None and self.deleted_at is None
