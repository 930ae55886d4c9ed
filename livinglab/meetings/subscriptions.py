"""What follows an event's life: the audit log, notifications, follows (before the commit,
in the action's transaction) and the ``event.updated`` broadcast to its room (after).

Connected by :func:`connect_all` (the factory, from livinglab.domains). The texts of the
audit actions and notifications join the platform's tables here, so the log and the
notification list read them like their own.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab import events
from livinglab.audit.labels import ACTION_LABELS
from livinglab.audit.services import record
from livinglab.core.links import path_for
from livinglab.follows.services import add_follow, follower_ids
from livinglab.mail.models import Delivery
from livinglab.mail.preferences import add_category
from livinglab.meetings import queries, registrations, signals
from livinglab.meetings.kinds import KIND_NAME
from livinglab.meetings.models import Meeting, Registration, RegistrationStatus
from livinglab.notifications.services import MESSAGES, notify_many, push_unread_counts
from livinglab.realtime import broadcast

AUDIT_LABELS = {
    "event.created": _l("Event created"),
    "event.changed": _l("Event changed"),
    "event.cancelled": _l("Event cancelled"),
    "event.minutes": _l("Event minutes written"),
    "event.agenda": _l("Event agenda changed"),
    "event.outcome": _l("Event outcomes changed"),
    "event.files": _l("Event file removed"),
}

NOTIFICATIONS = {
    "event_new": _l("A new event about “%(item)s”: %(title)s."),
    "event_changed": _l("“%(title)s” has moved: it now begins on %(when)s, %(where)s."),
    "event_cancelled": _l("“%(title)s” is cancelled: %(reason)s"),
    "event_promoted": _l("A seat became free: you are now registered for “%(title)s”."),
    "event_delegation": _l("%(name)s registered you in the delegation of %(city)s to “%(title)s”."),
    "event_reminder": _l("Reminder: “%(title)s” begins on %(when)s, %(where)s."),
    "event_minutes": _l("The minutes of “%(title)s” are online."),
}
# What a registrant needs in time comes by email at once (unless they choose otherwise).
MAIL_CATEGORY = (
    "events",
    _l("Events I registered for: reminders, changes of time or place, seats"),
    ("event_reminder", "event_changed", "event_cancelled", "event_promoted", "event_delegation"),
    Delivery.immediate,
)


def _link(meeting: Any) -> str:
    return path_for("meetings.show", meeting_id=meeting.id)


def _when_and_where(meeting: Meeting) -> dict[str, str]:
    """The start as it reads where the event happens, in a form every language reads
    (2026-05-04 09:30 CEST), and the venue (or, for an event online, its host city)."""
    local = meeting.local_start
    return {
        "when": f"{local:%Y-%m-%d %H:%M} {local.tzname()}",
        "where": meeting.venue_name or meeting.city.name,
    }


def _pushed(told: list[int]) -> None:
    """The unread counts of those told, pushed once the action is committed."""
    if told:
        events.on_commit(lambda: push_unread_counts(told))


def _watchers(meeting: Any, actor: Any) -> set[int]:
    """Everyone registered or waiting, and the event's followers; not whoever acted."""
    registered = {r.user_id for r in queries.registrations(meeting.id) if r.user_id is not None}
    return (registered | follower_ids(KIND_NAME, meeting.id)) - {getattr(actor, "id", None)}


# --- Before commit ------------------------------------------------------------------------


def _created(meeting: Any, *, actor: Any) -> None:
    record(actor, "event.created", meeting, city_id=meeting.city_id, title=meeting.title)
    add_follow(actor.id, KIND_NAME, meeting.id)
    for item in queries.linked_items(meeting, None, role="advances"):
        watchers = follower_ids(item["kind"], item["id"]) - {actor.id}
        _pushed(
            notify_many(
                watchers, "event_new", _link(meeting), title=meeting.title, item=item["title"]
            )
        )


