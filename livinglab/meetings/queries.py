"""The read side of events: the loader, the listings (the HTML pages, the API, the includes on
other pages and the calendar feeds alike), a member's registrations, the door's list and the
participation figures."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import content
from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.errors import NotFound
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.meetings.models import (
    LINK_KINDS,
    AgendaItem,
    CalendarKey,
    Meeting,
    MeetingFile,
    MeetingKind,
    MeetingLink,
    MeetingStatus,
    Registration,
    RegistrationStatus,
    meeting_cohost,
)
from livinglab.search.services import matching_ids

FILTERS = ("city", "kind", "when", "q")
# How far back a calendar feed reaches.
FEED_PAST = timedelta(days=366)

# What an event's page, its discussion, the policy and the feeds read: loaded up front.
MEETING_EAGER = (
    selectinload(Meeting.city),
    selectinload(Meeting.cohost_cities),
    selectinload(Meeting.cover),
    selectinload(Meeting.agenda).selectinload(AgendaItem.speakers),
    selectinload(Meeting.links),
    selectinload(Meeting.files).selectinload(MeetingFile.attachment),
)
LISTING_EAGER = (selectinload(Meeting.city), selectinload(Meeting.cohost_cities))


def load_many(ids: Collection[int]) -> dict[int, Meeting]:
    if not ids:
        return {}
    query = sa.select(Meeting).where(Meeting.id.in_(ids)).options(*MEETING_EAGER)
    return {m.id: m for m in db.session.scalars(query)}


def load_meeting(meeting_id: int) -> Meeting:
    """The event with everything its page reads; NotFound (404) when unknown. Every event is
    public: there is no reader to check."""
    found = load_many([meeting_id]).get(meeting_id)
    if found is None:
        raise NotFound()
    return found


def _hosted_by(city_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(
        Meeting.city_id == city_id,
        Meeting.id.in_(
            sa.select(meeting_cohost.c.event_id).where(meeting_cohost.c.city_id == city_id)
        ),
    )


def _linked_to(kind: str, ident: int) -> sa.ColumnElement[bool]:
    return Meeting.id.in_(
        sa.select(MeetingLink.event_id).where(
            MeetingLink.target_type == kind, MeetingLink.target_id == ident
        )
    )


def meeting_listing(
    city: str = "",
    kind: str = "",
    when: str = "upcoming",
    q: str = "",
    *,
    full: bool = False,
    newest_first: bool = False,
) -> sa.Select:
    """Events: ``upcoming`` (not ended yet, soonest first), ``past`` (latest first) or ``all``
    (by start; the latest first with ``newest_first``), holding every word of ``q`` (title,
    description, venue, minutes). An unknown filter value filters nothing (the API refuses one
    first). ``full`` loads what a whole event reads (the API's answers), else what a card shows."""
    now = utcnow()
    query = sa.select(Meeting).options(*(MEETING_EAGER if full else LISTING_EAGER))
    found = matching_ids("event", q)
    if found is not None:
        query = query.where(Meeting.id.in_(found))
    if city:
        city_id = db.session.scalar(sa.select(City.id).where(City.slug == city))
        query = query.where(_hosted_by(city_id or 0))
    if kind in {k.value for k in MeetingKind}:
        query = query.where(Meeting.kind == MeetingKind(kind))
    if when == "past":
        query = query.where(Meeting.ends_at <= now)
        ascending = False
    elif when == "all":
        ascending = not newest_first
    else:
        query = query.where(Meeting.ends_at > now)
        ascending = True
    order = Meeting.starts_at.asc() if ascending else Meeting.starts_at.desc()
    return query.order_by(order, Meeting.id)


def upcoming(
    *,
    city_id: int | None = None,
    linked: tuple[str, int] | None = None,
    limit: int = 3,
) -> list[Meeting]:
    """The next events (not cancelled), for the includes on the home, city, challenge and
    pilot pages."""
    query = (
        sa.select(Meeting)
        .where(Meeting.ends_at > utcnow(), Meeting.status == MeetingStatus.scheduled)
        .options(*LISTING_EAGER)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    )
    if city_id is not None:
        query = query.where(_hosted_by(city_id))
    if linked is not None:
        query = query.where(_linked_to(*linked))
    return list(db.session.scalars(query))


def feed_meetings(*, city_id: int | None = None, user_id: int | None = None) -> list[Meeting]:
    """What a calendar feed holds: a year back and everything ahead, with their agendas."""
    query = (
        sa.select(Meeting)
        .where(Meeting.ends_at > utcnow() - FEED_PAST)
        .options(*MEETING_EAGER)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(500)
    )
    if city_id is not None:
        query = query.where(_hosted_by(city_id))
    if user_id is not None:
        query = query.where(
            Meeting.id.in_(
                sa.select(Registration.event_id).where(
                    Registration.user_id == user_id,
                    Registration.status != RegistrationStatus.cancelled,
                )
            )
        )
    return list(db.session.scalars(query))


def feed_meetings_all() -> list[Meeting]:
    """Every event, cancelled ones too, in id order: the open-data export."""
    return list(db.session.scalars(sa.select(Meeting).options(*MEETING_EAGER).order_by(Meeting.id)))


def registration_of(meeting_id: int, user_id: int | None) -> Registration | None:
    """A member's registration (active or cancelled) for an event."""
    if user_id is None:
        return None
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == meeting_id, Registration.user_id == user_id
        )
    )


