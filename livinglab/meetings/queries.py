"""The read side of events: the loader, the listings (the HTML pages, the API, the includes on
other pages and the calendar feeds alike), a member's registrations, the door's list and the
participation figures."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
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

FILTERS = ("city", "kind", "when")

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
    city: str = "", kind: str = "", when: str = "upcoming", *, full: bool = False
) -> sa.Select:
    """Events: ``upcoming`` (not ended yet, soonest first), ``past`` (latest first) or ``all``
    (by start). An unknown filter value filters nothing (the API refuses one first). ``full``
    loads what a whole event reads (the API's answers), else what a card shows."""
    now = utcnow()
    query = sa.select(Meeting).options(*(MEETING_EAGER if full else LISTING_EAGER))
    if city:
        city_id = db.session.scalar(sa.select(City.id).where(City.slug == city))
        query = query.where(_hosted_by(city_id or 0))
    if kind in {k.value for k in MeetingKind}:
        query = query.where(Meeting.kind == MeetingKind(kind))
    if when == "past":
        query = query.where(Meeting.ends_at <= now)
        ascending = False
    elif when == "all":
        ascending = True
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
    from datetime import timedelta

    query = (
        sa.select(Meeting)
        .where(Meeting.ends_at > utcnow() - timedelta(days=366))
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


def registration_by_id(meeting: Meeting, registration_id: int) -> Registration:
    found = db.session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration_id, Registration.event_id == meeting.id)
        .options(selectinload(Registration.user), selectinload(Registration.city))
    )
    if found is None:
        raise NotFound()
    return found


def registration_by_code(meeting: Meeting, code: str) -> Registration:
    found = db.session.scalar(
        sa.select(Registration)
        .where(Registration.check_in_code == code, Registration.event_id == meeting.id)
        .options(selectinload(Registration.user), selectinload(Registration.city))
    )
    if found is None:
        raise NotFound()
    return found


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


def city_members(city_id: int) -> list[User]:
    """The members a representative may put in their delegation."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.city_id == city_id, User.deleted_at.is_(None), User.suspended_at.is_(None))
            .order_by(sa.func.lower(User.stored_name))
            .limit(1000)
        )
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


def linked_items(meeting: Meeting, reader: Any, role: str | None = None) -> list[dict[str, Any]]:
    """The challenges, ideas and pilots an event names that this reader may see, loaded once
    per kind through the content registry."""
    wanted = [link for link in meeting.links if role is None or link.role == role]
    shown: list[dict[str, Any]] = []
    for kind_name in ("challenge", "idea", "pilot"):
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
    from datetime import timedelta

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
