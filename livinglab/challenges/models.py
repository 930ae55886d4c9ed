from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase, db


class Phase(StrEnum):
    proposed = "proposed"
    open = "open"
    voting = "voting"
    selection = "selection"
    closed = "closed"
    declined = "declined"


# The partners' objectives, as theme slugs (part of the public interface).
THEMES = (
    "circular-business",
    "financing",
    "governance",
    "conservation",
    "sustainable-reuse",
    "youth-engagement",
)

PUBLISHED_PHASES = (Phase.open, Phase.voting, Phase.selection, Phase.closed)

challenge_cohost = sa.Table(
    "challenge_cohost",
    db.metadata,
    sa.Column("challenge_id", sa.ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("city_id", sa.ForeignKey("city.id"), primary_key=True),
)


class ChallengeTheme(ModelBase):
    __tablename__ = "challenge_theme"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenge.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class Challenge(ModelBase):
    __tablename__ = "challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    # The language the text is written in (a code of config.LANGUAGES), for lang= and filters.
    language: Mapped[str] = mapped_column(
        sa.String(8), default="en", server_default="en", index=True
    )
    phase: Mapped[Phase] = mapped_column(
        enum_column(Phase, "phase"), default=Phase.proposed, index=True
    )
    votes_per_member: Mapped[int] = mapped_column(default=3)
    # Chosen before voting opens: counts stay hidden until voting closes.
    hide_vote_counts: Mapped[bool] = mapped_column(default=False)
    lead_city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    proposer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Deadlines readers see for each phase; the lead city still moves phases by hand.
    ideas_deadline: Mapped[date | None] = mapped_column(sa.Date)
    voting_deadline: Mapped[date | None] = mapped_column(sa.Date)
    selection_deadline: Mapped[date | None] = mapped_column(sa.Date)

    lead_city: Mapped[City] = relationship(lazy="raise")
    proposer: Mapped[User | None] = relationship(lazy="raise")
    cohost_cities: Mapped[list[City]] = relationship(secondary=challenge_cohost, lazy="raise")
    theme_rows: Mapped[list[ChallengeTheme]] = relationship(
        cascade="all, delete-orphan", lazy="raise"
    )

    __table_args__ = (
        sa.CheckConstraint("votes_per_member BETWEEN 1 AND 20", name="votes_per_member_range"),
    )

    @property
    def themes(self) -> list[str]:
        return sorted(row.theme for row in self.theme_rows)

    @property
    def host_city_ids(self) -> set[int]:
        return {self.lead_city_id, *(city.id for city in self.cohost_cities)}

    @property
    def is_published(self) -> bool:
        return self.phase in PUBLISHED_PHASES and self.hidden_at is None

    @property
    def author_id(self) -> int | None:
        return self.proposer_id

    @property
    def moderation_city_ids(self) -> set[int]:
        return self.host_city_ids
