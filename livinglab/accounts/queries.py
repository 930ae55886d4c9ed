"""The read side of members: a profile's published proposals, the role-request queue."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.accounts.models import RequestStatus, RoleRequest, User
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge
from livinglab.errors import NotFound
from livinglab.extensions import db


def load_member(user_id: int) -> User:
    """A member's public profile; NotFound (404) when unknown. Profiles are public."""
    member = db.session.get(User, user_id)
    if member is None:
        raise NotFound()
    return member


def proposed_by(member: User, limit: int = 10) -> list[Challenge]:
    """The member's latest published challenge proposals."""
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.proposer_id == member.id, Challenge.phase.in_(PUBLISHED_PHASES))
            .options(selectinload(Challenge.lead_city))
            .order_by(Challenge.created_at.desc())
            .limit(limit)
        )
    )


def decidable_requests(user: Any) -> sa.Select:
    """Pending role requests ``user`` may decide (the policy's role_request_scope)."""
    query = (
        sa.select(RoleRequest)
        .join(User, RoleRequest.user_id == User.id)
        .where(RoleRequest.status == RequestStatus.pending, RoleRequest.user_id != user.id)
        .options(selectinload(RoleRequest.user).joinedload(User.city))
        .order_by(RoleRequest.created_at)
    )
    scope = policy.role_request_scope(user)
    if not scope.cities.everywhere:
        query = query.where(User.city_id.in_(scope.cities.city_ids))
    if scope.roles is not None:
        query = query.where(RoleRequest.role.in_(scope.roles))
    return query


def load_role_request(request_id: int) -> RoleRequest:
    """A role request with its member and city; NotFound (404) when unknown (the policy then
    says whether this reader may decide it)."""
    req = db.session.scalar(
        sa.select(RoleRequest)
        .where(RoleRequest.id == request_id)
        .options(selectinload(RoleRequest.user).joinedload(User.city))
    )
    if req is None:
        raise NotFound()
    return req