def _edited(meeting: Any, *, actor: Any, changes: dict[str, Any], moved: bool) -> None:
    if changes:
        record(actor, "event.changed", meeting, city_id=meeting.city_id, changes=changes)
    if moved:
        watchers = _watchers(meeting, actor)
        _pushed(
            notify_many(
                watchers,
                "event_changed",
                _link(meeting),
                title=meeting.title,
                **_when_and_where(meeting),
            )
        )


def _cancelling(meeting: Any, *, actor: Any, reason: str) -> None:
    record(actor, "event.cancelled", meeting, city_id=meeting.city_id, reason=reason)
    watchers = _watchers(meeting, actor)
    _pushed(
        notify_many(watchers, "event_cancelled", _link(meeting), title=meeting.title, reason=reason)
    )


def _record_changed(meeting: Any, *, actor: Any, what: str, details: dict[str, Any]) -> None:
    record(actor, f"event.{what}", meeting, city_id=meeting.city_id, **details)
    if what == "minutes" and details.get("written") and meeting.minutes:
        watchers = _watchers(meeting, actor)
        _pushed(notify_many(watchers, "event_minutes", _link(meeting), title=meeting.title))


def _promoted_told(meeting: Any, promoted: list[Registration]) -> None:
    ids = {r.user_id for r in promoted if r.user_id is not None}
    _pushed(notify_many(ids, "event_promoted", _link(meeting), title=meeting.title))


def _registration_added(meeting: Any, *, registration: Registration, actor: Any) -> None:
    """A member registers: they follow the event. One registered by their city's
    representative is told so."""
    if registration.user_id is None:
        return
    add_follow(registration.user_id, KIND_NAME, meeting.id)
    if registration.user_id != actor.id:
        told = notify_many(
            [registration.user_id],
            "event_delegation",
            _link(meeting),
            title=meeting.title,
            name=actor.display_name,
            city=actor.city.name,
        )
        _pushed(told)


def _registration_cancelled(
    meeting: Any, *, registration: Registration, actor: Any, promoted: list[Registration]
) -> None:
    _promoted_told(meeting, promoted)


def _registrations_promoted(meeting: Any, *, promoted: list[Registration], actor: Any) -> None:
    _promoted_told(meeting, promoted)


def _reminders_due(meeting: Any, *, registrations: list[Registration]) -> None:
    ids = {
        r.user_id
        for r in registrations
        if r.user_id is not None and r.status == RegistrationStatus.confirmed
    }
    _pushed(
        notify_many(
            ids, "event_reminder", _link(meeting), title=meeting.title, **_when_and_where(meeting)
        )
    )


def _member_deleted(user: Any, **_kwargs: Any) -> None:
    """A deleted account's answers are erased and its seats freed for the waiting list."""
    promoted = registrations.forget_member(user)
    for meeting in queries.load_many({r.event_id for r in promoted}).values():
        _promoted_told(meeting, [r for r in promoted if r.event_id == meeting.id])


# --- After commit -------------------------------------------------------------------------


def _updated(meeting: Any, *, what: str, params: dict[str, Any] | None = None) -> None:
    """``event.updated {event_id, what, ...}`` to the event's room."""
    payload = {"event_id": meeting.id, "what": what, **(params or {})}
    broadcast.to_content("event.updated", payload, KIND_NAME, meeting.id)


RECEIVERS = (
    (signals.meeting_created, _created),
    (signals.meeting_edited, _edited),
    (signals.meeting_cancelling, _cancelling),
    (signals.meeting_record_changed, _record_changed),
    (signals.registration_added, _registration_added),
    (signals.registration_cancelled, _registration_cancelled),
    (signals.registrations_promoted, _registrations_promoted),
    (signals.reminders_due, _reminders_due),
    (events.member_deleted, _member_deleted),
    (signals.meeting_updated, _updated),
)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    ACTION_LABELS.update(AUDIT_LABELS)
    MESSAGES.update(NOTIFICATIONS)
    add_category(*MAIL_CATEGORY)
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
