"""Events: who creates and manages them, registers, runs a delegation, checks people in.

"Host cities" of an event are its lead city plus its co-hosting cities, as for a challenge.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.database import utcnow
from livinglab.policy.core import (
    ALLOW,
    Verdict,
    _conflict,
    _forbidden,
    _is_admin,
    _is_city_rep,
    _is_city_rep_of,
    _member_check,
    is_member,
)


def can_view_event(user: Any, meeting: Any) -> Verdict:
    """Events are public from their creation; a cancelled one stays as its record. Named by the
    table (``event``), as the rule of the files an event shows is looked up (policy.pilots)."""
    return ALLOW


def can_create_meeting(user: Any, host_city_ids: Any = None) -> Verdict:
    """City representatives (for an event their city hosts) and administrators. Without
    ``host_city_ids``: whether this member may create events at all (the "New event" button)."""
    if (denied := _member_check(user)) is not None:
        return denied
    if _is_admin(user):
        return ALLOW
    if not _is_city_rep(user):
        return _forbidden(_l("Only city representatives and administrators create events."))
    if host_city_ids is not None and user.city_id not in set(host_city_ids):
        return _forbidden(_l("A city representative creates events that their own city hosts."))
    return ALLOW


def can_manage_meeting(user: Any, meeting: Any) -> Verdict:
    """Editing, the agenda, cancelling, check-in, minutes: a host city's reps, admins."""
    if (denied := _member_check(user)) is not None:
        return denied
    if _is_admin(user) or _is_city_rep_of(user, meeting.host_city_ids):
        return ALLOW
    return _forbidden(
        _l("Only the host cities' representatives and administrators manage this event.")
    )


def _registration_open(meeting: Any) -> Verdict:
    if meeting.is_cancelled:
        return _conflict(_l("This event is cancelled."))
    opens, closes = meeting.registration_window()
    now = utcnow()
    if now < opens:
        return _conflict(_l("Registration has not opened yet."))
    if now >= closes:
        return _conflict(_l("Registration for this event is closed."))
    return ALLOW


def can_register_for_meeting(user: Any, meeting: Any) -> Verdict:
    """Any member, within the registration window."""
    if (denied := _member_check(user)) is not None:
        return denied
    return _registration_open(meeting)


def can_cancel_registration(user: Any, meeting: Any, registration: Any) -> Verdict:
    """One's own registration, within the registration window; a delegation's by its city's
    representative; any by the organisers (a late cancellation still frees the seat)."""
    if (denied := _member_check(user)) is not None:
        return denied
    if can_manage_meeting(user, meeting):
        return ALLOW if not meeting.is_cancelled else _conflict(_l("This event is cancelled."))
    own = registration.user_id == user.id
    delegation = registration.in_delegation and _is_city_rep_of(user, {registration.city_id})
    if not (own or delegation):
        return _forbidden(_l("Only the registered member or their delegation cancels this."))
    return _registration_open(meeting)


def can_manage_delegation(user: Any, meeting: Any) -> Verdict:
    """A city representative registers their own city's delegation (members of their city
    and named guests), within the registration window; so does an administrator for theirs."""
    if (denied := _member_check(user)) is not None:
        return denied
    if not (_is_city_rep(user) or _is_admin(user)):
        return _forbidden(_l("Only a city representative registers their city's delegation."))
    return _registration_open(meeting)


def can_view_delegation(user: Any, meeting: Any, city_id: int) -> Verdict:
    """Who is in a city's delegation (names, seats): the event's organisers, and that city's
    representatives."""
    if (denied := _member_check(user)) is not None:
        return denied
    if can_manage_meeting(user, meeting) or _is_city_rep_of(user, {city_id}):
        return ALLOW
    return _forbidden(_l("Only the organisers and the city's representatives see its delegation."))


def can_see_online_link(user: Any, meeting: Any, registration: Any = None) -> Verdict:
    """The online link is for confirmed registrants and the organisers."""
    if (denied := _member_check(user)) is not None:
        return denied
    if can_manage_meeting(user, meeting):
        return ALLOW
    if registration is not None and registration.status.value == "confirmed":
        return ALLOW
    return _forbidden(_l("The online link is shown to registered participants."))


def can_check_in(user: Any, meeting: Any) -> Verdict:
    """The organisers record attendance at the door."""
    if not (verdict := can_manage_meeting(user, meeting)):
        return verdict
    if meeting.is_cancelled:
        return _conflict(_l("This event is cancelled."))
    return ALLOW


def can_view_attendance(user: Any, meeting: Any) -> Verdict:
    """Names, cities and attendance of the registrants: the organisers only."""
    return can_manage_meeting(user, meeting)


def can_see_own_registration(user: Any, registration: Any) -> Verdict:
    """A registration's QR code: its member, or the representative who registered a guest."""
    if not is_member(user):
        return Verdict(False, 404, _l("This page does not exist, or it is not public."))
    if registration.user_id == user.id or registration.registered_by_id == user.id:
        return ALLOW
    return Verdict(False, 404, _l("This page does not exist, or it is not public."))
