"""Case studies as content: commentable (the live discussion of a practice, its comments
flaggable and moderated by the representatives of the case study's city) and followable (their
author and followers hear what they inspired). The case study itself is not flaggable: like a
pilot, it is published by its city's representative, who answers for it.

In addresses the kind is "case-studies", as its pages and API are:
``/api/v1/case-studies/<id>/comments``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from livinglab import content, policy
from livinglab.casestudies.models import CaseAttachment, CaseStudy
from livinglab.casestudies.services import load_many
from livinglab.extensions import db
from livinglab.uploads.access import shows_files


def visible_to(user: Any, case: CaseStudy) -> bool:
    return bool(policy.can_view_case_study(user, case))


KIND = content.register(
    "case_study",
    CaseStudy,
    # Addressed as its pages are: /case-studies/<id>, /api/v1/case-studies/<id>/comments.
    page=("casestudies.show", "case_id"),
    plural="case-studies",
    commentable=True,
    followable=True,
    load=load_many,
    title_of=lambda c: c.title,
    owner_ids=lambda c: c.author_ids,
    visible_to=visible_to,
    challenge_id_of=lambda c: None,  # its discussion lives under no challenge
)


@shows_files
def _case_studies_showing(attachment_id: int) -> list[Any]:
    """A document or image is as visible as its case study (a draft's files: its readers)."""
    return list(
        db.session.scalars(
            sa.select(CaseStudy).where(
                CaseStudy.id.in_(
                    sa.select(CaseAttachment.case_study_id).where(
                        CaseAttachment.attachment_id == attachment_id
                    )
                )
            )
        )
    )
