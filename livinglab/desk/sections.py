"""The desk's sections of every member and of experts (livinglab.desk.shape gives their
shape): invitations, replies, votes left, one's ideas, open challenges; ideas to review and
reviews in draft. Who gets which is the policy's answer (livinglab.desk.queries asks it)."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge, Phase, challenge_cohost
from livinglab.cities.models import City
from livinglab.desk.shape import section
from livinglab.ideas.models import Coauthor, Idea, IdeaStatus, InvitationStatus
from livinglab.notifications.models import Notification
from livinglab.policy import CityScope
from livinglab.reviews import queries as reviews
from livinglab.reviews.models import CRITERION_NAMES, ReviewDraft
from livinglab.votes.models import Vote

REPLY_KINDS = ("comment_reply", "comment_mention")

# --- Every member ---------------------------------------------------------------------------


def invitations(user_id: int) -> sa.Select:
    """Invitations to co-author an idea, not answered yet: accepted or declined, they go."""
    inviter = aliased(User)
    return (
        section(
            "invitations",
            order_by=Coauthor.invited_at.desc(),
            ref=Idea.id,
            title=Idea.title,
            note=sa.case((inviter.deleted_at.is_(None), inviter.stored_name)),
            at=Coauthor.invited_at,
        )
        .select_from(Coauthor)
        .join(Idea, Idea.id == Coauthor.idea_id)
        .outerjoin(inviter, inviter.id == Coauthor.invited_by_id)
        .where(
            Coauthor.user_id == user_id,
            Coauthor.status == InvitationStatus.invited,
            Idea.status != IdeaStatus.withdrawn,
            Idea.hidden_at.is_(None),
        )
    )


def replies(user_id: int) -> sa.Select:
    """Unread replies to the member's comments and mentions of them: read, they go."""
    return section(
        "replies",
        order_by=Notification.created_at.desc(),
        ref=Notification.id,
        title=Notification.params["title"].as_string(),
        note=Notification.params["name"].as_string(),
        detail=Notification.kind,
        number=Notification.count,
        at=Notification.created_at,
    ).where(
        Notification.user_id == user_id,
        Notification.read_at.is_(None),
        Notification.kind.in_(REPLY_KINDS),
    )


def votes_left(user_id: int, barred: CityScope, today: date) -> sa.Select:
    """Challenges in voting, before their deadline, where the member still has votes: once
    the budget is used, the challenge goes. ``barred``: host cities whose challenges the
    member may not vote on (policy.no_vote_scope)."""
    used = sa.func.count(Vote.id)
    query = (
        section(
            "votes",
            order_by=(Challenge.voting_deadline.is_(None), Challenge.voting_deadline, Challenge.id),
            ref=Challenge.id,
            title=Challenge.title,
            number=used,
            of=Challenge.votes_per_member,
            day=Challenge.voting_deadline,
        )
        .select_from(Challenge)
        .outerjoin(Vote, sa.and_(Vote.challenge_id == Challenge.id, Vote.user_id == user_id))
        .where(
            Challenge.phase == Phase.voting,
            Challenge.hidden_at.is_(None),
            sa.or_(Challenge.voting_deadline.is_(None), Challenge.voting_deadline >= today),
        )
        .group_by(
            Challenge.id, Challenge.title, Challenge.votes_per_member, Challenge.voting_deadline
        )
        .having(used < Challenge.votes_per_member)
    )
    if barred.city_ids:
        cohosted = sa.select(challenge_cohost.c.challenge_id).where(
            challenge_cohost.c.city_id.in_(barred.city_ids)
        )
        query = query.where(
            Challenge.lead_city_id.not_in(barred.city_ids), Challenge.id.not_in(cohosted)
        )
    return query


def _my_idea_ids(user_id: int) -> sa.Select:
    return sa.select(Coauthor.idea_id).where(
        Coauthor.user_id == user_id, Coauthor.status == InvitationStatus.accepted
    )


def my_ideas(user_id: int) -> sa.Select:
    """The member's ideas whose challenge still moves (open, voting, selection), with their
    status; a withdrawn idea goes."""
    return (
        section(
            "ideas",
            order_by=(Idea.created_at.desc(), Idea.id.desc()),
            ref=Idea.id,
            title=Idea.title,
            note=Idea.status,
            detail=Challenge.phase,
            at=Idea.created_at,
        )
        .select_from(Idea)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(
            sa.or_(Idea.author_id == user_id, Idea.id.in_(_my_idea_ids(user_id))),
            Idea.status != IdeaStatus.withdrawn,
            Challenge.phase.in_((Phase.open, Phase.voting, Phase.selection)),
        )
    )


def open_challenges(user_id: int, today: date) -> sa.Select:
    """Challenges taking ideas that the member has not answered yet, soonest deadline first."""
    answered = sa.select(Idea.challenge_id).where(
        sa.or_(Idea.author_id == user_id, Idea.id.in_(_my_idea_ids(user_id)))
    )
    return (
        section(
            "open",
            order_by=(
                Challenge.ideas_deadline.is_(None),
                Challenge.ideas_deadline,
                Challenge.published_at.desc(),
            ),
            ref=Challenge.id,
            title=Challenge.title,
            note=City.name,
            day=Challenge.ideas_deadline,
        )
        .select_from(Challenge)
        .join(City, City.id == Challenge.lead_city_id)
        .where(
            Challenge.phase == Phase.open,
            Challenge.hidden_at.is_(None),
            sa.or_(Challenge.ideas_deadline.is_(None), Challenge.ideas_deadline >= today),
            Challenge.id.not_in(answered),
        )
    )


# --- Experts --------------------------------------------------------------------------------


def review_queue_ids(user: Any) -> sa.Select:
    """The ideas waiting for this expert: their queue in their themes, and their drafts (the
    reviews domain's own rule, livinglab.reviews.queries)."""
    return reviews.waiting_ids(user)


def _drafted(user_id: int) -> sa.Select:
    return sa.select(ReviewDraft.idea_id).where(ReviewDraft.expert_id == user_id)


def to_review(user: Any) -> sa.Select:
    """Ideas waiting for this expert's first look, oldest first: reviewed (or put aside for a
    conflict of interest), they go; drafted, they move to the drafts."""
    return (
        section(
            "reviews",
            order_by=(Idea.created_at, Idea.id),
            ref=Idea.id,
            title=Idea.title,
            note=Challenge.title,
            at=Idea.created_at,
        )
        .select_from(Idea)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(Idea.id.in_(review_queue_ids(user)), Idea.id.not_in(_drafted(user.id)))
    )


def review_drafts(user: Any) -> sa.Select:
    """The expert's reviews in draft, of ideas still open to them: submitted, they go."""
    chosen = sum(
        (
            sa.case((getattr(ReviewDraft, name).is_not(None), 1), else_=0)
            for name in CRITERION_NAMES
        ),
        start=sa.literal(0),
    )
    return (
        section(
            "drafts",
            order_by=(ReviewDraft.updated_at.desc(), ReviewDraft.id.desc()),
            ref=Idea.id,
            title=Idea.title,
            note=Challenge.title,
            number=chosen,
            of=sa.literal(len(CRITERION_NAMES)),
            at=ReviewDraft.updated_at,
        )
        .select_from(ReviewDraft)
        .join(Idea, Idea.id == ReviewDraft.idea_id)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(ReviewDraft.expert_id == user.id, Idea.id.in_(review_queue_ids(user)))
    )
