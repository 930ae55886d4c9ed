"""Case studies as content: followable (their author and followers hear what they inspired).

Not commentable yet: the discussion's addresses are made from the kind's name plus "s"
(``/api/v1/<kind>s/<id>/comments``, a comment's ``/<kind>s/<id>#comment``), which would publish
``case_studys`` in the API; the registry needs a plural of its own first.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from livinglab import content, policy
from livinglab.casestudies.models import CaseAttachment, CaseStudy
from livinglab.casestudies.services import load_many
from livinglab.core.links import path_for
from livinglab.extensions import db
from livinglab.uploads.access import shows_files


def load(ids: Collection[int]) -> dict[int, CaseStudy]:
    return load_many(ids)


def visible_to(user: Any, case: CaseStudy) -> bool:
    return bool(policy.can_view_case_study(user, case))


KIND = content.register(
    "case_study",
    CaseStudy,
    load=load,
    title_of=lambda c: c.title,
    url_of=lambda c: path_for("casestudies.show", case_id=c.id),
    owner_ids=lambda c: c.author_ids,
    visible_to=visible_to,
    challenge_id_of=lambda c: None,
    followable=True,
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
