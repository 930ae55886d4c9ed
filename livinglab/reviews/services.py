"""Expert reviews: a private draft, then one published review per expert and idea, editable
while the challenge takes reviews; a declared conflict of interest instead of a review; the
themes an expert reviews."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab import events, policy
from livinglab.challenges.models import THEMES
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.reviews.models import (
    CRITERION_NAMES,
    ExpertTheme,
    Review,
    ReviewConflict,
    ReviewDraft,
)

# The idea's page and the API read the published reviews through this module, the desk the
# ideas waiting for an expert (``queue``).
from livinglab.reviews.queries import averages, conflict_of, draft_of, mine, of_idea
from livinglab.reviews.queries import waiting_ids as queue

__all__ = [
    "averages",
    "queue",
    "declare_conflict",
    "discard_draft",
    "forget_expert",
    "of_idea",
    "save",
    "save_draft",
    "set_themes",
    "withdraw_conflict",
]

ASSESSMENT_MAX = 5000
_YES = (True, "y", "yes", "true", "on", "1")


def _score(value: Any) -> int | None:
    """A score from 1 to 5, or None for anything else ("4" from a form counts; "²" does not)."""
    if isinstance(value, str) and (number := id_text(value)) is not None:
        value = number
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        return None
    return value


def _score_message() -> Any:
    return _l("Give a score from 1 to 5.")


def _assessment_message() -> Any:
    return lazy_ngettext(
        "Write your assessment (at most %(num)d character).",
        "Write your assessment (at most %(num)d characters).",
        ASSESSMENT_MAX,
    )


def _assessment(data: dict[str, Any]) -> str:
    text = data.get("assessment")
    return text.strip() if isinstance(text, str) else ""


def _refuse(errors: dict[str, Any]) -> None:
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)


def _scores(data: dict[str, Any]) -> dict[str, Any]:
    """A complete review: the five scores (ints) and the assessment (str), or :class:`Invalid`."""
    errors: dict[str, Any] = {}
    scores: dict[str, int] = {}
    for name in CRITERION_NAMES:
        if (score := _score(data.get(name))) is None:
            errors[name] = _score_message()
        else:
            scores[name] = score
    text = _assessment(data)
    if not text or len(text) > ASSESSMENT_MAX:
        errors["assessment"] = _assessment_message()
    if data.get("no_conflict") not in _YES:
        errors["no_conflict"] = _l(
            "Declare that you have no conflict of interest, or do not review this idea."
        )
    _refuse(errors)
    return {**scores, "assessment": text}


def _draft_values(data: dict[str, Any]) -> dict[str, Any]:
    """What a draft keeps: any score left out stays empty, one given must be 1 to 5."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name in CRITERION_NAMES:
        raw = data.get(name)
        values[name] = None if raw in (None, "") else _score(raw)
        if raw not in (None, "") and values[name] is None:
            errors[name] = _score_message()
    values["assessment"] = _assessment(data)
    if len(values["assessment"]) > ASSESSMENT_MAX:
        errors["assessment"] = _assessment_message()
    values["no_conflict"] = data.get("no_conflict") in _YES
    _refuse(errors)
    return values


def save(user: Any, idea: Idea, data: dict[str, Any]) -> tuple[Review, bool]:
    """Submits the expert's review (creating or updating it) and deletes their draft; returns
    the review and whether it is new."""
    declared = conflict_of(user.id, idea.id) is not None
    require(policy.can_submit_review(user, idea, declared_conflict=declared))
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
    if (draft := draft_of(user.id, idea.id)) is not None:
        db.session.delete(draft)
    events.commit()
    return review, created


def save_draft(user: Any, idea: Idea, data: dict[str, Any]) -> ReviewDraft:
    """Keeps what the expert has chosen so far, seen by them alone; nothing is published."""
    declared = conflict_of(user.id, idea.id) is not None
    require(policy.can_submit_review(user, idea, declared_conflict=declared))
    values = _draft_values(data)
    draft = draft_of(user.id, idea.id)
    if draft is None:
        draft = ReviewDraft(idea_id=idea.id, expert_id=user.id)
        db.session.add(draft)
    for name, value in values.items():
        setattr(draft, name, value)
    draft.updated_at = utcnow()
    events.commit()
    return draft


def discard_draft(user: Any, idea: Idea) -> bool:
    """Deletes the expert's draft of this idea; whether there was one."""
    require(policy.can_review(user, idea))
    draft = draft_of(user.id, idea.id)
    if draft is not None:
        db.session.delete(draft)
        events.commit()
    return draft is not None


def declare_conflict(user: Any, idea: Idea) -> ReviewConflict:
    """The expert will not review this idea: it leaves their queue and their draft is deleted.
    Once their review is published, a conflict is for the coordinators to hear of."""
    require(policy.can_review(user, idea))
    if mine(user.id, idea.id) is not None:
        raise Conflict(
            _l(
                "You have already published a review of this idea. If you have a conflict of "
                "interest with it, tell the Living Lab's coordinators."
            )
        )
    declared = conflict_of(user.id, idea.id)
    if declared is None:
        declared = ReviewConflict(expert_id=user.id, idea_id=idea.id)
        db.session.add(declared)
    if (draft := draft_of(user.id, idea.id)) is not None:
        db.session.delete(draft)
    events.commit()
    return declared


def withdraw_conflict(user: Any, idea: Idea) -> None:
    """Takes a declaration back (made by mistake): the idea returns to the queue."""
    require(policy.can_review(user, idea))
    db.session.execute(
        sa.delete(ReviewConflict).where(
            ReviewConflict.expert_id == user.id, ReviewConflict.idea_id == idea.id
        )
    )
    events.commit()


def set_themes(user: Any, themes: Iterable[str]) -> list[str]:
    """The themes whose ideas the expert's queue shows first; none means every theme."""
    require(policy.can_view_review_queue(user))
    chosen = sorted(set(themes))
    if unknown := [t for t in chosen if t not in THEMES]:
        message = _l("Unknown theme: %(theme)s.", theme=unknown[0])
        raise Invalid(message, {"themes": message})
    db.session.execute(sa.delete(ExpertTheme).where(ExpertTheme.user_id == user.id))
    db.session.add_all(ExpertTheme(user_id=user.id, theme=theme) for theme in chosen)
    events.commit()
    return chosen


def forget_expert(user_id: int) -> None:
    """Drafts, declarations and themes are the expert's private working notes: they go with
    the account (the caller commits)."""
    for model in (ReviewDraft, ReviewConflict):
        db.session.execute(sa.delete(model).where(model.expert_id == user_id))
    db.session.execute(sa.delete(ExpertTheme).where(ExpertTheme.user_id == user_id))
