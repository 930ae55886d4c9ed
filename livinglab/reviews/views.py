"""The review desk: the queue of ideas waiting for an expert, the rubric beside the idea,
drafts, the conflict-of-interest declaration and the themes an expert reviews."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.challenges.models import THEMES
from livinglab.cities import queries as city_queries
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.forms import save_form, show_service_error
from livinglab.ideas import attachments
from livinglab.ideas.models import Idea
from livinglab.ideas.queries import load_idea
from livinglab.reviews import queries, services
from livinglab.reviews.forms import ReviewForm, ThemesForm
from livinglab.reviews.rubric import RUBRIC, SCALE
from livinglab.text import render_markdown
from livinglab.web.helpers import enforce, on_refusal_redirect, page_number

bp = Blueprint("reviews", __name__)

PER_PAGE = 20
# The buttons of the rubric (name="action"); a form sent without one is submitted, as before.
SAVE_DRAFT, SUBMIT = "draft", "submit"


def _review_page(form: ReviewForm | None, idea: Idea) -> str:
    """The idea beside the rubric; ``form`` None: as the expert last left it (their draft,
    else their published review, else empty)."""
    existing = queries.mine(current_user.id, idea.id)
    draft = queries.draft_of(current_user.id, idea.id)
    return render_template(
        "reviews/review.html",
        form=form or ReviewForm(obj=draft or existing),
        idea=idea,
        challenge=idea.challenge,
        body_html=render_markdown(idea.body),
        files=attachments.of(idea),
        existing=existing,
        draft=draft,
        conflict=queries.conflict_of(current_user.id, idea.id),
        rubric=RUBRIC,
        scale=SCALE,
        small_form=FlaskForm(),  # the CSRF token of the conflict and discard buttons
    )


@bp.route("/ideas/<int:idea_id>/review", methods=["GET", "POST"])
@login_required
def review(idea_id: int) -> ResponseReturnValue:
    idea = load_idea(idea_id, current_user)
    enforce(policy.can_review(current_user, idea))
    if request.method == "GET":
        return _review_page(None, idea)
    form = ReviewForm()
    if request.form.get("action", SUBMIT) == SAVE_DRAFT:
        return save_form(
            form,
            lambda: services.save_draft(current_user, idea, form.to_data()),
            lambda _draft: _draft_saved(idea),
            lambda: _review_page(form, idea),
            fallback_field="assessment",
        )
    return save_form(
        form,
        lambda: services.save(current_user, idea, form.to_data()),
        lambda saved: _submitted(idea, created=saved[1]),
        lambda: _review_page(form, idea),
        fallback_field="assessment",
    )


def _draft_saved(idea: Idea) -> ResponseReturnValue:
    flash(
        _("Your draft is saved. Your queue lists it under “Reviews in draft”."),
        "success",
    )
    return redirect(url_for("reviews.review", idea_id=idea.id))


def _submitted(idea: Idea, *, created: bool) -> ResponseReturnValue:
    if created:
        flash(_("Your review of “%(title)s” is published.", title=idea.title), "success")
    else:
        flash(_("Your review of “%(title)s” is updated.", title=idea.title), "success")
    return redirect(url_for("reviews.queue"))


@bp.post("/ideas/<int:idea_id>/review/draft/delete")
@login_required
def discard_draft(idea_id: int) -> ResponseReturnValue:
    idea = load_idea(idea_id, current_user)
    enforce(policy.can_review(current_user, idea))
    on_refusal_redirect(url_for("reviews.review", idea_id=idea.id))
    services.discard_draft(current_user, idea)
    flash(_("Your draft is deleted."), "info")
    return redirect(url_for("reviews.queue"))


@bp.post("/ideas/<int:idea_id>/review/conflict/<any(declare, withdraw):answer>")
@login_required
def conflict(idea_id: int, answer: str) -> ResponseReturnValue:
    idea = load_idea(idea_id, current_user)
    enforce(policy.can_review(current_user, idea))
    here = on_refusal_redirect(url_for("reviews.review", idea_id=idea.id))
    if answer == "withdraw":
        services.withdraw_conflict(current_user, idea)
        flash(_("Your declaration is taken back: you may review this idea."), "info")
        return redirect(here)
    services.declare_conflict(current_user, idea)
    flash(
        _(
            "You declared a conflict of interest with “%(title)s”. It has left your queue; "
            "other experts review it.",
            title=idea.title,
        ),
        "info",
    )
    return redirect(url_for("reviews.queue"))


@bp.get("/reviews/queue")
@login_required
def queue() -> ResponseReturnValue:
    enforce(policy.can_view_review_queue(current_user))
    my_themes = queries.themes_of(current_user.id)
    return _queue_page(ThemesForm(themes=my_themes), my_themes)


@bp.post("/reviews/themes")
@login_required
def themes() -> ResponseReturnValue:
    enforce(policy.can_view_review_queue(current_user))
    form = ThemesForm()
    if form.validate_on_submit():
        try:
            services.set_themes(current_user, form.themes.data or [])
        except ServiceError as error:
            show_service_error(form, error, fallback_field="themes")
            return _queue_page(form, queries.themes_of(current_user.id)), error.status
        flash(_("Your themes are saved: your queue shows their ideas."), "success")
        return redirect(url_for("reviews.queue"))
    return _queue_page(form, queries.themes_of(current_user.id)), 400


def _queue_page(themes_form: ThemesForm, my_themes: list[str]) -> str:
    """The queue as ``?theme=`` and ``?city=`` ask (anything unknown is ignored)."""
    theme = request.args.get("theme", "")
    theme = theme if theme in THEMES or theme == queries.ALL_THEMES else ""
    cities = city_queries.by_name()
    city = request.args.get("city", "")
    city = city if city in {c.slug for c in cities} else ""
    query = queries.waiting(current_user, theme=theme, city=city)
    return render_template(
        "reviews/queue.html",
        page=db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False),
        drafts=queries.drafts_of(current_user),
        my_themes=my_themes,
        themes_form=themes_form,
        theme=theme,
        city=city,
        themes=THEMES,
        all_themes=queries.ALL_THEMES,
        cities=cities,
    )
