from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase

# Which kinds may be followed is declared by each kind (livinglab.content).


class Follow(ModelBase):
    __tablename__ = "follow"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("user_id", "target_type", "target_id", name="uq_follow_user_target"),
        sa.Index("ix_follow_target", "target_type", "target_id"),
    )
