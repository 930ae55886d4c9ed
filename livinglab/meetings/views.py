"""Event pages: the calendar, one event, creating and editing, the agenda, files, and a
member's own events with their personal calendar address."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.cities import queries as city_queries
from livinglab.cities.data import TIME_ZONES
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.follows.services import follow, unfollow
from livinglab.meetings import labels, queries, registrations, services
from livinglab.meetings.inputs import AgendaInput, MeetingInput, current_input
from livinglab.meetings.kinds import KIND_NAME
from livinglab.meetings.models import Meeting, MeetingKind
from livinglab.meetings.pages import field_errors, linkable_items, render_show
from livinglab.uploads.services import CONTENT_TYPES, file_path
from livinglab.web.helpers import enforce, on_refusal_redirect, page_number

bp = Blueprint("meetings", __name__)

# The zones offered by the form: the partners' own, then the rest of the world by name.
ZONES = sorted(set(TIME_ZONES.values()) | {"UTC", "Europe/London", "Europe/Brussels"})
FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
}


def _valid_form() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.get("/events")
def index():
    args = {k: request.args.get(k, "") for k in queries.FILTERS}
    args["when"] = args["when"] if args["when"] in ("upcoming", "past") else "upcoming"
    page = db.paginate(
        queries.meeting_listing(**args), page=page_number(), per_page=20, error_out=False
    )
    return render_template(
        "meetings/index.html",
        page=page,
        args=args,
        cities=city_queries.by_name(),
        kinds=list(MeetingKind),
        may_create=policy.can_create_meeting(current_user),
    )


@bp.get("/events/<int:meeting_id>")
def show(meeting_id: int):
    return render_show(meeting_id)


# --- The event form -----------------------------------------------------------------------


def _form_input() -> MeetingInput:
    f = request.form
    return MeetingInput(
        title=f.get("title", ""),
        description=f.get("description", ""),
        kind=f.get("kind", ""),
        language=f.get("language") or None,
        host_city=f.get("host_city", ""),
        cohost_cities=f.getlist("cohost_cities"),
        timezone=f.get("timezone", ""),
        starts_at=f.get("starts_at", ""),
        ends_at=f.get("ends_at", ""),
        venue_name=f.get("venue_name", ""),
        venue_address=f.get("venue_address", ""),
        online_url=f.get("online_url", ""),
        spoken_languages=f.getlist("spoken_languages"),
        capacity=f.get("capacity", ""),
        registration_opens_at=f.get("registration_opens_at") or None,
        registration_closes_at=f.get("registration_closes_at") or None,
        challenge_ids=f.getlist("challenge_ids"),
        idea_ids=f.getlist("idea_ids"),
        pilot_ids=f.getlist("pilot_ids"),
    )


def _values_of(meeting: Meeting) -> dict[str, Any]:
    """The form's fields filled from a saved event, its times in its own zone."""
    values = asdict(current_input(meeting))
    values["capacity"] = values["capacity"] or ""
    for name in ("challenge_ids", "idea_ids", "pilot_ids"):
        values[name] = [str(i) for i in values[name]]
    return values


def _form_page(
    meeting: Meeting | None, values: dict[str, Any], errors: dict[str, str], status: int = 200
):
    return (
        render_template(
            "meetings/form.html",
            meeting=meeting,
            values=values,
            errors=errors,
            cities=city_queries.by_name(),
            kinds=list(MeetingKind),
            zones=ZONES,
            linkable=linkable_items(),
            form=FlaskForm(),
        ),
        status,
    )


