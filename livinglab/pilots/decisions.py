"""Host cities decide on ideas in selection: approval creates that city's pilot."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from livinglab import events, policy
from livinglab.cities.models import City
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Idea, IdeaStatus
from livinglab.pilots.models import Decision, DecisionKind, Pilot

REASON_MAX = 2000


def decide(
    user: Any, idea: Idea, city_slug: Any, kind: Any, reason: Any = ""
) -> tuple[Decision, Pilot | None]:
    """Approve or reject ``idea`` for one host city; returns the decision and any new pilot."""
    city = (
        db.session.scalar(sa.select(City).where(City.slug == city_slug))
        if isinstance(city_slug, str)
        else None
    )
    if city is None:
        raise Invalid(_l("Choose a partner city."), {"city": _l("Choose a partner city.")})
    try:
        decision_kind = DecisionKind(kind)
    except ValueError:
        raise Invalid(
            _l("Decide to approve or to reject."),
            {"decision": _l("Decide to approve or to reject.")},
        ) from None
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) > REASON_MAX:
        raise Invalid(
            _l("Use at most 2000 characters."), {"reason": _l("Use at most 2000 characters.")}
        )
    if decision_kind == DecisionKind.reject and not text:
        message = _l("Say why the idea is rejected; the reason is public.")
        raise Invalid(message, {"reason": message})
    require(policy.can_decide_idea(user, idea, city.id))
    if db.session.scalar(
        sa.select(Decision.id).where(Decision.idea_id == idea.id, Decision.city_id == city.id)
    ):
        raise Conflict(_l("%(city)s has already decided on this idea.", city=city.name))
    decision = Decision(
        idea_id=idea.id,
        city_id=city.id,
        kind=decision_kind,
        reason=text or None,
        decided_by_id=user.id,
    )
    db.session.add(decision)
    previous = idea.status
    pilot = None
    if decision_kind == DecisionKind.approve:
        pilot = Pilot(
            idea_id=idea.id,
            challenge_id=idea.challenge_id,
            city_id=city.id,
            created_by_id=user.id,
            language=idea.language,  # the pilot shows the idea's title and story
        )
        db.session.add(pilot)
        idea.status = IdeaStatus.approved
    elif idea.status == IdeaStatus.submitted and not _approved_anywhere(idea.id):
        idea.status = IdeaStatus.rejected
    try:
        db.session.flush()
    except IntegrityError:  # a second representative of the city clicked at the same moment
        db.session.rollback()
        raise Conflict(_l("%(city)s has already decided on this idea.", city=city.name)) from None
    # audit, the watchers told, the team following the new pilot
    events.send(events.idea_decided, idea, actor=user, city=city, pilot=pilot, reason=text)
    events.commit()
    if idea.status != previous:
        events.idea_status_changed.send(idea, previous=previous)
    return decision, pilot


def _approved_anywhere(idea_id: int) -> bool:
    return bool(
        db.session.scalar(
            sa.select(Decision.id).where(
                Decision.idea_id == idea_id, Decision.kind == DecisionKind.approve
            )
        )
    )


def log(city_id: int | None = None) -> sa.Select:
    """The public decision log, newest first."""
    from sqlalchemy.orm import selectinload

    query = (
        sa.select(Decision)
        .options(
            selectinload(Decision.idea),
            selectinload(Decision.city),
            selectinload(Decision.decided_by),
        )
        .order_by(Decision.created_at.desc(), Decision.id.desc())
    )
    if city_id is not None:
        query = query.where(Decision.city_id == city_id)
    return query
