from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from sqlalchemy.orm import selectinload

from livinglab.accounts.models import Role, User
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge, challenge_cohost
from livinglab.cities.models import City
from livinglab.core.helpers import page_number
from livinglab.extensions import db

bp = Blueprint("cities", __name__, url_prefix="/cities")


@bp.get("/")
def index():
    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    members = dict(
        db.session.execute(
            sa.select(User.city_id, sa.func.count(User.id))
            .where(User.deleted_at.is_(None))
            .group_by(User.city_id)
        ).all()
    )
    led = dict(
        db.session.execute(
            sa.select(Challenge.lead_city_id, sa.func.count(Challenge.id))
            .where(Challenge.phase.in_(PUBLISHED_PHASES))
            .group_by(Challenge.lead_city_id)
        ).all()
    )
    return render_template("cities/index.html", cities=cities, members=members, led=led)


@bp.get("/<slug>")
def show(slug: str):
    city = db.session.scalar(sa.select(City).where(City.slug == slug))
    if city is None:
        abort(404)
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
    page = db.paginate(hosted, page=page_number(), per_page=10, error_out=False)
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
    from livinglab.ideas.models import Idea
    from livinglab.pilots.models import Pilot

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
    return render_template(
        "cities/show.html",
        city=city,
        page=page,
        by_role=by_role,
        representatives=representatives,
        pilots=pilots,
        replicated_in=[p for p in pilots if p.origin_id],
        replicated_out=replicated_out,
        ideas=ideas,
    )
