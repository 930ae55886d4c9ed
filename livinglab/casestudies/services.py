"""Writing, publishing, adapting and linking case studies: each checks the policy, validates,
writes, sends its domain event (audit, notifications, follows) and commits."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from livinglab import events, policy
from livinglab.casestudies import files, signals
from livinglab.casestudies.files import Files
from livinglab.casestudies.inputs import CaseInput, Checked, validated
from livinglab.casestudies.models import (
    LINK_TARGETS,
    BusinessModel,
    CaseAttachment,
    CaseIndicator,
    CaseStatus,
    CaseStudy,
    CaseStudyTheme,
    KnowledgeLink,
    ModelItem,
)
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, NotFound, require
from livinglab.extensions import db
from livinglab.i18n import content_language_for
from livinglab.pilots.models import Pilot

# What a case study's card shows; its page, its API answer and the policy read the rest.
CARD_EAGER = (
    selectinload(CaseStudy.city),
    selectinload(CaseStudy.theme_rows),
    selectinload(CaseStudy.models),
)
CASE_EAGER = (
    *CARD_EAGER,
    selectinload(CaseStudy.author),
    selectinload(CaseStudy.models).selectinload(BusinessModel.items),
    selectinload(CaseStudy.indicators),
    selectinload(CaseStudy.attachment_links).selectinload(CaseAttachment.attachment),
)


def load(case_id: int) -> CaseStudy | None:
    return db.session.scalar(
        sa.select(CaseStudy).where(CaseStudy.id == case_id).options(*CASE_EAGER)
    )


def load_many(ids: Collection[int]) -> dict[int, CaseStudy]:
    if not ids:
        return {}
    query = sa.select(CaseStudy).where(CaseStudy.id.in_(ids)).options(*CASE_EAGER)
    return {c.id: c for c in db.session.scalars(query)}


def written(author: Any, checked: Checked) -> CaseStudy:
    """A new draft of the author's city, in their language unless the input names one."""
    case = CaseStudy(
        city_id=author.city_id,
        author_id=author.id,
        status=CaseStatus.draft,
        language=content_language_for(author),
    )
    case.theme_rows, case.models, case.indicators, case.attachment_links = [], [], [], []
    fill(case, checked)
    return case


def fill(case: CaseStudy, checked: Checked) -> None:
    """Writes checked input into the case study (its form, the API, the demo's file)."""
    for name, value in checked.text.items():
        setattr(case, name, value)
    case.site_type = checked.site_type
    case.year_started = checked.year_started
    case.total_cost = checked.total_cost
    if checked.language is not None:
        case.language = checked.language
    case.other_languages = checked.other_languages
    wanted = set(checked.themes)
    case.theme_rows = [row for row in case.theme_rows if row.theme in wanted] + [
        CaseStudyTheme(theme=t) for t in sorted(wanted - {row.theme for row in case.theme_rows})
    ]
    # A model is kept per kind (one of each per case study); its lines and the indicators
    # are replaced whole: they have no identity of their own.
    kept = {model.kind: model for model in case.models}
    models = []
    for kind, description, rows in checked.models:
        model = kept.get(kind) or BusinessModel(kind=kind)
        model.description = description
        model.items = [
            ModelItem(label=label, detail=detail, amount=amount, position=n)
            for n, (label, detail, amount) in enumerate(rows)
        ]
        models.append(model)
    case.models = models
    case.indicators = [
        CaseIndicator(name=name, unit=unit, before=before, after=after, position=n)
        for n, (name, unit, before, after) in enumerate(checked.indicators)
    ]


def create(user: Any, data: CaseInput, documents: Files = (), images: Files = ()) -> CaseStudy:
    """A draft of the author's own city; its representatives publish it."""
    require(policy.can_write_case_study(user))
    case = written(user, validated(data))
    files.store(user.id, case, documents, images)
    db.session.add(case)
    db.session.flush()
    events.send(signals.case_study_created, case, actor=user)  # audit, the author's follow
    events.commit()
    return case


def edit(
    user: Any,
    case: CaseStudy,
    data: CaseInput,
    documents: Files = (),
    images: Files = (),
    remove: Collection[int] = (),
) -> None:
    require(policy.can_edit_case_study(user, case))
    fill(case, validated(data))
    removed = files.detach(case, remove)
    files.store(user.id, case, documents, images)
    _edited(user, case)
    files.delete(removed)


def _edited(user: Any, case: CaseStudy) -> None:
    case.updated_at = utcnow()
    events.send(signals.case_study_edited, case, actor=user)  # audit, once published
    events.commit()


def add_files(user: Any, case: CaseStudy, documents: Files = (), images: Files = ()) -> None:
    """Adds documents and images to a case study, its text unchanged (the API's uploads)."""
    require(policy.can_edit_case_study(user, case))
    if not any(f and f.filename for f in [*documents, *images]):
        message = _l("Choose a PDF document or an image to add.")
        raise Invalid(message, {"documents": message})
    files.store(user.id, case, documents, images)
    _edited(user, case)


