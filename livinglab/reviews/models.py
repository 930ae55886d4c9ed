from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase

# The rubric: (column, what the expert scores from 1 to 5).
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


class Review(ModelBase):
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
        *(
            sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_range")
            for name in CRITERION_NAMES
        ),
        sa.CheckConstraint("no_conflict", name="declared"),
    )

    @property
    def average(self) -> float:
        return sum(getattr(self, name) for name in CRITERION_NAMES) / len(CRITERION_NAMES)
