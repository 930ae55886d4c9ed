"""The read side of challenges and their ideas: the loader that checks access once, filters,
search and sorting, eagerly loaded; shared by the HTML views, the API and sockets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.accounts.models import User
from livinglab.challenges import deadlines
from livinglab.challenges.models import (
    PUBLISHED_PHASES,
    THEMES,
    Challenge,
    ChallengeTheme,
    Phase,
    challenge_cohost,
)
from livinglab.cities.models import City
from livinglab.database import write_intent
from livinglab.discussion.models import Comment
from livinglab.errors import NotFound
from livinglab.extensions import db
from livinglab.i18n import supported
from livinglab.ideas.models import Coauthor, Idea, IdeaStatus
from livinglab.search.services import matching_ids

CHALLENGE_SORTS = ("newest", "most_ideas", "most_discussed")
IDEA_SORTS = ("newest", "oldest", "most_discussed")

CHALLENGE_EAGER = (
    selectinload(Challenge.lead_city),
    selectinload(Challenge.cohost_cities),
    selectinload(Challenge.theme_rows),
)


# The pages also show the proposer; the API's JSON does not (one query less).
CHALLENGE_PAGE_EAGER = (*CHALLENGE_EAGER, selectinload(Challenge.proposer))


def load_challenge(
    challenge_id: int, user: Any, eager: Sequence[Any] = CHALLENGE_PAGE_EAGER
) -> Challenge:
    """The challenge with what its pages show (or ``eager``); NotFound (404) when unknown or not
    visible to ``user`` (a proposal is not public: saying 403 would tell it exists)."""
    challenge = db.session.scalar(
        sa.select(Challenge).where(Challenge.id == challenge_id).options(*eager)
    )
    if challenge is None or not policy.can_view_challenge(user, challenge):
        raise NotFound()
    return challenge


def past_deadline_ids(now: datetime) -> list[int]:
    """Challenges whose current phase's deadline has passed at ``now`` (the phase ended with
    its deadline day): what the scheduler moves on. A read that takes no write lock."""
    today = deadlines.today(now)
    passed = [
        sa.and_(Challenge.phase == phase, getattr(Challenge, column) < today)
        for phase, column in deadlines.DEADLINE_COLUMNS.items()
    ]
    with write_intent(False):
        ids = list(
            db.session.scalars(
                sa.select(Challenge.id).where(sa.or_(*passed)).order_by(Challenge.id)
            )
        )
        db.session.commit()
    return ids


def _live_idea_count():
    return (
        sa.select(sa.func.count(Idea.id))
        .where(Idea.challenge_id == Challenge.id, Idea.status != IdeaStatus.withdrawn)
        .correlate(Challenge)
        .scalar_subquery()
    )


def _visible_comment_count(correlated: type, *about: sa.ColumnElement[bool]) -> Any:
    """How many comments (neither deleted nor hidden) match ``about``, per row of
    ``correlated``: what "most discussed" sorts by."""
    return (
        sa.select(sa.func.count(Comment.id))
        .where(*about, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None))
        .correlate(correlated)
        .scalar_subquery()
    )


def in_theme(theme: str) -> sa.ColumnElement[bool]:
    """Challenges tagged with ``theme`` (a condition to join to a query on Challenge)."""
    return Challenge.id.in_(
        sa.select(ChallengeTheme.challenge_id).where(ChallengeTheme.theme == theme)
    )


def hosted_by(city_slug: str) -> sa.ColumnElement[bool]:
    """Challenges the city with ``city_slug`` leads or co-hosts."""
    city_id = sa.select(City.id).where(City.slug == city_slug).scalar_subquery()
    return sa.or_(
        Challenge.lead_city_id == city_id,
        Challenge.id.in_(
            sa.select(challenge_cohost.c.challenge_id).where(challenge_cohost.c.city_id == city_id)
        ),
    )


def challenge_listing(
    *,
    city: str = "",
    theme: str = "",
    phase: str = "",
    language: str = "",
    q: str = "",
    sort: str = "newest",
) -> sa.Select:
    query = (
        sa.select(Challenge)
        .where(Challenge.phase.in_(PUBLISHED_PHASES), Challenge.hidden_at.is_(None))
        .options(*CHALLENGE_EAGER)
    )
    if phase in {p.value for p in PUBLISHED_PHASES}:
        query = query.where(Challenge.phase == Phase(phase))
    if supported(language):  # an unknown code filters nothing
        query = query.where(Challenge.language == language)
    if theme in THEMES:
        query = query.where(in_theme(theme))
    if city:
        query = query.where(hosted_by(city))
    found = matching_ids("challenge", q)
    if found is not None:
        query = query.where(Challenge.id.in_(found))
    if sort == "most_ideas":
        return query.order_by(_live_idea_count().desc(), Challenge.id.desc())
    if sort == "most_discussed":
        # Every comment under the challenge: on it, its ideas and its pilots.
        discussed = _visible_comment_count(Challenge, Comment.challenge_id == Challenge.id)
        return query.order_by(discussed.desc(), Challenge.id.desc())
    return query.order_by(Challenge.published_at.desc(), Challenge.id.desc())


IDEA_EAGER = (
    selectinload(Idea.author),
    selectinload(Idea.coauthors).selectinload(Coauthor.user),
)


def idea_listing(
    challenge_id: int,
    *,
    city: str = "",
    status: str = "",
    language: str = "",
    q: str = "",
    sort: str = "newest",
) -> sa.Select:
    query = (
        sa.select(Idea)
        .where(Idea.challenge_id == challenge_id, Idea.hidden_at.is_(None))
        .options(*IDEA_EAGER)
    )
    if status in {s.value for s in IdeaStatus}:
        query = query.where(Idea.status == IdeaStatus(status))
    if supported(language):
        query = query.where(Idea.language == language)
    if city:
        query = query.where(
            Idea.author_id.in_(
                sa.select(User.id).join(City, User.city_id == City.id).where(City.slug == city)
            )
        )
    found = matching_ids("idea", q)
    if found is not None:
        query = query.where(Idea.id.in_(found))
    if sort == "oldest":
        return query.order_by(Idea.created_at, Idea.id)
    if sort == "most_discussed":
        discussed = _visible_comment_count(
            Idea, Comment.target_type == "idea", Comment.target_id == Idea.id
        )
        return query.order_by(discussed.desc(), Idea.id.desc())
    return query.order_by(Idea.created_at.desc(), Idea.id.desc())


def public_ideas() -> sa.Select[Idea]:
    """The ideas anyone may read: of published challenges, neither hidden."""
    return (
        sa.select(Idea)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(
            Challenge.phase.in_(PUBLISHED_PHASES),
            Challenge.hidden_at.is_(None),
            Idea.hidden_at.is_(None),
        )
    )


def idea_search(q: str) -> sa.Select | None:
    """Ideas of published challenges matching a query, for the search page."""
    found = matching_ids("idea", q)
    if found is None:
        return None
    return (
        public_ideas()
        .where(Idea.id.in_(found))
        .options(*IDEA_EAGER, selectinload(Idea.challenge))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
    )
