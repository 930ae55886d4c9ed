from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase


class Vote(ModelBase):
    """One member's vote for one idea. Counts are always COUNT(*) of these rows: nothing to drift."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"))
    # Denormalised from the idea: the budget is counted per member and challenge.
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenge.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    # The voter's city when voting: the cross-city support shown on the idea.
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("idea_id", "user_id", name="uq_vote_once"),
        sa.Index("ix_vote_budget", "user_id", "challenge_id"),
        sa.Index("ix_vote_idea_city", "idea_id", "city_id"),
    )
