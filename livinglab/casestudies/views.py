"""Case-study pages: write, read, edit, ask for publication, publish, adapt, link, follow."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from livinglab import policy
from livinglab.casestudies import forms, queries, services
from livinglab.casestudies.labels import (
    ITEM_COLUMNS,
    case_status_label,
    model_label,
    site_type_label,
)
from livinglab.casestudies.models import MODEL_KINDS, SITE_TYPES, CaseStudy
from livinglab.challenges.forms import ChallengeForm
from livinglab.challenges.models import THEMES
from livinglab.cities import queries as city_queries
from livinglab.discussion.queries import thread_context
from livinglab.discussion.targets import target_of
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.follows.services import follow, is_following, unfollow
from livinglab.forms import show_service_error
from livinglab.i18n import LANGUAGE_NAMES
from livinglab.text import render_markdown
from livinglab.web.helpers import enforce

bp = Blueprint("casestudies", __name__, url_prefix="/case-studies")

# A policy rule about one case study: ``policy.can_edit_case_study`` and its kin.
Rule = Callable[[Any, CaseStudy], Any]

bp.add_app_template_filter(site_type_label, "site_type_label")
bp.add_app_template_filter(model_label, "model_label")
bp.add_app_template_filter(case_status_label, "case_status_label")
# For "Inspired by" on the pages of what a case study inspired (casestudies/_inspired_by.html).
bp.add_app_template_global(queries.inspired_by, "case_studies_inspiring")


def _case(case_id: int, rule: Rule | None = None) -> CaseStudy:
    """The case study (404 if this reader may not see it), once ``rule`` lets them act on it."""
    case = queries.load_case_study(case_id, current_user)
    if rule is not None:
        enforce(rule(current_user, case))
    return case


# What the form offers to choose from, the same for every case study.
FORM_CHOICES = {
    "themes": THEMES,
    "models": MODEL_KINDS,
    "item_columns": ITEM_COLUMNS,
    "site_types": SITE_TYPES,
    "languages": LANGUAGE_NAMES,
}


def _form_page(case: CaseStudy | None, values: Any, errors: dict, status: int):
    rows = forms.row_counts(values)
    page = render_template(
        "casestudies/form.html",
        case=case,
        values=values,
        errors=errors,
        rows=rows,
        form=FlaskForm(),
        **FORM_CHOICES,
    )
    return page, status


def _files(name: str) -> list:
    return [f for f in request.files.getlist(name) if f and f.filename]


def _refused(error: ServiceError, case: CaseStudy | None):
    """The form again with each message next to its field; 401/403/404 go to the error page."""
    if error.status in (401, 403, 404):
        raise error
    db.session.rollback()
    flash(str(error.message), "error")
    errors = {k: str(v) for k, v in (error.fields or {}).items()}
    fresh = _case(case.id) if case is not None else None  # the rollback expired it
    return _form_page(fresh, request.form, errors, error.status)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    enforce(policy.can_write_case_study(current_user))
    if request.method == "GET":
        return _form_page(None, MultiDict({"language": current_user.city.language}), {}, 200)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        case = services.create(
            current_user, forms.case_input(request.form), _files("documents"), _files("images")
        )
    except ServiceError as error:
        return _refused(error, None)
    flash(
        _("Your case study is saved as a draft. Ask your city's representatives to publish it."),
        "success",
    )
    return redirect(url_for("casestudies.show", case_id=case.id))


@bp.get("/<int:case_id>")
def show(case_id: int):
    case = _case(case_id)
    user_id = current_user.id if current_user.is_authenticated else None
    # A published practice is discussed live, as an idea is; a draft has no discussion yet.
    thread = (
        thread_context(target_of("case_study", case), request.args.get("before"), current_user)
        if case.is_published
        else {}
    )
    return render_template(
        "casestudies/show.html",
        case=case,
        problem_html=render_markdown(case.problem),
        body_html=render_markdown(case.body),
        outcomes_html=render_markdown(case.outcomes) if case.outcomes else "",
        lessons_html=render_markdown(case.lessons) if case.lessons else "",
        item_columns=ITEM_COLUMNS,
        links=queries.links_from(case.id),
        following=is_following(user_id, "case_study", case.id),
        languages=LANGUAGE_NAMES,
        form=FlaskForm(),
        **thread,
    )


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    case = _case(case_id, policy.can_edit_case_study)
    if request.method == "GET":
        return _form_page(case, forms.values_of(case), {}, 200)
    if not FlaskForm().validate_on_submit():
        abort(400)
    remove = {int(v) for v in request.form.getlist("remove") if v.isascii() and v.isdigit()}
    try:
        services.edit(
            current_user,
            case,
            forms.case_input(request.form),
            _files("documents"),
            _files("images"),
            remove,
        )
    except ServiceError as error:
        return _refused(error, case)
    flash(_("The case study is saved."), "success")
    return redirect(url_for("casestudies.show", case_id=case.id))


def _acting(rule: Rule, done: Any) -> Callable[[Callable[[CaseStudy], None]], Callable]:
    """Turns ``action(case)`` into the view of a button of the case study's page: the rule,
    the form's token, the action, then the page again with ``done`` (or why it was refused)."""

    def decorate(action: Callable[[CaseStudy], None]) -> Callable:
        @functools.wraps(action)
        def view(case_id: int):
            case = _case(case_id, rule)
            if not FlaskForm().validate_on_submit():
                abort(400)
            try:
                action(case)
            except ServiceError as error:
                if error.status in (401, 403, 404):
                    raise
                db.session.rollback()
                flash(str(error.message), "error")
            else:
                flash(str(done), "success")
            return redirect(url_for("casestudies.show", case_id=case_id))

        return view

    return decorate


