"""The partners page and each partner city's page."""

from __future__ import annotations

from flask import Blueprint, render_template

from livinglab.cities import queries
from livinglab.extensions import db
from livinglab.web.helpers import page_number

bp = Blueprint("cities", __name__, url_prefix="/cities")


@bp.get("/")
def index():
    return render_template(
        "cities/index.html", cities=queries.by_name(), **queries.partner_counts()
    )


@bp.get("/<slug>")
def show(slug: str):
    city = queries.load_city(slug)
    page = db.paginate(
        queries.hosted_challenges(city), page=page_number(), per_page=10, error_out=False
    )
    return render_template("cities/show.html", city=city, page=page, **queries.city_page(city))
