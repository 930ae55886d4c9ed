"""The read side of reviews: an expert's queue, drafts and themes, the review page, and the
published reviews of an idea.

"Waiting for my review" means an idea of a challenge that takes reviews (policy
REVIEW_PHASES), visible, not withdrawn, not written or co-authored by me, that I have neither
reviewed nor declared a conflict of interest with; or one whose review I have in draft. The queue shows my themes unless I ask for
all, and the ideas of my own city's challenges first.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.challenges.models import THEMES, Challenge, ChallengeTheme
from livinglab.challenges.queries import hosted_by, in_theme
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, IdeaStatus, InvitationStatus
from livinglab.reviews.models import (
    CRITERION_NAMES,
    ExpertTheme,
    Review,
    ReviewConflict,
    ReviewDraft,
)

ALL_THEMES = "all"  # the queue's theme filter: every theme, whatever the expert chose
DRAFTS_SHOWN = 50  # an expert keeps a handful; a list this long would be abandoned work

# What a card of the queue shows: the challenge and its cities, the team and their cities.
QUEUE_EAGER = (
    selectinload(Idea.author),
    selectinload(Idea.challenge).selectinload(Challenge.lead_city),
    selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
    selectinload(Idea.challenge).selectinload(Challenge.theme_rows),
    selectinload(Idea.coauthors).selectinload(Coauthor.user),
)


def _reviewable_by(user: Any) -> list[sa.ColumnElement[bool]]:
    """Ideas the expert may review, on a query joining Idea to Challenge."""
    return [
        Challenge.phase.in_(policy.REVIEW_PHASES),
        Challenge.hidden_at.is_(None),
        Idea.hidden_at.is_(None),
        Idea.status != IdeaStatus.withdrawn,
        sa.or_(Idea.author_id.is_(None), Idea.author_id != user.id),
        Idea.id.not_in(
            sa.select(Coauthor.idea_id).where(
                Coauthor.user_id == user.id, Coauthor.status == InvitationStatus.accepted
            )
        ),
    ]


def _not_done_by(user_id: int) -> sa.ColumnElement[bool]:
    """Neither reviewed by the expert nor set aside for a conflict of interest."""
    return sa.and_(
        Idea.id.not_in(sa.select(Review.idea_id).where(Review.expert_id == user_id)),
        Idea.id.not_in(
            sa.select(ReviewConflict.idea_id).where(ReviewConflict.expert_id == user_id)
        ),
    )


def _drafted_by(user_id: int) -> sa.ColumnElement[bool]:
    return Idea.id.in_(sa.select(ReviewDraft.idea_id).where(ReviewDraft.expert_id == user_id))


def _in_themes_of(user_id: int) -> sa.ColumnElement[bool]:
    """Challenges in one of the expert's themes; every challenge when they chose none."""
    chosen = sa.select(ExpertTheme.theme).where(ExpertTheme.user_id == user_id)
    return sa.or_(
        ~chosen.exists(),
        Challenge.id.in_(
            sa.select(ChallengeTheme.challenge_id).where(ChallengeTheme.theme.in_(chosen))
        ),
    )


def _from_ideas() -> sa.Select:
    return sa.select(Idea).join(Challenge, Idea.challenge_id == Challenge.id)


def waiting(user: Any, *, theme: str = "", city: str = "") -> sa.Select:
    """The queue (not yet drafted): ``theme`` is a slug, :data:`ALL_THEMES`, or empty for the
    expert's own themes; ``city`` a host city's slug or empty for all. Ideas of the expert's
    city's challenges come first, then the oldest."""
    query = _from_ideas().where(*_reviewable_by(user), _not_done_by(user.id), ~_drafted_by(user.id))
    if theme in THEMES:
        query = query.where(in_theme(theme))
    elif theme != ALL_THEMES:
        query = query.where(_in_themes_of(user.id))
    if city:
        query = query.where(hosted_by(city))
    my_city_first = sa.case((hosted_by(user.city.slug), 0), else_=1)
    return query.options(*QUEUE_EAGER).order_by(my_city_first, Idea.created_at, Idea.id)


def drafts_of(user: Any) -> list[ReviewDraft]:
    """The expert's drafts (a first review or a change to a published one) of ideas still open
    to them, the latest first."""
    query = (
        sa.select(ReviewDraft)
        .join(Idea, ReviewDraft.idea_id == Idea.id)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(ReviewDraft.expert_id == user.id, *_reviewable_by(user))
        .options(
            selectinload(ReviewDraft.idea).selectinload(Idea.challenge),
            selectinload(ReviewDraft.idea)
            .selectinload(Idea.challenge)
            .selectinload(Challenge.lead_city),
        )
        .order_by(ReviewDraft.updated_at.desc(), ReviewDraft.id.desc())
        .limit(DRAFTS_SHOWN)
    )
    return list(db.session.scalars(query))


def waiting_ids(user: Any) -> sa.Select:
    """The ids of the ideas waiting for this expert: their queue in their themes, and their
    drafts. A query to compose (the navigation's and the desk's counts)."""
    return (
        sa.select(Idea.id)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(
            *_reviewable_by(user),
            sa.or_(
                sa.and_(_not_done_by(user.id), _in_themes_of(user.id)),
                _drafted_by(user.id),
            ),
        )
    )


def count_waiting_for(user: Any) -> int:
    """How many ideas wait for this expert (:func:`waiting_ids`), in one query; 0 without one
    for anybody who does not review."""
    if not policy.can_view_review_queue(user):
        return 0
    ids = waiting_ids(user).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids)) or 0


def themes_of(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(ExpertTheme.theme)
            .where(ExpertTheme.user_id == user_id)
            .order_by(ExpertTheme.theme)
        )
    )


def mine(user_id: int, idea_id: int) -> Review | None:
    return db.session.scalar(
        sa.select(Review).where(Review.idea_id == idea_id, Review.expert_id == user_id)
    )


def draft_of(user_id: int, idea_id: int) -> ReviewDraft | None:
    return db.session.scalar(
        sa.select(ReviewDraft).where(
            ReviewDraft.expert_id == user_id, ReviewDraft.idea_id == idea_id
        )
    )


def conflict_of(user_id: int, idea_id: int) -> ReviewConflict | None:
    return db.session.get(ReviewConflict, (user_id, idea_id))


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
