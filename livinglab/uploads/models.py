from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase

KINDS = ("image", "pdf")


class Attachment(ModelBase):
    """One stored file. Links to ideas or pilot updates live in their own tables."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(8))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    # The member's file name, cleaned: only for display and as the download name.
    original_name: Mapped[str] = mapped_column(sa.String(200))
    size_bytes: Mapped[int] = mapped_column()
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    # Random hex plus extension; never derived from the member's file name.
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    thumb_key: Mapped[str | None] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploader: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (sa.CheckConstraint("kind IN ('image', 'pdf')", name="kind"),)

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.kind} {self.storage_key}>"
