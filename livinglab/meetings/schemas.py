"""Events over JSON: what the API accepts and answers, one model each (they also make the
OpenAPI document). Times are ISO 8601 in the event's own zone, with its offset
(``2026-05-04T09:30:00+02:00``), beside the zone's name."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import Field, WithJsonSchema

from livinglab.api.bodies import Paged, Slugs, Text
from livinglab.api.schema import LANGUAGE, Filters, In, Omittable, Out, Says
from livinglab.api.schemas import Page
from livinglab.meetings.models import Meeting, Registration
from livinglab.meetings.queries import seat_counts

Stamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
MaybeStamp = Annotated[
    str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})
]
Local = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "description": "A local time in the event's zone (2026-05-04T09:30) or with an offset",
        }
    ),
]
Ids = Annotated[list[int], Says(_l("A list of ids, such as [3, 8]."))]
Kind = Literal[
    "twinning", "study_visit", "workshop", "co_design", "online_exchange", "presentation"
]


def _iso(moment: Any, meeting: Meeting) -> str | None:
    return moment.astimezone(meeting.zone).isoformat() if moment is not None else None


class EventLink(Out):
    type: Literal["challenge", "idea", "pilot"]
    id: int
    role: Literal["advances", "outcome"]

    @classmethod
    def of(cls, link: Any) -> EventLink:
        return cls(type=link.target_type, id=link.target_id, role=link.role)


class Speaker(Out):
    """A member (with their id) or a guest named by the organisers (``member_id`` null)."""

    member_id: int | None
    name: str


class AgendaSession(Out):
    id: int
    title: str
    starts_at: Stamp
    ends_at: Stamp
    room: str
    description: str
    speakers: list[str]  # every speaker's name, members first
    speaker_details: list[Speaker]
    links: list[EventLink]  # the challenges, ideas and pilots the session is about

    @classmethod
    def of(cls, item: Any, m: Meeting) -> AgendaSession:
        members = [Speaker(member_id=u.id, name=u.display_name) for u in item.speakers]
        guests = [Speaker(member_id=None, name=name) for name in item.guest_names]
        return cls(
            id=item.id,
            title=item.title,
            starts_at=_iso(item.starts_at, m),
            ends_at=_iso(item.ends_at, m),
            room=item.room,
            description=item.description,
            speakers=[p.name for p in members + guests],
            speaker_details=members + guests,
            links=[EventLink.of(link) for link in m.links if link.session_id == item.id],
        )


class Delegate(Out):
    registration_id: int
    member_id: int | None  # null: a guest without an account
    name: str
    status: Literal["confirmed", "waitlisted"]


class Delegation(Out):
    """A city's delegation: shown to the event's organisers and that city's representatives."""

    city: str
    members: list[Delegate]

    @classmethod
    def of(cls, city: Any, people: list[Registration]) -> Delegation:
        return cls(
            city=city.slug,
            members=[
                Delegate(
                    registration_id=r.id, member_id=r.user_id, name=r.name, status=r.status.value
                )
                for r in people
            ],
        )


