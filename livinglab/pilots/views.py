"""Pilot pages: the decision log, the pilots list, the good-practice library, one pilot."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.casestudies import queries as knowledge
from livinglab.casestudies.models import MODEL_KINDS, SITE_TYPES
from livinglab.challenges.models import THEMES
from livinglab.cities import queries as city_queries
from livinglab.discussion.queries import thread_context
from livinglab.discussion.targets import pilot_target
from livinglab.errors import Invalid, ServiceError
from livinglab.extensions import db
from livinglab.follows import button as follow_button
from livinglab.follows.services import is_following
from livinglab.ideas.queries import IDEA_PAGE, idea_page_context, load_idea
from livinglab.pilots import decisions, queries, services
from livinglab.pilots.inputs import local_today
from livinglab.pilots.models import Indicator, IndicatorValue, Milestone, Pilot, PilotStatus
from livinglab.pilots.timeline import timeline
from livinglab.web.helpers import enforce, on_refusal_render, page_number

bp = Blueprint("pilots", __name__)


@bp.get("/pilots")
def index():
    args = {k: request.args.get(k, "") for k in queries.PILOT_FILTERS}
    page = db.paginate(
        queries.pilot_listing(**args), page=page_number(), per_page=20, error_out=False
    )
    return render_template(
        "pilots/index.html",
        page=page,
        args=args,
        cities=city_queries.by_name(),
        themes=THEMES,
        statuses=list(PilotStatus),
    )


@bp.get("/good-practices")
def good_practices():
    """The one library: the partners' case studies beside the completed pilots."""
    args = {k: request.args.get(k, "")[:200] for k in knowledge.LIBRARY_FILTERS}
    return render_template(
        "pilots/library.html",
        page=knowledge.library(args, page_number()),
        args=args,
        cities=city_queries.by_name(),
        themes=THEMES,
        models=MODEL_KINDS,
        site_types=SITE_TYPES,
    )


@bp.get("/decisions")
def decision_log():
    city = city_queries.by_slug(request.args.get("city", ""))
    page = db.paginate(
        decisions.log(city.id if city else None), page=page_number(), per_page=30, error_out=False
    )
    return render_template(
        "pilots/decisions.html", page=page, city=city, cities=city_queries.by_name()
    )


@bp.post("/ideas/<int:idea_id>/decisions")
@login_required
def decide(idea_id: int):
    idea = load_idea(idea_id, current_user)
    if not FlaskForm().validate_on_submit():
        abort(400)
    # Refused (wrong phase, no review yet, decided already): the idea's page again, with why.
    on_refusal_render(lambda: _idea_page(idea_id))
    try:
        _decision, pilot = decisions.decide(
            current_user,
            idea,
            request.form.get("city"),
            request.form.get("decision"),
            request.form.get("reason", ""),
        )
    except Invalid as error:
        if not error.fields:
            raise
        # A missing reason is answered at its field, with what was typed kept.
        db.session.rollback()
        return _idea_page(idea_id, {k: str(v) for k, v in error.fields.items()}), error.status
    if pilot:
        flash(
            _("Approved: the pilot in %(city)s is created.", city=current_user.city.name), "success"
        )
        return redirect(url_for("pilots.show", pilot_id=pilot.id))
    flash(
        _("The idea is rejected for %(city)s; your reason is public.", city=current_user.city.name),
        "success",
    )
    return redirect(url_for("ideas.show", idea_id=idea_id) + "#decisions")


def _idea_page(idea_id: int, decision_errors: dict[str, str] | None = None):
    idea = load_idea(idea_id, current_user)  # again: the refusal rolled the session back
    context = idea_page_context(idea, current_user, request.args.get("before"))
    return render_template(
        IDEA_PAGE,
        **context,
        decision_errors=decision_errors or {},
        decision_values=request.form if decision_errors else {},
    )


def _pilot_or_404(pilot_id: int) -> Pilot:
    return queries.load_pilot(pilot_id)


def _page(pilot: Pilot, errors: dict | None = None, status: int = 200):
    may_manage = policy.can_manage_pilot(current_user, pilot)
    moves = policy.pilot_moves(pilot) if may_manage else ()
    user_id = current_user.id if current_user.is_authenticated else None
    return (
        render_template(
            "pilots/show.html",
            pilot=pilot,
            today=local_today(),
            done=pilot.progress[0],
            total=pilot.progress[1],
            may_manage=may_manage,
            may_measure=policy.can_record_measurement(current_user, pilot),
            # resumed, moved on, halted or completed: each its own form (the last two confirm)
            resume_to=moves[0] if pilot.status == PilotStatus.halted and moves else None,
            forward=[s for s in moves if s not in ("completed", "halted")]
            if pilot.status != PilotStatus.halted
            else [],
            may_complete="completed" in moves,
            may_halt="halted" in moves,
            lessons=services.LESSONS,
            may_replicate=policy.can_replicate_pilot(current_user, pilot),
            replicas=services.replicas(pilot.id),
            updates=services.updates_of(pilot.id),
            events=timeline(pilot),
            following=is_following(user_id, "pilot", pilot.id),
            errors=errors or {},
            values=request.form if errors else {},
            form=FlaskForm(),
            **thread_context(pilot_target(pilot), request.args.get("before"), current_user),
        ),
        status,
    )


@bp.get("/pilots/<int:pilot_id>")
def show(pilot_id: int):
    return _page(_pilot_or_404(pilot_id))


