"""Event pages: the calendar, one event, creating, editing and cancelling it, and a member's
own events with their personal calendar address. The agenda's page: livinglab.meetings.agenda;
taking part and the record: livinglab.meetings.participation. The event's files are served by
the uploads' own route (livinglab.uploads.views), as visible as the event."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
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
from livinglab.meetings.form_data import current_input, form_values, from_form
from livinglab.meetings.inputs import MeetingInput
from livinglab.meetings.kinds import KIND_NAME
from livinglab.meetings.models import Meeting, MeetingKind
from livinglab.meetings.pages import (
    field_errors,
    linkable_items,
    organiser_action,
    render_show,
    valid_form,
)
from livinglab.web.helpers import enforce, on_refusal_redirect, page_number

bp = Blueprint("meetings", __name__)

# The zones offered by the form: the partners' own, then the rest of the world by name.
ZONES = sorted(set(TIME_ZONES.values()) | {"UTC", "Europe/London", "Europe/Brussels"})


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


def _save(meeting: Meeting | None):
    """Creates the event the form describes (``meeting`` None) or saves it over ``meeting``;
    invalid input shows the form again, as typed, with a message at each field."""
    valid_form()
    data = from_form(MeetingInput, request.form)
    cover = request.files.get("cover")
    try:
        if meeting is None:
            meeting = services.create(current_user, data, cover)
            flash(_("The event is created."), "success")
        else:
            services.edit(current_user, meeting, data, cover)
            flash(_("The event is saved."), "success")
    except ServiceError as error:
        if error.status not in (400, 413):
            raise
        db.session.rollback()
        again = queries.load_meeting(meeting.id) if meeting is not None else None
        return _form_page(again, form_values(data), field_errors(error), error.status)
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


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
    on_refusal_redirect(url_for("meetings.index"))
    return _save(None)


@bp.route("/events/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_manage_meeting(current_user, meeting))
    if request.method == "GET":
        return _form_page(meeting, form_values(current_input(meeting)), {})
    on_refusal_redirect(url_for("meetings.show", meeting_id=meeting_id))
    return _save(meeting)


@bp.post("/events/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    return organiser_action(
        meeting_id,
        lambda m: services.cancel(current_user, m, request.form.get("reason", "")),
        _("The event is cancelled; everyone registered is told."),
        back=url_for("meetings.show", meeting_id=meeting_id),
        form_key="cancel",
    )


@bp.post("/events/<int:meeting_id>/follow")
@login_required
def toggle_follow(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    valid_form()
    if request.form.get("action") == "unfollow":
        unfollow(current_user.id, KIND_NAME, meeting.id)
    else:
        follow(current_user.id, KIND_NAME, meeting.id)
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


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
    valid_form()
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
