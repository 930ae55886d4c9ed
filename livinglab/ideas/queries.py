"""The read side of one idea: the loader that checks access once, and what the idea's page shows.

The idea page is also shown again, with the refusal flashed, when a city's decision on it is
refused (pilots/views.py): both faces build it from ``idea_page_context``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.challenges.models import Challenge
from livinglab.discussion.queries import thread_context
from livinglab.discussion.targets import idea_target
from livinglab.errors import NotFound
from livinglab.extensions import db
from livinglab.follows.services import is_following
from livinglab.ideas import attachments
from livinglab.ideas.models import Coauthor, Idea
from livinglab.ideas.services import pending_invitation
from livinglab.pilots.models import Decision, Pilot
from livinglab.reviews import services as review_services
from livinglab.reviews.models import CRITERIA
from livinglab.text import render_markdown
from livinglab.votes import services as vote_services

IDEA_PAGE = "ideas/show.html"


# What the policy and the API's JSON read: the challenge's cities, the team, the files.
IDEA_EAGER = (
    selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
    selectinload(Idea.coauthors),
    selectinload(Idea.attachment_links),
)
# The idea's page also shows the lead city, the people and the files themselves.
IDEA_PAGE_EAGER = (
    selectinload(Idea.challenge).selectinload(Challenge.lead_city),
    selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
    selectinload(Idea.author),
    selectinload(Idea.coauthors).selectinload(Coauthor.user),
    *attachments.eager(),
)


def load_idea(idea_id: int, user: Any, eager: Sequence[Any] = IDEA_PAGE_EAGER) -> Idea:
    """The idea with its challenge, team and files (or ``eager``); NotFound (404) when unknown
    or not visible to ``user``."""
    idea = db.session.scalar(sa.select(Idea).where(Idea.id == idea_id).options(*eager))
    if idea is None or not policy.can_view_idea(user, idea):
        raise NotFound()
    return idea


def idea_page_context(idea: Idea, user: Any, before: str | None = None) -> dict[str, Any]:
    """Everything ``ideas/show.html`` needs; ``before`` pages back through the thread."""
    user_id = user.id if user.is_authenticated else None
    return {
        "idea": idea,
        "challenge": idea.challenge,
        "body_html": render_markdown(idea.body),
        "files": attachments.of(idea),
        "following": is_following(user_id, "idea", idea.id),
        "invitation": pending_invitation(user_id, idea),
        "may_edit": policy.can_edit_idea(user, idea),
        "is_author": user_id in idea.author_ids,
        "form": FlaskForm(),  # the CSRF token of the page's buttons
        **_votes_and_reviews(idea, user, user_id),
        **thread_context(idea_target(idea), before, user),
    }


def _votes_and_reviews(idea: Idea, user: Any, user_id: int | None) -> dict[str, Any]:
    challenge = idea.challenge
    reviews = review_services.of_idea(idea.id)
    return {
        "votes": vote_services.count_for(idea.id),
        "votes_visible": vote_services.counts_visible(challenge),
        "votes_by_city": vote_services.by_city([idea.id]).get(idea.id, []),
        "voted": idea.id in vote_services.my_votes(user_id, challenge.id),
        "votes_left": challenge.votes_per_member - vote_services.used_in(user_id, challenge.id)
        if user_id
        else None,
        "vote_verdict": policy.can_vote(user, idea),
        "reviews": reviews,
        "review_averages": review_services.averages(reviews),
        "criteria": CRITERIA,
        "may_review": policy.can_review(user, idea),
        "decisions": decisions_of(idea.id),
        "may_decide": policy.can_decide_idea(user, idea, user.city_id)
        if user.is_authenticated
        else None,
    }


def decisions_of(idea_id: int) -> list[tuple[Decision, int | None]]:
    """The cities' decisions on an idea, oldest first, each with the pilot it created (if any)."""
    rows = db.session.execute(
        sa.select(Decision, Pilot.id)
        .outerjoin(
            Pilot,
            sa.and_(
                Pilot.idea_id == Decision.idea_id,
                Pilot.city_id == Decision.city_id,
                Pilot.origin_id.is_(None),
            ),
        )
        .where(Decision.idea_id == idea_id)
        .options(selectinload(Decision.city), selectinload(Decision.decided_by))
        .order_by(Decision.created_at)
    ).all()
    return [(decision, pilot_id) for decision, pilot_id in rows]