@bp.post("/<int:case_id>/submit")
@login_required
@_acting(policy.can_submit_case_study, _l("Your city's representatives are asked to publish it."))
def submit(case: CaseStudy) -> None:
    services.submit(current_user, case)


@bp.post("/<int:case_id>/publish")
@login_required
@_acting(policy.can_publish_case_study, _l("The case study is published in the library."))
def publish(case: CaseStudy) -> None:
    services.publish(current_user, case)


@bp.post("/<int:case_id>/links")
@login_required
@_acting(policy.can_link_case_study, _l("The link is recorded on both pages."))
def add_link(case: CaseStudy) -> None:
    form = request.form
    services.link(current_user, case, form.get("target_type"), form.get("target_id"))


@bp.route("/<int:case_id>/adapt", methods=["GET", "POST"])
@login_required
def adapt(case_id: int):
    """A challenge of the representative's city, prefilled from the case study."""
    case = _case(case_id, policy.can_adapt_case_study)
    if request.method == "GET":
        draft = services.adaptation_draft(case, current_user)
        form = ChallengeForm(formdata=None, obj=draft)
    else:
        form = ChallengeForm()
    form.set_city_choices(city_queries.by_name())
    # Adapted in the representative's own city: the lead city is not theirs to choose.
    form.lead_city.choices = [SelectChoice(current_user.city.slug, current_user.city.name)]
    if form.validate_on_submit():
        try:
            challenge = services.adapt(current_user, case, form.to_input())
        except ServiceError as error:
            if error.status in (401, 403, 404):
                raise
            show_service_error(form, error, fallback_field="title")
        else:
            flash(
                _(
                    "The challenge is proposed for your city, linked to the case study. Publish it when it is ready."
                ),
                "success",
            )
            return redirect(url_for("challenges.show", challenge_id=challenge.id))
    status = 400 if form.errors else 200
    return render_template("casestudies/adapt.html", case=case, form=form), status


@bp.post("/<int:case_id>/follow")
@login_required
def toggle_follow(case_id: int):
    case = _case(case_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "unfollow":
        unfollow(current_user.id, "case_study", case.id)
    else:
        follow(current_user.id, "case_study", case.id)
    return redirect(url_for("casestudies.show", case_id=case.id))


@bp.get("/drafts")
@login_required
def drafts():
    """Unpublished case studies: one's own, and those a representative may publish."""
    return render_template("casestudies/drafts.html", cases=queries.waiting(current_user))
