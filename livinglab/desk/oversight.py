"""The desk's sections of those who run the lab (livinglab.desk.shape gives their shape):
proposals to publish, phases ending, decisions pending, overdue milestones, role requests and
reported content, for the cities of the viewer's scope (a city representative's own city, an
administrator's every city: livinglab.policy.desk and the rules' own scopes)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from livinglab.accounts.models import RequestStatus, RoleRequest, User
from livinglab.challenges import deadlines
from livinglab.challenges.models import Challenge, Phase, challenge_cohost
from livinglab.cities.models import City
from livinglab.desk.shape import in_scope, section
from livinglab.ideas.models import Idea, IdeaStatus
from livinglab.moderation.models import Flag
from livinglab.moderation.scope import FlagScope
from livinglab.pilots.models import Decision, Milestone, Pilot, PilotStatus
from livinglab.policy import CityScope, RoleRequestScope
from livinglab.reviews.models import Review

DUE_SOON = timedelta(days=7)  # a phase whose deadline is this close is "due"
ACTIVE_PILOT = (PilotStatus.planned, PilotStatus.running, PilotStatus.evaluating)


def to_publish(scope: CityScope) -> sa.Select:
    """Proposals waiting for their lead city: published or declined, they go."""
    return (
        section(
            "publish",
            order_by=(Challenge.created_at, Challenge.id),
            ref=Challenge.id,
            title=Challenge.title,
            note=City.name,
            at=Challenge.created_at,
        )
        .select_from(Challenge)
        .join(City, City.id == Challenge.lead_city_id)
        .where(
            Challenge.phase == Phase.proposed,
            Challenge.hidden_at.is_(None),
            in_scope(Challenge.lead_city_id, scope),
        )
    )


def phases_due(scope: CityScope, today: date) -> sa.Select:
    """Challenges whose current phase ends within a week (or has ended): moved on, they go
    (or come back with the next phase's deadline, if that one is close too)."""
    deadline = sa.case(
        *(
            (Challenge.phase == phase, getattr(Challenge, column))
            for phase, column in deadlines.DEADLINE_COLUMNS.items()
        )
    )
    return (
        section(
            "phases",
            order_by=(deadline, Challenge.id),
            ref=Challenge.id,
            title=Challenge.title,
            note=Challenge.phase,
            detail=City.name,
            day=deadline,
        )
        .select_from(Challenge)
        .join(City, City.id == Challenge.lead_city_id)
        .where(
            Challenge.phase.in_(tuple(deadlines.DEADLINE_COLUMNS)),
            Challenge.hidden_at.is_(None),
            deadline <= today + DUE_SOON,
            in_scope(Challenge.lead_city_id, scope),
        )
    )


def decisions_pending(scope: CityScope) -> sa.Select:
    """Reviewed ideas of challenges in selection that a host city has not decided on yet,
    one row per idea and city: decided, the row goes."""
    hosts = sa.union_all(
        sa.select(Challenge.id.label("challenge_id"), Challenge.lead_city_id.label("city_id")),
        sa.select(
            challenge_cohost.c.challenge_id.label("challenge_id"),
            challenge_cohost.c.city_id.label("city_id"),
        ),
    ).subquery("hosts")
    review_count = (
        sa.select(sa.func.count(Review.id))
        .where(Review.idea_id == Idea.id)
        .correlate(Idea)
        .scalar_subquery()
    )
    decided = sa.select(Decision.id).where(
        Decision.idea_id == Idea.id, Decision.city_id == hosts.c.city_id
    )
    return (
        section(
            "decisions",
            order_by=(
                Challenge.selection_deadline.is_(None),
                Challenge.selection_deadline,
                Idea.id,
            ),
            ref=Idea.id,
            title=Idea.title,
            note=City.name,
            number=review_count,
            day=Challenge.selection_deadline,
        )
        .select_from(Idea)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .join(hosts, hosts.c.challenge_id == Challenge.id)
        .join(City, City.id == hosts.c.city_id)
        .where(
            Challenge.phase == Phase.selection,
            Challenge.hidden_at.is_(None),
            Idea.hidden_at.is_(None),
            Idea.status != IdeaStatus.withdrawn,
            review_count > 0,
            ~decided.exists(),
            in_scope(hosts.c.city_id, scope),
        )
    )


def overdue_milestones(scope: CityScope, today: date) -> sa.Select:
    """Milestones past their due day in pilots still under way: done, they go."""
    return (
        section(
            "milestones",
            order_by=(Milestone.due_date, Milestone.id),
            ref=Pilot.id,
            title=Milestone.title,
            note=Idea.title,
            detail=City.name,
            day=Milestone.due_date,
        )
        .select_from(Milestone)
        .join(Pilot, Pilot.id == Milestone.pilot_id)
        .join(Idea, Idea.id == Pilot.idea_id)
        .join(City, City.id == Pilot.city_id)
        .where(
            Milestone.done_on.is_(None),
            Milestone.due_date < today,
            Pilot.status.in_(ACTIVE_PILOT),
            in_scope(Pilot.city_id, scope),
        )
    )


def role_requests(user_id: int, scope: RoleRequestScope) -> sa.Select:
    """Role requests this member decides (policy.role_request_scope): decided, they go."""
    query = (
        section(
            "requests",
            order_by=(RoleRequest.created_at, RoleRequest.id),
            ref=RoleRequest.id,
            title=User.stored_name,
            note=RoleRequest.role,
            detail=City.name,
            at=RoleRequest.created_at,
        )
        .select_from(RoleRequest)
        .join(User, User.id == RoleRequest.user_id)
        .join(City, City.id == User.city_id)
        .where(
            RoleRequest.status == RequestStatus.pending,
            RoleRequest.user_id != user_id,
            in_scope(User.city_id, scope.cities),
        )
    )
    if scope.roles is not None:
        query = query.where(RoleRequest.role.in_(scope.roles))
    return query


def flagged(user_id: int, scope: CityScope) -> sa.Select:
    """Reported items this moderator judges (never their own), most reported first; an item
    with as many reporters as hide it was hidden by them. Decided, the item goes."""
    reports = (
        sa.select(
            Flag.content_type,
            Flag.content_id,
            sa.func.count(sa.distinct(Flag.reporter_id)).label("reporters"),
            sa.func.min(Flag.created_at).label("since"),
        )
        .where(Flag.resolved_at.is_(None))
        .group_by(Flag.content_type, Flag.content_id)
        .subquery("reports")
    )
    copies = sa.select(
        FlagScope.content_type,
        FlagScope.content_id,
        sa.func.max(FlagScope.title).label("title"),
        sa.func.max(FlagScope.author_id).label("author_id"),
    ).group_by(FlagScope.content_type, FlagScope.content_id)
    if not scope.everywhere:
        copies = copies.where(FlagScope.city_id.in_(scope.city_ids))
    scoped = copies.subquery("scoped")
    on = sa.and_(
        scoped.c.content_type == reports.c.content_type,
        scoped.c.content_id == reports.c.content_id,
    )
    # An administrator moderates everywhere: items flagged before scopes were copied count too.
    joined = reports.outerjoin(scoped, on) if scope.everywhere else reports.join(scoped, on)
    return (
        section(
            "flagged",
            order_by=(reports.c.reporters.desc(), reports.c.since),
            ref=reports.c.content_id,
            title=sa.func.coalesce(scoped.c.title, ""),
            detail=reports.c.content_type,
            number=reports.c.reporters,
            at=reports.c.since,
        )
        .select_from(joined)
        .where(sa.or_(scoped.c.author_id.is_(None), scoped.c.author_id != user_id))
    )