def _registration_where(meeting: Meeting, *where: sa.ColumnElement[bool]) -> Registration:
    """One registration of this event (another event's is not found), with its person."""
    found = db.session.scalar(
        sa.select(Registration)
        .where(Registration.event_id == meeting.id, *where)
        .options(selectinload(Registration.user), selectinload(Registration.city))
    )
    if found is None:
        raise NotFound()
    return found


def registration_by_id(meeting: Meeting, registration_id: int) -> Registration:
    return _registration_where(meeting, Registration.id == registration_id)


def registration_by_code(meeting: Meeting, code: str) -> Registration:
    return _registration_where(meeting, Registration.check_in_code == code)


def my_registrations(user_id: int, *, upcoming_only: bool = False) -> list[Registration]:
    query = (
        sa.select(Registration)
        .join(Meeting, Registration.event_id == Meeting.id)
        .where(Registration.user_id == user_id, Registration.status != RegistrationStatus.cancelled)
        .options(
            selectinload(Registration.meeting).selectinload(Meeting.city),
            selectinload(Registration.meeting).selectinload(Meeting.cohost_cities),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(100)
    )
    if upcoming_only:
        query = query.where(Meeting.ends_at > utcnow()).order_by(None).order_by(Meeting.starts_at)
    return list(db.session.scalars(query))


def registrations(meeting_id: int, q: str = "") -> list[Registration]:
    """Everyone registered or waiting (not the cancelled), by name: the organisers' lists."""
    query = (
        sa.select(Registration)
        .outerjoin(User, Registration.user_id == User.id)
        .where(Registration.event_id == meeting_id)
        .where(Registration.status != RegistrationStatus.cancelled)
        .options(selectinload(Registration.user), selectinload(Registration.city))
        .order_by(
            sa.func.lower(sa.func.coalesce(User.stored_name, Registration.guest_name)),
            Registration.id,
        )
    )
    words = q.strip()[:80]
    if words:
        like = f"%{words.lower().replace('%', '').replace('_', '')}%"
        query = query.where(
            sa.func.lower(sa.func.coalesce(User.stored_name, Registration.guest_name)).like(like)
        )
    return list(db.session.scalars(query))


def delegation(meeting_id: int, city_id: int) -> list[Registration]:
    return [r for r in registrations(meeting_id) if r.in_delegation and r.city_id == city_id]


def delegations(meeting_id: int) -> dict[int, list[Registration]]:
    """Every city's delegation (registered or waiting), by city id, each by name."""
    by_city: dict[int, list[Registration]] = {}
    for registration in registrations(meeting_id):
        if registration.in_delegation:
            by_city.setdefault(registration.city_id, []).append(registration)
    return by_city


def _active_members() -> sa.Select:
    return (
        sa.select(User)
        .where(User.deleted_at.is_(None), User.suspended_at.is_(None))
        .order_by(sa.func.lower(User.stored_name), User.id)
        .limit(1000)
    )


def city_members(city_id: int) -> list[User]:
    """The members a representative may put in their delegation."""
    return list(db.session.scalars(_active_members().where(User.city_id == city_id)))


def speaker_choices() -> list[tuple[City, list[User]]]:
    """The members an agenda may name as speakers, by city then name."""
    cities = {c.id: c for c in db.session.scalars(sa.select(City))}
    by_city: dict[int, list[User]] = {}
    for member in db.session.scalars(_active_members()):
        by_city.setdefault(member.city_id, []).append(member)
    return sorted(
        ((cities[i], members) for i, members in by_city.items()), key=lambda row: row[0].name
    )


def seat_counts(meeting_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count(Registration.id))
        .where(Registration.event_id == meeting_id)
        .group_by(Registration.status)
    ).all()
    counts = {status.value: n for status, n in rows}
    return {
        "registered": counts.get("confirmed", 0),
        "waiting": counts.get("waitlisted", 0),
    }


