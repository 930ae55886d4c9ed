"""Case studies: the partners' existing heritage practices, and what they inspired.

A case study belongs to one partner city; its members write it, its representatives publish
it. Its models (circular business, financing, governance) carry structured items: funding
sources with amounts, partners with their roles, revenue or reuse streams.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.core.columns import FileLink, owned, parent_id
from livinglab.database import UTCDateTime, enum_column, utcnow
from livinglab.extensions import ModelBase
from livinglab.uploads.models import Attachment


class CaseStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"  # its authors ask the city's representatives to publish it
    published = "published"


# The three kinds of model of the partners' first objective (also theme slugs of challenges).
MODEL_KINDS = ("circular-business", "financing", "governance")
SITE_TYPES = (
    "building",
    "archaeological-site",
    "museum",
    "historic-centre",
    "landscape",
    "intangible",
    "collection",
    "other",
)
# What a link from a case study says about its target.
RELATIONS = ("adapted", "inspired")
LINK_TARGETS = ("challenge", "pilot", "case_study")


class CaseStudy(ModelBase):
    __tablename__ = "case_study"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus, "case_status"), default=CaseStatus.draft, index=True
    )
    # title, summary and body are searched like a challenge's (livinglab.search).
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(500))
    problem: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)  # what was done
    outcomes: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    contacts: Mapped[str] = mapped_column(sa.Text, default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="en", server_default="en")
    # Other languages the practice's own material exists in, as space-separated codes.
    other_languages: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    site_name: Mapped[str] = mapped_column(sa.String(160))
    site_address: Mapped[str] = mapped_column(sa.String(300), default="")
    site_period: Mapped[str] = mapped_column(sa.String(120), default="")
    site_type: Mapped[str] = mapped_column(sa.String(32), index=True)
    year_started: Mapped[int | None] = mapped_column()
    total_cost: Mapped[float | None] = mapped_column(sa.Float)  # euros
    cost_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    city: Mapped[City] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    theme_rows: Mapped[list[CaseStudyTheme]] = owned("CaseStudyTheme.theme")
    models: Mapped[list[BusinessModel]] = owned("BusinessModel.id")
    indicators: Mapped[list[CaseIndicator]] = owned("CaseIndicator.position")
    attachment_links: Mapped[list[CaseAttachment]] = owned("CaseAttachment.position")

    __table_args__ = (
        sa.CheckConstraint("total_cost IS NULL OR total_cost >= 0", name="cost_positive"),
    )

    @property
    def model_kinds(self) -> list[str]:
        return [m.kind for m in self.models]

    @property
    def themes(self) -> list[str]:
        return sorted(row.theme for row in self.theme_rows)

    @property
    def author_ids(self) -> set[int]:
        return {self.author_id} if self.author_id else set()

    @property
    def is_published(self) -> bool:
        return self.status == CaseStatus.published

    @property
    def moderation_city_ids(self) -> set[int]:
        return {self.city_id}

    @property
    def documents(self) -> list[Attachment]:
        return [link.attachment for link in self.attachment_links if not link.attachment.is_image]

    @property
    def images(self) -> list[Attachment]:
        return [link.attachment for link in self.attachment_links if link.attachment.is_image]


class CaseStudyTheme(ModelBase):
    __tablename__ = "case_study_theme"

    case_study_id: Mapped[int] = parent_id("case_study", primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class BusinessModel(ModelBase):
    """One model a practice used: circular business, financing or governance."""

    __tablename__ = "case_study_model"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = parent_id("case_study", index=True)
    kind: Mapped[str] = mapped_column(sa.String(32), index=True)
    description: Mapped[str] = mapped_column(sa.Text)

    items: Mapped[list[ModelItem]] = owned("ModelItem.position")

    __table_args__ = (
        sa.UniqueConstraint("case_study_id", "kind", name="uq_case_study_model_kind"),
    )


class ModelItem(ModelBase):
    """A funding source and its amount, a partner and its role, a revenue or reuse stream."""

    __tablename__ = "case_study_model_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = parent_id("case_study_model", index=True)
    label: Mapped[str] = mapped_column(sa.String(160))
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    amount: Mapped[float | None] = mapped_column(sa.Float)  # euros
    position: Mapped[int] = mapped_column(default=0)


class CaseIndicator(ModelBase):
    """An outcome measured before and after the practice."""

    __tablename__ = "case_study_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = parent_id("case_study", index=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(160))
    unit: Mapped[str] = mapped_column(sa.String(40))
    # Measured before the practice began, and after it.
    before: Mapped[float | None] = mapped_column(sa.Float)
    after: Mapped[float | None] = mapped_column(sa.Float)


class CaseAttachment(FileLink, ModelBase):
    """A PDF document or an image shown on a case study."""

    __tablename__ = "case_study_attachment"

    case_study_id: Mapped[int] = parent_id("case_study", primary_key=True)


class KnowledgeLink(ModelBase):
    """ "This inspired…": a case study adapted into, or inspiring, a challenge, a pilot or
    another case study. ``city_id`` is the target's city, so the city-to-city matrix reads
    the link without loading its target."""

    __tablename__ = "knowledge_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_study_id: Mapped[int] = parent_id("case_study", index=True)
    target_type: Mapped[str] = mapped_column(sa.String(16))
    target_id: Mapped[int] = mapped_column()
    relation: Mapped[str] = mapped_column(sa.String(16))
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    case_study: Mapped[CaseStudy] = relationship(lazy="raise")
    city: Mapped[City] = relationship(lazy="raise")

    __table_args__ = (
        sa.UniqueConstraint(
            "case_study_id", "target_type", "target_id", name="uq_knowledge_link_target"
        ),
        sa.Index("ix_knowledge_link_target", "target_type", "target_id"),
        sa.CheckConstraint("relation IN ('adapted', 'inspired')", name="relation"),
        sa.CheckConstraint(
            "target_type IN ('challenge', 'pilot', 'case_study')", name="target_type"
        ),
    )
