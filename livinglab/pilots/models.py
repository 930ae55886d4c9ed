from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.core.columns import owned, parent_id
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase, db
from livinglab.ideas.models import Idea
from livinglab.uploads.models import Attachment


class PilotStatus(StrEnum):
    planned = "planned"
    running = "running"
    evaluating = "evaluating"
    completed = "completed"
    halted = "halted"


class DecisionKind(StrEnum):
    approve = "approve"
    reject = "reject"


class Decision(ModelBase):
    """A host city's public decision on an idea: approved (with its pilot) or rejected, and why."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = parent_id("idea")
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind, "decision_kind"))
    reason: Mapped[str | None] = mapped_column(sa.String(2000))
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    idea: Mapped[Idea] = relationship(lazy="raise")
    city: Mapped[City] = relationship(lazy="raise")
    decided_by: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (sa.UniqueConstraint("idea_id", "city_id", name="uq_decision_once_per_city"),)


class Pilot(ModelBase):
    __tablename__ = "pilot"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = parent_id("idea", index=True)
    challenge_id: Mapped[int] = parent_id("challenge", index=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    status: Mapped[PilotStatus] = mapped_column(
        enum_column(PilotStatus, "pilot_status"), default=PilotStatus.planned, index=True
    )
    # The language of its idea (the title and story it shows), copied when the pilot is made.
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    halted_reason: Mapped[str | None] = mapped_column(sa.String(2000))
    # Where a halted pilot goes back to when it is resumed.
    halted_from: Mapped[PilotStatus | None] = mapped_column(
        enum_column(PilotStatus, "pilot_halted_from")
    )
    # Why it was completed although milestones were still open (None: all were done).
    completion_reason: Mapped[str | None] = mapped_column(sa.String(2000))
    # Replications point to the pilot they copy: the twinning made concrete.
    origin_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pilot.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lessons learned: required to complete; a completed pilot is a good practice.
    lessons_worked: Mapped[str | None] = mapped_column(sa.Text)
    lessons_failed: Mapped[str | None] = mapped_column(sa.Text)
    lessons_costs: Mapped[str | None] = mapped_column(sa.Text)
    lessons_circular_value: Mapped[str | None] = mapped_column(sa.Text)

    idea: Mapped[Idea] = relationship(lazy="raise")
    challenge: Mapped[Challenge] = relationship(lazy="raise")
    city: Mapped[City] = relationship(lazy="raise")
    origin: Mapped[Pilot | None] = relationship(remote_side=[id], lazy="raise")
    milestones: Mapped[list[Milestone]] = owned("(Milestone.due_date, Milestone.id)")
    indicators: Mapped[list[Indicator]] = owned("Indicator.id")

    @property
    def team_ids(self) -> set[int]:
        return self.idea.author_ids

    @property
    def title(self) -> str:
        return self.idea.title

    @property
    def open_milestones(self) -> list[Milestone]:
        return [m for m in self.milestones if m.done_on is None]

    @property
    def progress(self) -> tuple[int, int]:
        """Done and total milestones: progress is derived, never typed in."""
        return sum(1 for m in self.milestones if m.done_on), len(self.milestones)

    @property
    def is_published(self) -> bool:
        return True

    @property
    def moderation_city_ids(self) -> set[int]:
        return {self.city_id}


class Milestone(ModelBase):
    __tablename__ = "milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = parent_id("pilot", index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    evidence: Mapped[str | None] = mapped_column(sa.Text)
    evidence_attachment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attachment.id", ondelete="SET NULL")
    )

    evidence_attachment: Mapped[Attachment | None] = relationship(lazy="raise")

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_date is not None and self.due_date < today


class PilotUpdate(ModelBase):
    """A post by the pilot team, with images."""

    __tablename__ = "pilot_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = parent_id("pilot", index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")
    images: Mapped[list[Attachment]] = relationship(
        secondary="pilot_update_attachment", lazy="raise"
    )


pilot_update_attachment = sa.Table(
    "pilot_update_attachment",
    db.metadata,
    sa.Column("update_id", sa.ForeignKey("pilot_update.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "attachment_id", sa.ForeignKey("attachment.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Indicator(ModelBase):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    pilot_id: Mapped[int] = parent_id("pilot", index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    unit: Mapped[str] = mapped_column(sa.String(40))
    baseline: Mapped[float | None] = mapped_column(sa.Float)
    target: Mapped[float | None] = mapped_column(sa.Float)

    values: Mapped[list[IndicatorValue]] = owned("(IndicatorValue.measured_on, IndicatorValue.id)")


class IndicatorValue(ModelBase):
    __tablename__ = "indicator_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = parent_id("indicator", index=True)
    measured_on: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[float] = mapped_column(sa.Float)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    recorded_by: Mapped[User | None] = relationship(lazy="raise")