def waiting_position(registration: Registration) -> int:
    """1 for the first on the waiting list."""
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.waitlisted,
            sa.or_(
                Registration.queued_at < registration.queued_at,
                sa.and_(
                    Registration.queued_at == registration.queued_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


def linked_items(
    meeting: Meeting, reader: Any, role: str | None = None, *, sessions: bool = False
) -> list[dict[str, Any]]:
    """The challenges, ideas and pilots an event names that this reader may see, loaded once
    per kind through the content registry: the event's own links, or (``sessions``) those of
    its agenda's sessions."""
    wanted = [
        link
        for link in meeting.links
        if (role is None or link.role == role) and (link.session_id is not None) == sessions
    ]
    shown: list[dict[str, Any]] = []
    for kind_name in LINK_KINDS:
        ids = [link.target_id for link in wanted if link.target_type == kind_name]
        kind = content.get(kind_name)
        if not ids or kind is None:
            continue
        found = kind.load(ids)
        for link in wanted:
            obj = found.get(link.target_id) if link.target_type == kind_name else None
            if obj is not None and kind.visible_to(reader, obj):
                shown.append(
                    {
                        "link": link,
                        "kind": kind_name,
                        "id": obj.id,
                        "title": kind.title_of(obj),
                        "url": kind.url_of(obj),
                        "language": getattr(obj, "language", None),
                    }
                )
    return shown


def outcome_candidates(meeting: Meeting, reader: Any) -> list[dict[str, Any]]:
    """Challenges and ideas made since the event was announced (at it, or since), newest
    first, for the organisers to name in the minutes."""
    since = min(meeting.created_at, meeting.starts_at - timedelta(days=1))
    found: list[dict[str, Any]] = []
    for kind_name, model in (("challenge", Challenge), ("idea", Idea)):
        kind = content.get(kind_name)
        ids = list(
            db.session.scalars(
                sa.select(model.id)
                .where(model.created_at >= since)
                .order_by(model.created_at.desc())
                .limit(40)
            )
        )
        if kind is None or not ids:
            continue
        for obj in kind.load(ids).values():
            if kind.visible_to(reader, obj):
                found.append({"kind": kind_name, "id": obj.id, "title": kind.title_of(obj)})
    return found


def calendar_secret(user_id: int) -> str | None:
    return db.session.scalar(sa.select(CalendarKey.secret).where(CalendarKey.user_id == user_id))


def user_for_secret(secret: str) -> int | None:
    if not secret or len(secret) > 64:
        return None
    return db.session.scalar(sa.select(CalendarKey.user_id).where(CalendarKey.secret == secret))


def is_upcoming(meeting: Meeting, now: datetime | None = None) -> bool:
    return meeting.ends_at > (now or utcnow())
