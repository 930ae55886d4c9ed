from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase


class City(ModelBase):
    """A partner municipality. Slugs are part of the public interface and never change."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    municipality: Mapped[str] = mapped_column(sa.String(160))
    country: Mapped[str] = mapped_column(sa.String(80))
    language: Mapped[str] = mapped_column(sa.String(8))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<City {self.slug}>"