def _request_values() -> dict[str, Any]:
    values: dict[str, Any] = request.form.to_dict()
    for name in ("cohost_cities", "spoken_languages", "challenge_ids", "idea_ids", "pilot_ids"):
        values[name] = request.form.getlist(name)
    return values


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def create():
    enforce(policy.can_create_meeting(current_user))
    if request.method == "GET":
        city = current_user.city
        defaults = {
            "host_city": city.slug,
            "timezone": TIME_ZONES.get(city.slug, "Europe/Brussels"),
            "language": city.language,
            "spoken_languages": [city.language, "en"],
            "kind": "workshop",
        }
        return _form_page(None, defaults, {})
    _valid_form()
    try:
        meeting = services.create(current_user, _form_input(), request.files.get("cover"))
    except ServiceError as error:
        if error.status in (401, 403, 404):
            raise
        db.session.rollback()
        return _form_page(None, _request_values(), field_errors(error), error.status)
    flash(_("The event is created."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.route("/events/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_manage_meeting(current_user, meeting))
    if request.method == "GET":
        return _form_page(meeting, _values_of(meeting), {})
    _valid_form()
    on_refusal_redirect(url_for("meetings.show", meeting_id=meeting_id))
    try:
        services.edit(current_user, meeting, _form_input(), request.files.get("cover"))
    except ServiceError as error:
        if error.status != 400 and error.status != 413:
            raise
        db.session.rollback()
        meeting = queries.load_meeting(meeting_id)
        return _form_page(meeting, _request_values(), field_errors(error), error.status)
    flash(_("The event is saved."), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id))


def _act(meeting_id: int, form_key: str, action, message: str, anchor: str = ""):
    """Runs an organiser's action; field errors go back next to the form that sent them."""
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_manage_meeting(current_user, meeting))
    _valid_form()
    on_refusal_redirect(url_for("meetings.show", meeting_id=meeting_id) + anchor)
    try:
        action(meeting)
    except ServiceError as error:
        if error.status not in (400, 413):
            raise
        db.session.rollback()
        flash(str(error.message), "error")
        return render_show(meeting_id, {form_key: field_errors(error)}, error.status)
    flash(message, "success")
    return redirect(url_for("meetings.show", meeting_id=meeting_id) + anchor)


@bp.post("/events/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    return _act(
        meeting_id,
        "cancel",
        lambda m: services.cancel(current_user, m, request.form.get("reason", "")),
        _("The event is cancelled; everyone registered is told."),
    )


@bp.post("/events/<int:meeting_id>/agenda")
@login_required
def add_session(meeting_id: int):
    f = request.form
    data = AgendaInput(
        title=f.get("title", ""),
        starts_at=f.get("session_starts_at", ""),
        ends_at=f.get("session_ends_at", ""),
        room=f.get("room", ""),
        description=f.get("session_description", ""),
        guest_speakers=f.get("guest_speakers", ""),
        speaker_ids=f.getlist("speaker_ids"),
    )
    return _act(
        meeting_id,
        "agenda",
        lambda m: services.add_agenda_item(current_user, m, data),
        _("The session is added to the agenda."),
        "#agenda",
    )


@bp.post("/events/<int:meeting_id>/agenda/<int:item_id>/delete")
@login_required
def remove_session(meeting_id: int, item_id: int):
    return _act(
        meeting_id,
        "agenda",
        lambda m: services.remove_agenda_item(current_user, m, item_id),
        _("The session is removed from the agenda."),
        "#agenda",
    )


@bp.post("/events/<int:meeting_id>/follow")
@login_required
def toggle_follow(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    _valid_form()
    if request.form.get("action") == "unfollow":
        unfollow(current_user.id, KIND_NAME, meeting.id)
    else:
        follow(current_user.id, KIND_NAME, meeting.id)
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


# --- Files: the cover, the minutes' attachments and photos --------------------------------


def _serve(meeting_id: int, attachment_id: int, thumb: bool) -> Response:
    """An event's files are as public as the event; only its own files are served here."""
    meeting = queries.load_meeting(meeting_id)
    found = [f.attachment for f in meeting.files if f.attachment_id == attachment_id]
    if meeting.cover is not None and meeting.cover.id == attachment_id:
        found.append(meeting.cover)
    if not found:
        abort(404)
    attachment = found[0]
    try:
        path = file_path(attachment, thumb=thumb)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    if thumb:
        response = send_file(path, mimetype=CONTENT_TYPES[path.suffix])
    else:
        response = send_file(
            path,
            mimetype=attachment.content_type,
            as_attachment=not attachment.is_image,
            download_name=attachment.original_name,
        )
    response.headers.update(FILE_HEADERS)
    return response


@bp.get("/events/<int:meeting_id>/files/<int:attachment_id>/thumb")
def file_thumbnail(meeting_id: int, attachment_id: int):
    return _serve(meeting_id, attachment_id, thumb=True)


@bp.get("/events/<int:meeting_id>/files/<int:attachment_id>/<path:name>")
def file_download(meeting_id: int, attachment_id: int, name: str):
    return _serve(meeting_id, attachment_id, thumb=False)


@bp.app_template_global()
def meeting_file_url(meeting: Meeting, attachment: Any, thumb: bool = False) -> str:
    if thumb and attachment.thumb_key:
        return url_for(
            "meetings.file_thumbnail", meeting_id=meeting.id, attachment_id=attachment.id
        )
    return url_for(
        "meetings.file_download",
        meeting_id=meeting.id,
        attachment_id=attachment.id,
        name=attachment.original_name,
    )


# --- A member's own events ----------------------------------------------------------------


@bp.get("/events/mine")
@login_required
def mine():
    secret = queries.calendar_secret(current_user.id)
    feed_url = url_for("api.personal_calendar", key=secret, _external=True) if secret else None
    return render_template(
        "meetings/mine.html",
        registrations=queries.my_registrations(current_user.id),
        feed_url=feed_url,
        form=FlaskForm(),
    )


@bp.post("/events/mine/calendar")
@login_required
def renew_calendar():
    _valid_form()
    had = queries.calendar_secret(current_user.id) is not None
    registrations.renew_calendar_key(current_user)
    flash(
        _("Your calendar has a new address; the previous one no longer works.")
        if had
        else _("Your personal calendar address is ready."),
        "success",
    )
    return redirect(url_for("meetings.mine") + "#calendar")


# --- For the templates: labels, local times, and the includes on other pages --------------


@bp.record_once
def _template_helpers(state: Any) -> None:
    env = state.app.jinja_env
    env.filters.update(
        event_kind_label=labels.kind_label,
        registration_status_label=labels.registration_status_label,
        profile_group_label=labels.profile_group_label,
        event_span=labels.event_span,
        event_date=labels.event_date,
        event_time=labels.event_time,
        event_datetime=labels.event_datetime,
        zone_abbreviation=labels.zone_abbreviation,
    )


@bp.app_template_global()
def upcoming_events(
    city: Any = None, challenge: Any = None, pilot: Any = None, limit: int = 3
) -> list[Meeting]:
    """The next events for the block on the home, city, challenge and pilot pages
    (templates/meetings/_upcoming.html)."""
    linked = ("challenge", challenge.id) if challenge is not None else None
    if pilot is not None:
        linked = ("pilot", pilot.id)
    return queries.upcoming(
        city_id=city.id if city is not None else None, linked=linked, limit=limit
    )


@bp.app_template_global()
def my_upcoming_registrations() -> list[Any]:
    """The signed-in member's registrations to come, for their desk (My activity)."""
    if not current_user.is_authenticated:
        return []
    return queries.my_registrations(current_user.id, upcoming_only=True)
