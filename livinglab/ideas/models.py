from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.core.columns import FileLink, owned, parent_id
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase, db
from livinglab.uploads.models import Attachment  # noqa: F401 - mapped before IdeaAttachment's link

MAX_ATTACHMENTS = 5


class IdeaStatus(StrEnum):
    submitted = "submitted"
    approved = "approved"
    rejected = "rejected"
    withdrawn = "withdrawn"


class InvitationStatus(StrEnum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"


class Idea(ModelBase):
    __tablename__ = "idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = parent_id("challenge")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str] = mapped_column(sa.Text)
    # The language the text is written in (a code of config.LANGUAGES), for lang= and filters.
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    status: Mapped[IdeaStatus] = mapped_column(
        enum_column(IdeaStatus, "idea_status"), default=IdeaStatus.submitted, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(500))

    challenge: Mapped[Challenge] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")
    coauthors: Mapped[list[Coauthor]] = relationship(
        back_populates="idea",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="Coauthor.invited_at",
    )
    attachment_links: Mapped[list[IdeaAttachment]] = owned("IdeaAttachment.position")

    __table_args__ = (
        sa.Index("ix_idea_challenge_created", "challenge_id", "created_at"),
        # Every idea count per challenge (lists, cards, the most-ideas sort) filters on the
        # status: with it the count reads the index only (list counts 3.9 ms -> 0.25 ms).
        sa.Index("ix_idea_challenge_status", "challenge_id", "status"),
    )

    @property
    def accepted_coauthors(self) -> list[Coauthor]:
        return [c for c in self.coauthors if c.status == InvitationStatus.accepted]

    @property
    def author_ids(self) -> set[int]:
        """The lead author and every co-author who accepted: authors for every rule."""
        ids = {c.user_id for c in self.accepted_coauthors}
        if self.author_id is not None:
            ids.add(self.author_id)
        return ids

    @property
    def is_published(self) -> bool:
        return self.challenge.is_published and self.hidden_at is None

    @property
    def moderation_city_ids(self) -> set[int]:
        return self.challenge.host_city_ids

    @property
    def review_count(self) -> int:
        """Asked only when one idea is decided on, so a query here is fine. It reads the reviews'
        table by its name: the reviews package stands above ideas (its models name the idea), so
        importing it here would tie the two into a loop."""
        review = db.metadata.tables["review"]
        count = sa.select(sa.func.count()).select_from(review).where(review.c.idea_id == self.id)
        return db.session.scalar(count) or 0


class Coauthor(ModelBase):
    """A member invited onto an idea's team, and whether they accepted."""

    __tablename__ = "idea_coauthor"

    idea_id: Mapped[int] = parent_id("idea", primary_key=True)
    user_id: Mapped[int] = parent_id("user", primary_key=True, index=True)
    status: Mapped[InvitationStatus] = mapped_column(
        enum_column(InvitationStatus, "invitation_status"), default=InvitationStatus.invited
    )
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    idea: Mapped[Idea] = relationship(back_populates="coauthors", lazy="raise")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="raise")


class IdeaAttachment(FileLink, ModelBase):
    """An image or PDF shown on an idea, in the order its authors added them."""

    __tablename__ = "idea_attachment"

    idea_id: Mapped[int] = parent_id("idea", primary_key=True)
