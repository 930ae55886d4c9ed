"""Seats at an event: one's own registration, a city's delegation, cancellations that give the
freed seat to the first on the waiting list (in the same transaction), check-in at the door,
a member's calendar address, and what time and accounts take away (answers erased 30 days
after the end, a deleted member's seats freed). Reminders: livinglab.meetings.reminders.

Seats are given in the order people asked for them (``queued_at``), one event at a time.
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab import events, policy
from livinglab.accounts.models import User
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, NotFound, require
from livinglab.extensions import db
from livinglab.meetings import inputs, queries, signals
from livinglab.meetings.inputs import refuse, too_long
from livinglab.meetings.models import (
    ANSWERS_KEPT,
    CalendarKey,
    Meeting,
    Registration,
    RegistrationStatus,
)

ANSWER_LIMIT = 500
GUEST_NAME_LIMIT = 120
MAX_DELEGATION = 50


def announce(meeting: Meeting, what: str, *, seats: bool = False) -> None:
    """Commits the action, then tells the event's open pages what changed (and, with
    ``seats``, how many seats are taken and waited for now)."""
    events.commit()
    params = queries.seat_counts(meeting.id) if seats else {}
    signals.meeting_updated.send(meeting, what=what, params=params)


# --- Seats --------------------------------------------------------------------------------


def lock(meeting: Meeting) -> None:
    """Serialises seat-giving per event (PostgreSQL: a row lock; SQLite writes one at a time
    already), so two people never take the last seat together."""
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id).with_for_update())


def _seat_status(meeting: Meeting) -> RegistrationStatus:
    if meeting.capacity is None:
        return RegistrationStatus.confirmed
    taken = queries.seat_counts(meeting.id)["registered"]
    return (
        RegistrationStatus.confirmed if taken < meeting.capacity else RegistrationStatus.waitlisted
    )


def promote(meeting: Meeting) -> list[Registration]:
    """Gives free seats to the waiting list, first come first served."""
    db.session.flush()
    taken = queries.seat_counts(meeting.id)["registered"]
    free = None if meeting.capacity is None else meeting.capacity - taken
    query = (
        sa.select(Registration)
        .where(
            Registration.event_id == meeting.id,
            Registration.status == RegistrationStatus.waitlisted,
        )
        .order_by(Registration.queued_at, Registration.id)
    )
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.confirmed
        registration.promoted_at = now
    db.session.flush()
    return promoted


def _answer(value: Any, name: str) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > ANSWER_LIMIT:
        refuse(name, too_long(ANSWER_LIMIT))
    return text or None


def _seat(
    meeting: Meeting,
    *,
    user_id: int | None,
    city_id: int,
    actor: Any,
    guest_name: str | None = None,
    in_delegation: bool = False,
    existing: Registration | None = None,
) -> Registration:
    """A new registration, or a cancelled one taken up again (at the back of the queue)."""
    registration = existing or Registration(
        event_id=meeting.id,
        user_id=user_id,
        guest_name=guest_name,
        check_in_code=secrets.token_urlsafe(18),
    )
    now = utcnow()
    registration.city_id = city_id
    registration.status = _seat_status(meeting)
    registration.in_delegation = in_delegation
    registration.registered_by_id = actor.id
    registration.queued_at = now
    registration.cancelled_at = registration.promoted_at = registration.checked_in_at = None
    if existing is None:
        registration.created_at = now
        db.session.add(registration)
    db.session.flush()
    return registration


def register(
    user: Any, meeting: Meeting, dietary: Any = "", accessibility: Any = ""
) -> Registration:
    """The member's own seat, or a place on the waiting list when the event is full."""
    require(policy.can_register_for_meeting(user, meeting))
    answers = (_answer(dietary, "dietary_needs"), _answer(accessibility, "accessibility_needs"))
    lock(meeting)
    existing = queries.registration_of(meeting.id, user.id)
    if existing is not None and existing.is_active:
        if existing.status == RegistrationStatus.waitlisted:
            raise Conflict(_l("You are already on the waiting list of this event."))
        raise Conflict(_l("You are already registered for this event."))
    registration = _seat(
        meeting, user_id=user.id, city_id=user.city_id, actor=user, existing=existing
    )
    registration.dietary_needs, registration.accessibility_needs = answers
    events.send(signals.registration_added, meeting, registration=registration, actor=user)
    announce(meeting, "registrations", seats=True)
    return registration


