"""Expert reviews: one per expert and idea, editable until the challenge closes."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm import selectinload

from livinglab import events, policy
from livinglab.challenges.models import Challenge, Phase
from livinglab.challenges.queries import hosted_by, in_theme
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, IdeaStatus, InvitationStatus
from livinglab.reviews.models import CRITERION_NAMES, Review

ASSESSMENT_MAX = 5000


def _scores(data: dict[str, Any]) -> dict[str, Any]:
    """The five scores (ints) and the assessment (str), or :class:`Invalid`."""
    errors: dict[str, Any] = {}
    scores: dict[str, int] = {}
    for name in CRITERION_NAMES:
        value = data.get(name)
        if isinstance(value, str) and (number := id_text(value)) is not None:
            value = number  # "4" from a form; "²" or a 40-digit string is simply not a score
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = _l("Give a score from 1 to 5.")
        else:
            scores[name] = value
    text = data.get("assessment")
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > ASSESSMENT_MAX:
        errors["assessment"] = lazy_ngettext(
            "Write your assessment (at most %(num)d character).",
            "Write your assessment (at most %(num)d characters).",
            ASSESSMENT_MAX,
        )
    if data.get("no_conflict") not in (True, "y", "yes", "true", "on", "1"):
        errors["no_conflict"] = _l(
            "Declare that you have no conflict of interest, or do not review this idea."
        )
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    return {**scores, "assessment": text}


def mine(user_id: int, idea_id: int) -> Review | None:
    return db.session.scalar(
        sa.select(Review).where(Review.idea_id == idea_id, Review.expert_id == user_id)
    )


def save(user: Any, idea: Idea, data: dict[str, Any]) -> tuple[Review, bool]:
    """Creates or updates the expert's review; returns it and whether it is new."""
    require(policy.can_review(user, idea))
    values = _scores(data)
    review = mine(user.id, idea.id)
    created = review is None
    if review is None:
        review = Review(idea_id=idea.id, expert_id=user.id, no_conflict=True, **values)
        db.session.add(review)
        db.session.flush()
        events.send(events.review_created, review, actor=user, idea=idea)  # notifications
    else:
        for name, value in values.items():
            setattr(review, name, value)
        review.updated_at = utcnow()
    events.commit()
    return review, created


def of_idea(idea_id: int) -> list[Review]:
    return list(
        db.session.scalars(
            sa.select(Review)
            .where(Review.idea_id == idea_id)
            .options(selectinload(Review.expert))
            .order_by(Review.created_at)
        )
    )


def averages(reviews: list[Review]) -> dict[str, float]:
    if not reviews:
        return {}
    return {name: sum(getattr(r, name) for r in reviews) / len(reviews) for name in CRITERION_NAMES}


def queue(user: Any, *, theme: str = "", city: str = "") -> sa.Select:
    """Ideas this expert may still review: not theirs, not yet reviewed, in a live challenge."""
    reviewed = sa.select(Review.idea_id).where(Review.expert_id == user.id)
    query = (
        sa.select(Idea)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(
            Challenge.phase.in_((Phase.open, Phase.voting, Phase.selection)),
            Challenge.hidden_at.is_(None),
            Idea.hidden_at.is_(None),
            Idea.status != IdeaStatus.withdrawn,
            Idea.id.not_in(reviewed),
            sa.or_(Idea.author_id.is_(None), Idea.author_id != user.id),
            Idea.id.not_in(
                sa.select(Coauthor.idea_id).where(
                    Coauthor.user_id == user.id, Coauthor.status == InvitationStatus.accepted
                )
            ),
        )
        .options(
            selectinload(Idea.author),
            selectinload(Idea.challenge).selectinload(Challenge.lead_city),
        )
        .order_by(Idea.created_at)
    )
    if theme:
        query = query.where(in_theme(theme))
    if city:
        query = query.where(hosted_by(city))
    return query
