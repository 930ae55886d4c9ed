"""Events over JSON, and the calendar feeds (iCalendar): the listing, one event, creating and
changing one, one's registration, the organisers' attendance list, and the open-data export
of events (no personal data)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab import policy
from livinglab.api.core import BadInput, bp, created, listing, page_of, signed_in
from livinglab.api.schema import filters, operation, payload, sent
from livinglab.cities import queries as city_queries
from livinglab.core.downloads import open_data
from livinglab.database import utcnow
from livinglab.errors import NotFound, require
from livinglab.meetings import calendar, figures, queries, registrations, services
from livinglab.meetings import schemas as s
from livinglab.meetings.form_data import current_input
from livinglab.meetings.inputs import MeetingInput
from livinglab.meetings.models import Meeting, MeetingKind, RegistrationStatus

TAG = "events"
FIELDS = set(s.EventFields.model_fields)


def _out(meeting: Meeting, *, one: bool = False) -> dict[str, Any]:
    """An event as this reader may see it; ``one`` (the event's own address) adds the
    delegations the reader manages: every city's for an organiser, their own city's for a
    representative."""
    user = current_user._get_current_object()
    mine = queries.registration_of(meeting.id, getattr(user, "id", None))
    shown = meeting.online_url and policy.can_see_online_link(user, meeting, mine)
    extra: dict[str, Any] = {"online_url": meeting.online_url if shown else None}
    if one and policy.is_member(user) and policy.can_view_delegation(user, meeting, user.city_id):
        groups = sorted(queries.delegations(meeting.id).values(), key=lambda d: d[0].city.name)
        extra["delegations"] = [
            s.Delegation.of(people[0].city, people)
            for people in groups
            if policy.can_view_delegation(user, meeting, people[0].city_id)
        ]
    return s.Event.of(meeting, **extra).dump()


def _input(data: s.EventFields, base: MeetingInput | None = None) -> MeetingInput:
    given = data.model_dump(include=sent(data) & FIELDS)
    for name in ("cohost_cities", "spoken_languages", "challenge_ids", "idea_ids", "pilot_ids"):
        if name in given and given[name] is None:
            given[name] = []
    return replace(base or MeetingInput(), **given)


@bp.get("/events")
@operation(_l("Events"), tag=TAG, out=s.EventPage, query=s.EventFilters)
def list_events() -> Response:
    page_no, per_page, args = filters(s.EventFilters)
    problems = {}
    if args.kind and args.kind not in {k.value for k in MeetingKind}:
        problems["kind"] = _("Unknown kind of event.")
    if args.when not in ("", "upcoming", "past", "all"):
        problems["when"] = _("Choose upcoming, past or all.")
    if problems:
        raise BadInput(_("Please correct the marked fields."), problems)
    query = queries.meeting_listing(
        args.city, args.kind, args.when or "upcoming", args.q, full=True
    )
    return jsonify(listing(page_of(query, page_no, per_page), lambda m: _out(m)))


@bp.post("/events")
@operation(
    _l("Create an event (city representatives of a host city, administrators)"),
    tag=TAG,
    ok=201,
    out=s.Event,
    body=s.EventInput,
    secured=True,
)
def create_event() -> Response:
    signed_in()
    require(policy.can_create_meeting(current_user))
    meeting = services.create(current_user, _input(payload(s.EventInput)))
    return created(_out(queries.load_meeting(meeting.id)))


@bp.get("/events/<int:meeting_id>")
@operation(_l("An event"), tag=TAG, out=s.Event)
def get_event(meeting_id: int) -> Response:
    return jsonify(_out(queries.load_meeting(meeting_id), one=True))


@bp.patch("/events/<int:meeting_id>")
@operation(
    _l('Change an event, or cancel it with {"status": "cancelled", "reason": ...}'),
    tag=TAG,
    out=s.Event,
    body=s.EventEdit,
    secured=True,
)
def update_event(meeting_id: int) -> Response:
    signed_in()
    meeting = queries.load_meeting(meeting_id)
    require(policy.can_manage_meeting(current_user, meeting))  # who, before what was sent
    data = payload(s.EventEdit)
    if sent(data) & FIELDS:
        services.edit(current_user, meeting, _input(data, current_input(meeting)))
        meeting = queries.load_meeting(meeting_id)
    if data.status == "cancelled":
        services.cancel(current_user, meeting, data.reason or "")
    return jsonify(_out(queries.load_meeting(meeting_id)))


def _registration_out(registration: Any, status: int = 200) -> Response:
    position = (
        queries.waiting_position(registration)
        if registration.status == RegistrationStatus.waitlisted
        else None
    )
    answer = s.EventRegistration(
        event_id=registration.event_id,
        status=registration.status.value,
        waiting_position=position,
        registered_at=registration.queued_at.isoformat(),
    )
    return created(answer.dump(), status)


@bp.post("/events/<int:meeting_id>/registration")
@operation(
    _l("Register for an event (a full event puts you on its waiting list)"),
    tag=TAG,
    ok=201,
    out=s.EventRegistration,
    body=s.RegistrationInput,
    secured=True,
)
def register_for_event(meeting_id: int) -> Response:
    signed_in()
    meeting = queries.load_meeting(meeting_id)
    require(policy.can_register_for_meeting(current_user, meeting))
    data = payload(s.RegistrationInput)
    registration = registrations.register(
        current_user, meeting, data.dietary_needs or "", data.accessibility_needs or ""
    )
    return _registration_out(registration, 201)


@bp.delete("/events/<int:meeting_id>/registration")
@operation(_l("Cancel one's registration"), tag=TAG, out=s.EventRegistration, secured=True)
def unregister_from_event(meeting_id: int) -> Response:
    signed_in()
    meeting = queries.load_meeting(meeting_id)
    mine = queries.registration_of(meeting.id, current_user.id)
    if mine is None or not mine.is_active:
        raise NotFound(_("You are not registered for this event."))
    registrations.cancel_registration(current_user, meeting, mine)
    return _registration_out(mine)


@bp.get("/events/<int:meeting_id>/attendance")
@operation(
    _l("Who registered and who came (the event's organisers)"),
    tag=TAG,
    out=s.Attendance,
    secured=True,
)
def event_attendance(meeting_id: int) -> Response:
    signed_in()
    meeting = queries.load_meeting(meeting_id)
    require(policy.can_view_attendance(current_user, meeting))
    people = queries.registrations(meeting.id)
    answers_shown = utcnow() < meeting.answers_kept_until
    answer = s.Attendance(
        event_id=meeting.id,
        registered=sum(1 for r in people if r.status == RegistrationStatus.confirmed),
        waiting=sum(1 for r in people if r.status == RegistrationStatus.waitlisted),
        attended=sum(1 for r in people if r.checked_in_at),
        items=[s.Attendee.of(r, answers_shown) for r in people],
    )
    return jsonify(answer.dump())


# --- Calendar feeds -----------------------------------------------------------------------


def _ics(values: dict[str, str]) -> dict[str, Any]:
    return {"text/calendar": {"schema": {"type": "string"}}}


def _calendar(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers=calendar.response_headers(filename))


@bp.get("/events.ics")
@operation(
    _l("Calendar (iCalendar) of all events, or of one city's with ?city="),
    tag=TAG,
    content=_ics,
    query=s.CalendarFilters,
)
def events_calendar() -> Response:
    _page, _per_page, args = filters(s.CalendarFilters)
    if args.city:
        city = city_queries.by_slug(args.city)
        if city is None:
            raise NotFound()
        meetings = queries.feed_meetings(city_id=city.id)
        name = _("Living Lab events in %(city)s", city=city.name)
        return _calendar(calendar.feed(meetings, name), f"events-{city.slug}.ics")
    return _calendar(calendar.feed(queries.feed_meetings(), _("Living Lab events")), "events.ics")


@bp.get("/events/<int:meeting_id>.ics")
@operation(_l("One event for one's calendar (iCalendar)"), tag=TAG, content=_ics)
def event_calendar(meeting_id: int) -> Response:
    meeting = queries.load_meeting(meeting_id)
    return _calendar(calendar.feed([meeting], meeting.title), f"event-{meeting.id}.ics")


@bp.get("/events/mine.ics")
@operation(
    _l("A member's own events (iCalendar), at the secret address of their events page"),
    tag=TAG,
    content=_ics,
    query=s.PersonalCalendar,
)
def personal_calendar() -> Response:
    """No sign-in (a calendar application fetches it): the secret is the key. A wrong or
    renewed secret is simply not found."""
    _page, _per_page, args = filters(s.PersonalCalendar)
    user_id = queries.user_for_secret(args.key)
    if user_id is None:
        raise NotFound()
    meetings = queries.feed_meetings(user_id=user_id)
    online = {}
    for meeting in meetings:
        mine = queries.registration_of(meeting.id, user_id)
        if meeting.online_url and mine is not None and mine.status == RegistrationStatus.confirmed:
            online[meeting.id] = meeting.online_url
    body = calendar.feed(meetings, _("My Living Lab events"), online)
    return _calendar(body, "my-events.ics")


# --- Open data ----------------------------------------------------------------------------


def _export_content(values: dict[str, str]) -> dict:
    if values["fmt"] == "csv":
        return {"text/csv": {"schema": {"type": "string"}}}
    return {"application/json": {"schema": {"type": "object"}}}


@bp.get("/export/events.<any(csv, json):fmt>")
@operation(
    lambda fmt: _("Open data: %(dataset)s as %(format)s", dataset=_("Events"), format=fmt.upper()),
    tag="open data",
    errors=False,
    content=_export_content,
)
def export_events(fmt: str) -> Response:
    head, rows = figures.export_rows()
    return open_data("events", fmt, head, rows)