class Event(Out):
    id: int
    title: str
    description: str
    language: str
    kind: Kind
    status: Literal["scheduled", "cancelled"]
    host_city: str
    cohost_cities: list[str]
    timezone: str
    starts_at: Stamp
    ends_at: Stamp
    venue_name: str
    venue_address: str
    online: bool
    online_url: str | None = None  # registered participants and organisers only
    spoken_languages: list[str]
    capacity: int | None
    registered: int
    waiting: int
    registration_opens_at: MaybeStamp
    registration_closes_at: MaybeStamp
    links: list[EventLink]
    agenda: list[AgendaSession]
    # The event's own address only, for its organisers (every city) and a city's
    # representatives (their city); absent otherwise.
    delegations: list[Delegation] | None = None
    minutes: str
    cancel_reason: str | None
    url: str
    ics_url: str
    created_at: Stamp

    @classmethod
    def of(
        cls,
        m: Meeting,
        *,
        online_url: str | None = None,
        delegations: list[Delegation] | None = None,
    ) -> Event:
        counts = seat_counts(m.id)
        opens, closes = m.registration_window()
        shown = {"delegations": delegations} if delegations is not None else {}
        return cls(
            id=m.id,
            title=m.title,
            description=m.description,
            language=m.language,
            kind=m.kind.value,
            status=m.status.value,
            host_city=m.city.slug,
            cohost_cities=sorted(c.slug for c in m.cohost_cities),
            timezone=m.timezone,
            starts_at=_iso(m.starts_at, m),
            ends_at=_iso(m.ends_at, m),
            venue_name=m.venue_name,
            venue_address=m.venue_address,
            online=bool(m.online_url),
            online_url=online_url,
            spoken_languages=m.languages,
            capacity=m.capacity,
            registered=counts["registered"],
            waiting=counts["waiting"],
            registration_opens_at=_iso(opens, m),
            registration_closes_at=_iso(closes, m),
            links=[EventLink.of(link) for link in m.links if link.session_id is None],
            agenda=[AgendaSession.of(i, m) for i in m.agenda],
            minutes=m.minutes,
            cancel_reason=m.cancel_reason,
            url=url_for("meetings.show", meeting_id=m.id, _external=True),
            ics_url=url_for("api.event_calendar", meeting_id=m.id, _external=True),
            created_at=m.created_at.isoformat(),
            **shown,
        )


class EventPage(Page[Event]):
    pass


class EventFields(In):
    """Every field of an event, none required: what a PATCH may change."""

    title: Omittable[str] = None
    description: Omittable[str] = None
    kind: Omittable[str] = None
    language: Annotated[str | None, WithJsonSchema(LANGUAGE)] = None
    host_city: Omittable[str] = None
    cohost_cities: Omittable[Slugs] = None
    timezone: Omittable[str] = None
    starts_at: Omittable[Local] = None
    ends_at: Omittable[Local] = None
    venue_name: Omittable[str] = None
    venue_address: Omittable[str] = None
    online_url: Omittable[str] = None
    spoken_languages: Omittable[Slugs] = None
    capacity: int | None = None  # null: no limit
    registration_opens_at: Local | None = None
    registration_closes_at: Local | None = None
    challenge_ids: Omittable[Ids] = None
    idea_ids: Omittable[Ids] = None
    pilot_ids: Omittable[Ids] = None


class EventInput(EventFields):
    title: str
    description: str
    kind: str
    host_city: str
    timezone: str
    starts_at: Local
    ends_at: Local


class EventEdit(EventFields):
    status: Omittable[Literal["cancelled"]] = None  # cancels the event (with a reason)
    reason: Omittable[str] = None


class EventFilters(Paged):
    city: Text = ""
    kind: Text = ""
    q: Text = Field("", description=_l("Words to find in the title, description, place, minutes."))
    when: Text = Field("", description=_l("Which events: upcoming (the default), past or all."))


class CalendarFilters(Filters):
    city: Text = ""


class PersonalCalendar(Filters):
    key: Text = Field("", description=_l("The secret of the member's calendar address."))


class RegistrationInput(In):
    dietary_needs: Omittable[str] = None
    accessibility_needs: Omittable[str] = None


class EventRegistration(Out):
    event_id: int
    status: Literal["confirmed", "waitlisted", "cancelled"]
    waiting_position: int | None = None
    registered_at: Stamp


class Attendee(Out):
    id: int
    name: str
    city: str
    member_id: int | None
    in_delegation: bool
    status: Literal["confirmed", "waitlisted"]
    checked_in_at: MaybeStamp
    # Until 30 days after the event's end; then erased.
    dietary_needs: str | None
    accessibility_needs: str | None

    @classmethod
    def of(cls, r: Registration, answers_shown: bool) -> Attendee:
        return cls(
            id=r.id,
            name=r.name,
            city=r.city.slug,
            member_id=r.user_id,
            in_delegation=r.in_delegation,
            status=r.status.value,
            checked_in_at=r.checked_in_at.isoformat() if r.checked_in_at else None,
            dietary_needs=r.dietary_needs if answers_shown else None,
            accessibility_needs=r.accessibility_needs if answers_shown else None,
        )


class Attendance(Out):
    event_id: int
    registered: int
    waiting: int
    attended: int
    items: list[Attendee]
