"""Experts review ideas; the "to review" queue."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from livinglab import policy
from livinglab.challenges.models import THEMES
from livinglab.cities import queries as city_queries
from livinglab.extensions import db
from livinglab.forms import save_form
from livinglab.ideas.queries import load_idea
from livinglab.reviews import services
from livinglab.reviews.forms import ReviewForm
from livinglab.web.helpers import enforce, page_number

bp = Blueprint("reviews", __name__)


@bp.route("/ideas/<int:idea_id>/review", methods=["GET", "POST"])
@login_required
def review(idea_id: int):
    idea = load_idea(idea_id, current_user)
    enforce(policy.can_review(current_user, idea))
    existing = services.mine(current_user.id, idea.id)
    form = ReviewForm(obj=existing) if request.method == "GET" else ReviewForm()

    def done(saved: tuple[object, bool]):
        _review, created = saved
        flash(
            _("Your review is published.") if created else _("Your review is updated."),
            "success",
        )
        return redirect(url_for("ideas.show", idea_id=idea.id, _anchor="reviews"))

    return save_form(
        form,
        lambda: services.save(current_user, idea, form.to_data()),
        done,
        lambda: render_template("reviews/form.html", form=form, idea=idea, existing=existing),
        fallback_field="assessment",
    )


@bp.get("/reviews/queue")
@login_required
def queue():
    enforce(policy.can_view_review_queue(current_user))
    theme = request.args.get("theme", "")
    city = request.args.get("city", "")
    query = services.queue(current_user, theme=theme if theme in THEMES else "", city=city)
    page = db.paginate(query, page=page_number(), per_page=20, error_out=False)
    cities = city_queries.by_name()
    return render_template(
        "reviews/queue.html", page=page, theme=theme, city=city, themes=THEMES, cities=cities
    )
