"""Readable names of the kinds of events and of registration states, and how an event's
times read: in the event's own time zone, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "twinning": _l("Twinning event"),
    "study_visit": _l("Study visit"),
    "workshop": _l("Workshop"),
    "co_design": _l("Co-design session"),
    "online_exchange": _l("Online exchange"),
    "presentation": _l("Public presentation"),
}

STATUS_LABELS = {
    "confirmed": _l("Registered"),
    "waitlisted": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
}

PROFILE_LABELS = {
    "student": _l("Students"),
    "young_artist": _l("Young artists"),
    "other": _l("Other members"),
    "guest": _l("Guests"),
}


def kind_label(kind: object) -> str:
    value = getattr(kind, "value", kind)
    label = KIND_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def registration_status_label(status: object) -> str:
    value = getattr(status, "value", status)
    label = STATUS_LABELS.get(str(value))
    return str(label) if label is not None else str(value)


def profile_group_label(kind: str) -> str:
    label = PROFILE_LABELS.get(kind)
    return str(label) if label is not None else kind


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


def event_date(moment: datetime, zone: str, fmt: str = "full") -> str:
    """The date as it is where the event happens (Babel formats it in that zone)."""
    return format_date(_local(moment, zone), fmt, rebase=False)


def event_time(moment: datetime, zone: str) -> str:
    return format_time(_local(moment, zone), "short", rebase=False)


def event_datetime(moment: datetime, zone: str) -> str:
    """ "Dec 15, 2026, 9:30 AM": the date and the time to the minute, in the event's zone."""
    local = _local(moment, zone)
    return (
        f"{format_date(local, 'medium', rebase=False)}, {format_time(local, 'short', rebase=False)}"
    )


def event_span(start: datetime, end: datetime, zone: str) -> str:
    """ "Monday 4 May 2026, 09:30 – 17:00" on one day, else both ends with their dates."""
    a, b = _local(start, zone), _local(end, zone)
    if a.date() == b.date():
        return f"{format_date(a, 'full', rebase=False)}, {event_time(start, zone)} – {event_time(end, zone)}"
    return f"{event_datetime(start, zone)} – {event_datetime(end, zone)}"


def zone_abbreviation(moment: datetime, zone: str) -> str:
    """CEST, EET, WEST...: what a reader abroad needs to place the times."""
    return _local(moment, zone).tzname() or zone
