from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from livinglab.challenges.models import Challenge, Phase
from livinglab.cities.models import City
from livinglab.desk.queries import desk_for
from livinglab.extensions import db
from livinglab.i18n import LANGUAGE_COOKIE, supported
from livinglab.moderation.models import FLAGS_TO_HIDE
from livinglab.web.helpers import safe_next

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    """A visitor's front page; a member's desk: what needs them now."""
    if current_user.is_authenticated:
        desk = desk_for(current_user)
        return render_template("site/desk.html", desk=desk, hidden_by_reports=FLAGS_TO_HIDE)
    open_challenges = db.session.scalars(
        sa.select(Challenge)
        .where(Challenge.phase.in_((Phase.open, Phase.voting)))
        .options(
            selectinload(Challenge.lead_city),
            selectinload(Challenge.cohost_cities),
            selectinload(Challenge.theme_rows),
        )
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
        .limit(6)
    ).all()
    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return render_template("site/home.html", challenges=open_challenges, cities=cities)


@bp.post("/language")
def set_language():
    """The switcher: remembered in a cookie, and in the profile of a signed-in member."""
    code = supported(request.form.get("language"))
    if code is None:
        abort(400, description=_("Unknown language."))
    if current_user.is_authenticated:
        current_user.preferred_language = code
        db.session.commit()
    response = redirect(safe_next(url_for("site.home")))
    response.set_cookie(
        LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response
