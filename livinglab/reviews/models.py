from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase

if TYPE_CHECKING:  # ideas/models.py imports this module (an idea's review count)
    from livinglab.ideas.models import Idea

# The rubric: (column, what the expert scores from 1 to 5). Descriptions: reviews/rubric.py.
CRITERIA = (
    ("heritage_value", _l("Heritage value")),
    ("feasibility", _l("Feasibility")),
    ("circularity", _l("Circularity and sustainability")),
    ("youth_involvement", _l("Youth involvement")),
    ("replicability", _l("Replicability in other partner cities")),
)
CRITERION_NAMES = tuple(name for name, _ in CRITERIA)


def _score() -> Mapped[int]:
    return mapped_column(sa.SmallInteger)


def _draft_score() -> Mapped[int | None]:
    return mapped_column(sa.SmallInteger, nullable=True)


def _ranges() -> tuple[sa.CheckConstraint, ...]:
    return tuple(
        sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_range")
        for name in CRITERION_NAMES
    )


class Review(ModelBase):
    """A submitted review: public, with the expert's name, counted in the averages."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    heritage_value: Mapped[int] = _score()
    feasibility: Mapped[int] = _score()
    circularity: Mapped[int] = _score()
    youth_involvement: Mapped[int] = _score()
    replicability: Mapped[int] = _score()
    assessment: Mapped[str] = mapped_column(sa.Text)
    # The expert declared having no conflict of interest with the idea or its authors.
    no_conflict: Mapped[bool] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    expert: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint("idea_id", "expert_id", name="uq_review_once"),
        *_ranges(),
        sa.CheckConstraint("no_conflict", name="declared"),
    )

    @property
    def average(self) -> float:
        return sum(getattr(self, name) for name in CRITERION_NAMES) / len(CRITERION_NAMES)


class ReviewDraft(ModelBase):
    """What an expert has chosen so far, seen by them alone until they submit it.

    Any score may still be missing; the ones chosen are already 1 to 5. Submitting writes the
    :class:`Review` and deletes the draft.
    """

    __tablename__ = "review_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(sa.ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    heritage_value: Mapped[int | None] = _draft_score()
    feasibility: Mapped[int | None] = _draft_score()
    circularity: Mapped[int | None] = _draft_score()
    youth_involvement: Mapped[int | None] = _draft_score()
    replicability: Mapped[int | None] = _draft_score()
    assessment: Mapped[str] = mapped_column(sa.Text, default="")
    no_conflict: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(lazy="raise")

    __table_args__ = (
        # expert first: the expert's own drafts are what is looked up
        sa.UniqueConstraint("expert_id", "idea_id", name="uq_review_draft_once"),
        *_ranges(),
    )

    @property
    def chosen(self) -> int:
        """How many of the five criteria have a score."""
        return sum(getattr(self, name) is not None for name in CRITERION_NAMES)


class ReviewConflict(ModelBase):
    """An expert's declaration of a conflict of interest with an idea: they do not review it,
    and it leaves their queue. Seen by them alone; they may take it back."""

    __tablename__ = "review_conflict"

    expert_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    idea_id: Mapped[int] = mapped_column(
        sa.ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExpertTheme(ModelBase):
    """A theme an expert reviews (a slug of challenges.models.THEMES); none means all themes."""

    __tablename__ = "expert_theme"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    theme: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