def _guests(text: Any) -> list[str]:
    names: list[str] = []
    for line in (text if isinstance(text, str) else "").splitlines():
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) > GUEST_NAME_LIMIT:
            refuse(
                "guests",
                lazy_ngettext(
                    "A name has at most %(num)d character.",
                    "A name has at most %(num)d characters.",
                    GUEST_NAME_LIMIT,
                ),
            )
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def register_delegation(
    user: Any, meeting: Meeting, member_ids: Any, guest_names: Any
) -> list[Registration]:
    """A representative registers members of their own city and named guests as their city's
    delegation. A member already registered joins the delegation with the seat they have."""
    require(policy.can_manage_delegation(user, meeting))
    errors: dict[str, Any] = {}
    ids = inputs.ids_of(member_ids or [], "members", errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    guests = _guests(guest_names)
    if not ids and not guests:
        refuse("members", _l("Choose members of your city or name guests."))
    members = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    outsiders = [
        members[i].display_name for i in ids if i in members and members[i].city_id != user.city_id
    ]
    if any(i not in members for i in ids) or outsiders:
        refuse(
            "members",
            _l(
                "Only members of %(city)s can be in its delegation: %(names)s.",
                city=user.city.name,
                names=", ".join(outsiders) or _l("unknown member"),
            ),
        )
    if any(not members[i].is_active for i in ids):
        refuse("members", _l("A suspended or deleted account cannot be registered."))
    current = queries.delegation(meeting.id, user.city_id)
    taken_guests = {r.guest_name.casefold() for r in current if r.guest_name}
    if len(current) + len(ids) + len(guests) > MAX_DELEGATION:
        refuse(
            "members",
            lazy_ngettext(
                "A delegation has at most %(num)d person.",
                "A delegation has at most %(num)d people.",
                MAX_DELEGATION,
            ),
        )
    lock(meeting)
    added: list[Registration] = []
    for member_id in ids:
        existing = queries.registration_of(meeting.id, member_id)
        if existing is not None and existing.is_active:
            existing.in_delegation = True
            continue
        added.append(
            _seat(
                meeting,
                user_id=member_id,
                city_id=user.city_id,
                actor=user,
                in_delegation=True,
                existing=existing,
            )
        )
    for name in guests:
        if name.casefold() in taken_guests:
            continue
        added.append(
            _seat(
                meeting,
                user_id=None,
                guest_name=name,
                city_id=user.city_id,
                actor=user,
                in_delegation=True,
            )
        )
    for registration in added:
        events.send(signals.registration_added, meeting, registration=registration, actor=user)
    announce(meeting, "registrations", seats=True)
    return added


def cancel_registration(
    user: Any, meeting: Meeting, registration: Registration
) -> list[Registration]:
    """Frees the seat (the first on the waiting list takes it) or the place in the queue."""
    if registration.event_id != meeting.id:
        raise NotFound()
    require(policy.can_cancel_registration(user, meeting, registration))
    if not registration.is_active:
        raise Conflict(_l("This registration is already cancelled."))
    lock(meeting)
    had_seat = registration.status == RegistrationStatus.confirmed
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = utcnow()
    registration.checked_in_at = None
    promoted = promote(meeting) if had_seat else []
    events.send(
        signals.registration_cancelled,
        meeting,
        registration=registration,
        actor=user,
        promoted=promoted,
    )
    announce(meeting, "registrations", seats=True)
    return promoted


def check_in(user: Any, meeting: Meeting, registration: Registration, present: bool = True) -> None:
    require(policy.can_check_in(user, meeting))
    if registration.event_id != meeting.id:
        raise NotFound()
    if registration.status != RegistrationStatus.confirmed:
        raise Conflict(_l("Only people with a seat are checked in; this one has none."))
    registration.checked_in_at = utcnow() if present else None
    registration.checked_in_by_id = user.id if present else None
    announce(meeting, "attendance")


# --- Calendar addresses, reminders, erasure -----------------------------------------------


def renew_calendar_key(user: Any) -> str:
    """A new secret for the member's personal feed; the previous address stops working."""
    row = db.session.get(CalendarKey, user.id)
    secret = secrets.token_urlsafe(24)
    if row is None:
        db.session.add(CalendarKey(user_id=user.id, secret=secret))
    else:
        row.secret, row.created_at = secret, utcnow()
    db.session.commit()
    return secret


def erase_expired_answers(now: Any = None) -> int:
    """Erases the answers to the organisers' questions 30 days after each event's end."""
    now = now or utcnow()
    ended = sa.select(Meeting.id).where(Meeting.ends_at <= now - ANSWERS_KEPT)
    result = db.session.execute(
        sa.update(Registration)
        .where(
            Registration.event_id.in_(ended),
            sa.or_(
                Registration.dietary_needs.is_not(None),
                Registration.accessibility_needs.is_not(None),
            ),
        )
        .values(dietary_needs=None, accessibility_needs=None, answers_erased_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def forget_member(user: Any) -> list[Registration]:
    """An account deleted: its answers and its calendar address go, its seats at events to come
    are freed (and given to the waiting list); its past seats stay, counted in the figures
    under "Former member". Runs inside the deletion's transaction; returns who got a seat."""
    now = utcnow()
    db.session.execute(sa.delete(CalendarKey).where(CalendarKey.user_id == user.id))
    promoted: list[Registration] = []
    rows = list(db.session.scalars(sa.select(Registration).where(Registration.user_id == user.id)))
    upcoming = queries.load_many({r.event_id for r in rows if r.is_active})
    for registration in rows:
        registration.dietary_needs = registration.accessibility_needs = None
        meeting = upcoming.get(registration.event_id)
        if meeting is None or meeting.starts_at <= now:
            continue
        had_seat = registration.status == RegistrationStatus.confirmed
        registration.status = RegistrationStatus.cancelled
        registration.cancelled_at = now
        if had_seat:
            lock(meeting)
            promoted += promote(meeting)
    return promoted
