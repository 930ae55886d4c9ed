"""Taking part in an event: registering and cancelling, a city's delegation, the check-in at
the door (a list that works on a phone, and each registration's QR code), the minutes and
outcomes, and the participation figures as CSV."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.core.downloads import csv_download
from livinglab.database import utcnow
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.meetings import figures, queries, registrations, services
from livinglab.meetings.models import Meeting, RegistrationStatus
from livinglab.meetings.pages import field_errors, organiser_action, render_show, valid_form
from livinglab.meetings.qr import qr_svg
from livinglab.web.helpers import enforce, on_refusal_redirect

bp = Blueprint("meeting_participation", __name__)


def _page(meeting_id: int, anchor: str = "") -> str:
    return url_for("meetings.show", meeting_id=meeting_id) + anchor


def _registered_message(status: RegistrationStatus, position: int) -> str:
    if status == RegistrationStatus.waitlisted:
        return _(
            "The event is full: you are on the waiting list, in position %(num)d. "
            "You get a seat, and a notification, as soon as one is free.",
            num=position,
        )
    return _("You are registered. See you there!")


@bp.post("/events/<int:meeting_id>/register")
@login_required
def register(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    valid_form()
    # Refused (full window, twice): the event's page with the reason, nothing written.
    on_refusal_redirect(_page(meeting_id, "#registration"))
    try:
        registration = registrations.register(
            current_user,
            meeting,
            request.form.get("dietary_needs", ""),
            request.form.get("accessibility_needs", ""),
        )
    except ServiceError as error:
        if error.status != 400:
            raise
        db.session.rollback()
        return render_show(meeting_id, {"register": field_errors(error)}, 400)
    position = queries.waiting_position(registration)
    category = "info" if registration.status == RegistrationStatus.waitlisted else "success"
    flash(_registered_message(registration.status, position), category)
    return redirect(_page(meeting_id, "#registration"))


@bp.post("/events/<int:meeting_id>/registration/cancel")
@login_required
def cancel_own(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    valid_form()
    on_refusal_redirect(_page(meeting_id, "#registration"))
    mine = queries.registration_of(meeting.id, current_user.id)
    if mine is None:
        abort(404)
    registrations.cancel_registration(current_user, meeting, mine)
    flash(_("Your registration is cancelled."), "success")
    return redirect(_page(meeting_id, "#registration"))


@bp.post("/events/<int:meeting_id>/registrations/<int:registration_id>/cancel")
@login_required
def cancel_registration(meeting_id: int, registration_id: int):
    """A delegation's representative, or an organiser, cancels someone's seat."""
    meeting = queries.load_meeting(meeting_id)
    registration = queries.registration_by_id(meeting, registration_id)
    enforce(policy.can_cancel_registration(current_user, meeting, registration))
    valid_form()
    back = request.form.get("back") == "delegation"
    target = url_for(".delegation", meeting_id=meeting_id) if back else _page(meeting_id)
    on_refusal_redirect(target)
    name = registration.name  # read before the commit expires it
    registrations.cancel_registration(current_user, meeting, registration)
    flash(_("The registration of %(name)s is cancelled.", name=name), "success")
    return redirect(target)


# --- A city's delegation ------------------------------------------------------------------


def _delegation_page(meeting: Meeting, errors: dict[str, str] | None = None, status: int = 200):
    city_id = current_user.city_id
    current = queries.delegation(meeting.id, city_id)
    taken = {r.user_id for r in current}
    return (
        render_template(
            "meetings/delegation.html",
            meeting=meeting,
            delegation=current,
            members=[m for m in queries.city_members(city_id) if m.id not in taken],
            counts=queries.seat_counts(meeting.id),
            errors=errors or {},
            values=request.form if errors else {},
            form=FlaskForm(),
        ),
        status,
    )


@bp.route("/events/<int:meeting_id>/delegation", methods=["GET", "POST"])
@login_required
def delegation(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    verdict = policy.can_manage_delegation(current_user, meeting)
    if request.method == "GET" and verdict.status == 409:
        return _delegation_page(meeting)  # the list stays readable once registration closed
    enforce(verdict)
    if request.method == "GET":
        return _delegation_page(meeting)
    valid_form()
    on_refusal_redirect(url_for(".delegation", meeting_id=meeting_id))
    try:
        added = registrations.register_delegation(
            current_user, meeting, request.form.getlist("members"), request.form.get("guests", "")
        )
    except ServiceError as error:
        if error.status != 400:
            raise
        db.session.rollback()
        return _delegation_page(queries.load_meeting(meeting_id), field_errors(error), 400)
    waiting = sum(1 for r in added if r.status == RegistrationStatus.waitlisted)
    city = current_user.city.name
    message = ngettext(
        "%(num)d person registered for %(city)s.",
        "%(num)d people registered for %(city)s.",
        len(added),
        city=city,
    )
    if waiting:
        message += " " + ngettext(
            "The event is full: %(num)d of them is on the waiting list.",
            "The event is full: %(num)d of them are on the waiting list.",
            waiting,
        )
    flash(message, "info" if waiting else "success")
    return redirect(url_for(".delegation", meeting_id=meeting_id))


@bp.get("/events/<int:meeting_id>/registrations/<int:registration_id>/qr")
@login_required
def qr_code(meeting_id: int, registration_id: int):
    """A registration's code for the door, on a page of its own (to show or print)."""
    meeting = queries.load_meeting(meeting_id)
    registration = queries.registration_by_id(meeting, registration_id)
    enforce(policy.can_see_own_registration(current_user, registration))
    if registration.status == RegistrationStatus.cancelled:
        abort(404)
    link = url_for(
        ".check_in_code", meeting_id=meeting.id, code=registration.check_in_code, _external=True
    )
    return render_template(
        "meetings/qr.html",
        meeting=meeting,
        registration=registration,
        svg=qr_svg(link, _("Check-in code of %(name)s", name=registration.name), size=280),
    )