def remove_file(user: Any, case: CaseStudy, attachment_id: int) -> None:
    require(policy.can_edit_case_study(user, case))
    removed = files.detach(case, {attachment_id})
    if not removed:
        raise NotFound(_l("This case study has no such file."))
    _edited(user, case)
    files.delete(removed)


def submit(user: Any, case: CaseStudy) -> None:
    require(policy.can_submit_case_study(user, case))
    case.status = CaseStatus.submitted
    case.updated_at = utcnow()
    events.send(signals.case_study_submitted, case, actor=user)  # the city's reps are told
    events.commit()


def publish(user: Any, case: CaseStudy) -> None:
    require(policy.can_publish_case_study(user, case))
    # Compare-and-set: two representatives publishing at once publish it once.
    moved = db.session.execute(
        sa.update(CaseStudy)
        .where(CaseStudy.id == case.id, CaseStudy.status != CaseStatus.published)
        .values(status=CaseStatus.published)
        .execution_options(synchronize_session=False)
    )
    if getattr(moved, "rowcount", 0) != 1:
        db.session.rollback()
        raise Conflict(_l("This case study is already published."))
    case.status = CaseStatus.published
    case.published_at = utcnow()
    case.published_by_id = user.id
    events.send(signals.case_study_published, case, actor=user)  # audit, the author told
    events.commit()


# --- Adapting a case study as a challenge, "this inspired…" links ---------------------------

# The case study a challenge being proposed adapts: read by the receiver of challenge_proposed
# (subscriptions), which writes the link in the challenge's own transaction.
adapting: ContextVar[tuple[Any, CaseStudy] | None] = ContextVar("adapting", default=None)


@contextmanager
def _adapting(user: Any, case: CaseStudy) -> Iterator[None]:
    token = adapting.set((user, case))
    try:
        yield
    finally:
        adapting.reset(token)


def adaptation_draft(case: CaseStudy, user: Any) -> challenges.ChallengeInput:
    """A challenge of the representative's city, started from the case study's text."""
    body = str(
        _l(
            "Adapted from the case study “%(title)s” of %(city)s.",
            title=case.title,
            city=case.city.name,
        )
    )
    return challenges.ChallengeInput(
        title=case.title,
        summary=case.summary,
        body=f"{body}\n\n{case.problem}",
        themes=case.themes[:3],
        lead_city=user.city.slug,
        language=content_language_for(user),
    )


def adapt(user: Any, case: CaseStudy, data: challenges.ChallengeInput) -> Challenge:
    """Proposes a challenge led by the representative's city, linked to the case study."""
    require(policy.can_adapt_case_study(user, case))
    if data.lead_city != user.city.slug:
        message = _l("A case study is adapted as a challenge led by your own city.")
        raise Invalid(message, {"lead_city": message}, status=403)
    with _adapting(user, case):
        return challenges.propose(user, data)


def _target(target_type: str, target_id: int) -> tuple[int, str, bool]:
    """The target's city, title and whether it is public."""
    if target_type == "challenge":
        row = db.session.get(Challenge, target_id)
        if row is not None:
            return row.lead_city_id, row.title, row.is_published
    elif target_type == "pilot":
        pilot = db.session.scalar(
            sa.select(Pilot).where(Pilot.id == target_id).options(selectinload(Pilot.idea))
        )
        if pilot is not None:
            return pilot.city_id, pilot.idea.title, True
    elif target_type == "case_study":
        other = db.session.get(CaseStudy, target_id)
        if other is not None:
            return other.city_id, other.title, other.is_published
    raise NotFound(_l("There is no published challenge, pilot or case study with this number."))


def link(user: Any, case: CaseStudy, target_type: Any, target_id: Any) -> KnowledgeLink:
    """Records that the case study inspired a challenge, a pilot or another case study."""
    require(policy.can_link_case_study(user, case))
    if target_type not in LINK_TARGETS:
        message = _l("Choose a challenge, a pilot or a case study.")
        raise Invalid(message, {"target_type": message})
    try:
        ident = int(str(target_id).strip().lstrip("#"))
    except ValueError:
        ident = 0
    if not 1 <= ident <= 2**31 - 1:
        message = _l("Enter the number of the challenge, pilot or case study.")
        raise Invalid(message, {"target_id": message})
    if target_type == "case_study" and ident == case.id:
        message = _l("A case study cannot inspire itself.")
        raise Invalid(message, {"target_id": message})
    city_id, title, public = _target(target_type, ident)
    if not public:
        raise NotFound(_l("There is no published challenge, pilot or case study with this number."))
    exists = db.session.scalar(
        sa.select(KnowledgeLink.id).where(
            KnowledgeLink.case_study_id == case.id,
            KnowledgeLink.target_type == target_type,
            KnowledgeLink.target_id == ident,
        )
    )
    if exists:
        raise Conflict(_l("This link is already recorded."))
    new = KnowledgeLink(
        case_study_id=case.id,
        target_type=target_type,
        target_id=ident,
        relation="inspired",
        city_id=city_id,
        created_by_id=user.id,
    )
    db.session.add(new)
    db.session.flush()
    events.send(signals.case_study_linked, case, actor=user, link=new, title=title)
    events.commit()
    return new
