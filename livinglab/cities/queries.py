"""The read side of the partner cities: the lists' city filter, the partners page, a city's page."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab.accounts.models import Role, User
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge, challenge_cohost
from livinglab.cities.models import City
from livinglab.core.counting import count_per
from livinglab.errors import NotFound
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.pilots.models import Pilot


def by_name() -> list[City]:
    """Every partner city by name: the city filter of the lists."""
    return list(db.session.scalars(sa.select(City).order_by(City.name)))


def by_slug(slug: str) -> City | None:
    """The city of a filter's slug; None for an empty or unknown one."""
    if not slug:
        return None
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def load_city(slug: str) -> City:
    """A partner by its slug; NotFound (404) when unknown."""
    city = by_slug(slug)
    if city is None:
        raise NotFound()
    return city


def partner_counts() -> dict[str, dict[int, int]]:
    """Per city: its members and the published challenges it leads."""
    return {
        "members": count_per(User.city_id, User.deleted_at.is_(None)),
        "led": count_per(Challenge.lead_city_id, Challenge.phase.in_(PUBLISHED_PHASES)),
    }


def hosted_challenges(city: City) -> sa.Select:
    """Published challenges the city leads or co-hosts, newest first."""
    hosted = (
        sa.select(Challenge)
        .where(
            Challenge.phase.in_(PUBLISHED_PHASES),
            sa.or_(
                Challenge.lead_city_id == city.id,
                Challenge.id.in_(
                    sa.select(challenge_cohost.c.challenge_id).where(
                        challenge_cohost.c.city_id == city.id
                    )
                ),
            ),
        )
        .options(
            selectinload(Challenge.lead_city),
            selectinload(Challenge.cohost_cities),
            selectinload(Challenge.theme_rows),
        )
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
    )
    return hosted


def city_page(city: City) -> dict[str, Any]:
    """Who the city's people are and what it runs, replicates and proposes."""
    by_role = dict(
        db.session.execute(
            sa.select(User.role, sa.func.count(User.id))
            .where(
                User.city_id == city.id,
                User.suspended_at.is_(None),
                User.deleted_at.is_(None),
            )
            .group_by(User.role)
        ).all()
    )
    representatives = db.session.scalars(
        sa.select(User)
        .where(User.city_id == city.id, User.role == Role.city_rep, User.suspended_at.is_(None))
        .order_by(User.stored_name)
        .limit(10)
    ).all()
    pilots = db.session.scalars(
        sa.select(Pilot)
        .where(Pilot.city_id == city.id)
        .options(
            selectinload(Pilot.idea),
            selectinload(Pilot.city),
            selectinload(Pilot.milestones),
            selectinload(Pilot.origin).selectinload(Pilot.city),
        )
        .order_by(Pilot.created_at.desc())
        .limit(50)
    ).all()
    origin = sa.orm.aliased(Pilot)
    replicated_out = db.session.scalars(
        sa.select(Pilot)
        .join(origin, Pilot.origin_id == origin.id)
        .where(origin.city_id == city.id)
        .options(selectinload(Pilot.idea), selectinload(Pilot.city))
        .limit(50)
    ).all()
    ideas = db.session.scalars(
        sa.select(Idea)
        .join(User, Idea.author_id == User.id)
        .join(Challenge, Idea.challenge_id == Challenge.id)
        .where(
            User.city_id == city.id, Idea.hidden_at.is_(None), Challenge.phase.in_(PUBLISHED_PHASES)
        )
        .options(selectinload(Idea.author))
        .order_by(Idea.created_at.desc())
        .limit(10)
    ).all()
    return {
        "by_role": by_role,
        "representatives": representatives,
        "pilots": pilots,
        "replicated_in": [p for p in pilots if p.origin_id],
        "replicated_out": replicated_out,
        "ideas": ideas,
    }