# --- At the door --------------------------------------------------------------------------


@bp.get("/events/<int:meeting_id>/check-in")
@login_required
def check_in_list(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_view_attendance(current_user, meeting))
    q = request.args.get("q", "")
    everyone = queries.registrations(meeting.id)
    shown = queries.registrations(meeting.id, q) if q.strip() else everyone
    return render_template(
        "meetings/check_in.html",
        meeting=meeting,
        registrations=shown,
        q=q,
        present=sum(1 for r in everyone if r.checked_in_at),
        seated=sum(1 for r in everyone if r.status == RegistrationStatus.confirmed),
        may_check_in=policy.can_check_in(current_user, meeting),
        # The answers to the organisers' questions, until they are erased (end + 30 days).
        answers_shown=utcnow() < meeting.answers_kept_until,
        form=FlaskForm(),
    )


@bp.post("/events/<int:meeting_id>/check-in/<int:registration_id>")
@login_required
def check_in(meeting_id: int, registration_id: int):
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_check_in(current_user, meeting))
    registration = queries.registration_by_id(meeting, registration_id)
    valid_form()
    q = request.form.get("q", "")
    back = url_for(".check_in_list", meeting_id=meeting_id, q=q or None)
    on_refusal_redirect(back)
    present = request.form.get("action") != "undo"
    name = registration.name  # read before the commit expires it
    registrations.check_in(current_user, meeting, registration, present=present)
    flash(
        _("%(name)s is checked in.", name=name)
        if present
        else _("%(name)s is no longer checked in.", name=name),
        "success",
    )
    return redirect(back + f"#registration-{registration_id}")


@bp.get("/events/<int:meeting_id>/check-in/code/<code>")
@login_required
def check_in_code(meeting_id: int, code: str):
    """Where a registration's QR code leads: the organiser sees who it is and checks them in."""
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_view_attendance(current_user, meeting))
    registration = queries.registration_by_code(meeting, code[:40])
    return render_template(
        "meetings/check_in_code.html",
        meeting=meeting,
        registration=registration,
        may_check_in=policy.can_check_in(current_user, meeting),
        form=FlaskForm(),
    )


# --- After: the minutes, their outcomes, the figures --------------------------------------


def _record_action(meeting_id: int, form_key: str, action, message: str):
    return organiser_action(
        meeting_id, action, message, back=_page(meeting_id, "#record"), form_key=form_key
    )


@bp.post("/events/<int:meeting_id>/minutes")
@login_required
def save_minutes(meeting_id: int):
    return _record_action(
        meeting_id,
        "minutes",
        lambda m: services.save_minutes(
            current_user, m, request.form.get("minutes", ""), request.files.getlist("files")
        ),
        _("The minutes are saved."),
    )


@bp.post("/events/<int:meeting_id>/files/<int:attachment_id>/delete")
@login_required
def remove_file(meeting_id: int, attachment_id: int):
    return _record_action(
        meeting_id,
        "minutes",
        lambda m: services.remove_file(current_user, m, attachment_id),
        _("The file is removed from the minutes."),
    )


@bp.post("/events/<int:meeting_id>/outcomes")
@login_required
def link_outcome(meeting_id: int):
    return _record_action(
        meeting_id,
        "outcome",
        lambda m: services.link_outcome(current_user, m, request.form.get("outcome", "")),
        _("The outcome is linked to the event."),
    )


@bp.post("/events/<int:meeting_id>/outcomes/<int:link_id>/delete")
@login_required
def unlink_outcome(meeting_id: int, link_id: int):
    return _record_action(
        meeting_id,
        "outcome",
        lambda m: services.unlink_outcome(current_user, m, link_id),
        _("The outcome is no longer linked."),
    )


@bp.get("/events/<int:meeting_id>/figures.csv")
def figures_csv(meeting_id: int):
    """The participation figures (counts only, no names), as an EU report asks for them."""
    meeting = queries.load_meeting(meeting_id)
    head, rows = figures.table(meeting, figures.of(meeting))
    return csv_download(head, rows, f"event-{meeting.id}-participation.csv")
