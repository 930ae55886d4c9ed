from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase


class TermsAcceptance(ModelBase):
    """A member accepting one version of the terms of use and of the privacy notice.

    One row per pair of versions accepted, kept as the record of consent the GDPR asks a
    controller to be able to show (art. 7(1)); a new version of either text asks again."""

    __tablename__ = "terms_acceptance"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    terms_version: Mapped[str] = mapped_column(sa.String(20))
    privacy_version: Mapped[str] = mapped_column(sa.String(20))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "user_id", "terms_version", "privacy_version", name="uq_terms_acceptance_once"
        ),
    )