def _act(pilot_id: int, form_key: str, action, message: str):
    """Runs a pilot action; its errors go back next to the fields of the form that sent them,
    with what was typed (no flash at the top: the reader is looking at the form)."""
    pilot = _pilot_or_404(pilot_id)
    enforce(
        policy.can_manage_pilot(current_user, pilot) if form_key != "replicate" else policy.ALLOW
    )
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        result = action(pilot)
    except ServiceError as error:
        if error.status in (401, 403, 404):
            raise  # the error page, from the app's one handler
        db.session.rollback()
        fields = {k: str(v) for k, v in (error.fields or {}).items()}
        return _page(
            _pilot_or_404(pilot_id), {form_key: fields or {"_": str(error.message)}}, error.status
        )
    flash(message, "success")
    target = result if isinstance(result, Pilot) else pilot
    return redirect(url_for("pilots.show", pilot_id=target.id))


# Which form a status change came from, for its errors: the halt and complete forms have their
# own fields; moving on and resuming share the other.
_STATUS_FORMS = {"completed": "complete", "halted": "halt"}


@bp.post("/pilots/<int:pilot_id>/status")
@login_required
def change_status(pilot_id: int):
    wanted = request.form.get("status", "")
    lessons = {name: request.form.get(name, "") for name in services.LESSONS}
    return _act(
        pilot_id,
        _STATUS_FORMS.get(wanted, "move"),
        lambda p: services.change_status(
            current_user, p, wanted, reason=request.form.get("reason", ""), lessons=lessons
        ),
        _status_changed(wanted),
    )


def _status_changed(wanted: str) -> str:
    if wanted == "completed":
        return _("The pilot is completed: its lessons are in the good-practice library.")
    if wanted == "halted":
        return _("The pilot is halted; your reason is shown on its page.")
    return _("The pilot's status is changed.")


@bp.post("/pilots/<int:pilot_id>/milestones")
@login_required
def add_milestone(pilot_id: int):
    return _act(
        pilot_id,
        "milestone",
        lambda p: services.add_milestone(
            current_user, p, request.form.get("title"), request.form.get("due_date")
        ),
        _("The milestone is added."),
    )


def _part_of_pilot[T: Milestone | Indicator](model: type[T], part_id: int, pilot_id: int) -> T:
    """A milestone or an indicator named in the address; 404 if it belongs to another pilot."""
    part = db.session.get(model, part_id)
    if part is None or part.pilot_id != pilot_id:
        abort(404)
    return part


@bp.post("/pilots/<int:pilot_id>/milestones/<int:milestone_id>/done")
@login_required
def complete_milestone(pilot_id: int, milestone_id: int):
    milestone = _part_of_pilot(Milestone, milestone_id, pilot_id)
    return _act(
        pilot_id,
        f"done-{milestone_id}",
        lambda p: services.complete_milestone(
            current_user,
            p,
            milestone,
            request.form.get("done_on"),
            request.form.get("evidence"),
            request.files.get("evidence_file"),
        ),
        _("The milestone is done."),
    )


@bp.post("/pilots/<int:pilot_id>/updates")
@login_required
def post_update(pilot_id: int):
    files = [f for f in request.files.getlist("images") if f.filename]
    return _act(
        pilot_id,
        "update",
        lambda p: services.post_update(current_user, p, request.form.get("body"), files),
        _("Your update is posted."),
    )


@bp.post("/pilots/<int:pilot_id>/indicators")
@login_required
def add_indicator(pilot_id: int):
    f = request.form
    return _act(
        pilot_id,
        "indicator",
        lambda p: services.add_indicator(
            current_user, p, f.get("name"), f.get("unit"), f.get("baseline"), f.get("target")
        ),
        _("The indicator is added."),
    )


@bp.post("/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values")
@login_required
def record_value(pilot_id: int, indicator_id: int):
    indicator = _part_of_pilot(Indicator, indicator_id, pilot_id)
    f = request.form
    return _act(
        pilot_id,
        f"value-{indicator_id}",
        lambda p: services.record_value(
            current_user, p, indicator, f.get("measured_on"), f.get("value")
        ),
        _("The measurement is recorded."),
    )


def _measurement(pilot_id: int, indicator_id: int, value_id: int) -> IndicatorValue:
    """A measurement named in the address: 404 unless it is this indicator's, of this pilot."""
    indicator = _part_of_pilot(Indicator, indicator_id, pilot_id)
    row = db.session.get(IndicatorValue, value_id)
    if row is None or row.indicator_id != indicator.id:
        abort(404)
    return row


@bp.post("/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values/<int:value_id>")
@login_required
def correct_value(pilot_id: int, indicator_id: int, value_id: int):
    _measurement(pilot_id, indicator_id, value_id)
    f = request.form
    return _act(
        pilot_id,
        f"edit-{value_id}",
        lambda p: services.correct_value(
            current_user, p, value_id, f.get("measured_on"), f.get("value")
        ),
        _("The measurement is corrected."),
    )


@bp.post("/pilots/<int:pilot_id>/indicators/<int:indicator_id>/values/<int:value_id>/delete")
@login_required
def delete_value(pilot_id: int, indicator_id: int, value_id: int):
    _measurement(pilot_id, indicator_id, value_id)
    return _act(
        pilot_id,
        f"edit-{value_id}",
        lambda p: services.delete_value(current_user, p, value_id),
        _("The measurement is deleted."),
    )


@bp.post("/pilots/<int:pilot_id>/replicate")
@login_required
def replicate(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    enforce(policy.can_replicate_pilot(current_user, pilot))
    return _act(
        pilot_id,
        "replicate",
        lambda p: services.replicate(current_user, p),
        _("The pilot is replicated in your city."),
    )


@bp.post("/pilots/<int:pilot_id>/follow")
@login_required
def toggle_follow(pilot_id: int):
    pilot = _pilot_or_404(pilot_id)
    return follow_button.press("pilot", pilot.id, url_for("pilots.show", pilot_id=pilot.id))
