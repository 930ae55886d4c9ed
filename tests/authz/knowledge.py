"""The case studies of the authorization world: a published one and a draft, both of Pavia
(the item's own city), written by a Pavia member who is none of the actors."""

from __future__ import annotations

import sqlalchemy as sa

from livinglab.casestudies.models import (
    BusinessModel,
    CaseAttachment,
    CaseStatus,
    CaseStudy,
    CaseStudyTheme,
)
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.uploads.models import Attachment


def build(author_id: int) -> dict[str, int]:
    pavia = db.session.scalar(sa.select(City.id).where(City.slug == "pavia"))
    made = {}
    for key, status in (("case_published", CaseStatus.published), ("case_draft", CaseStatus.draft)):
        case = CaseStudy(
            city_id=pavia,
            author_id=author_id,
            status=status,
            title=f"Case study ({status.value})",
            summary="A practice of Pavia.",
            problem="Damp frescoes.",
            body="Donors paid.",
            site_name="Castello Visconteo",
            site_type="building",
            published_at=utcnow() if status == CaseStatus.published else None,
        )
        case.theme_rows = [CaseStudyTheme(theme="financing")]
        case.models = [BusinessModel(kind="financing", description="Donations.")]
        db.session.add(case)
        db.session.flush()
        made[key] = case.id
    # A document of the published one (its row only: removing it touches no stored file).
    document = Attachment(
        kind="pdf",
        content_type="application/pdf",
        original_name="plan.pdf",
        size_bytes=9,
        storage_key=f"{'0' * 31}1.pdf",
    )
    db.session.add(CaseAttachment(case_study_id=made["case_published"], attachment=document))
    db.session.flush()
    made["case_file"] = document.id
    return made
