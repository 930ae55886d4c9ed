"""Event operations: creating, changing and cancelling an event, its agenda, its minutes and
outcomes. Each checks the policy, validates, writes, sends its domain events, commits, then
announces. Seats (registrations, delegations, check-in) are in livinglab.meetings.registrations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.datastructures import FileStorage

from livinglab import content, events, policy
from livinglab.accounts.models import User
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Conflict, Denied, Invalid, NotFound, require
from livinglab.extensions import db
from livinglab.i18n import content_language_for
from livinglab.meetings import inputs, queries, registrations, signals
from livinglab.meetings.inputs import AgendaInput, MeetingInput
from livinglab.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingFile,
    MeetingLink,
    MeetingStatus,
)
from livinglab.uploads import services as uploads

MAX_FILES = 30
MINUTES_LIMIT = 50_000
# What registrants are told about when it changes: the time or the place.
MOVING_FIELDS = ("starts_at", "ends_at", "timezone", "venue_name", "venue_address", "online_url")
SHOWN_FIELDS = (
    "title",
    "kind",
    "capacity",
    "spoken_languages",
    "registration_opens_at",
    "registration_closes_at",
    *MOVING_FIELDS,
)


def _announce(meeting: Meeting, what: str, **params: Any) -> None:
    events.commit()
    signals.meeting_updated.send(meeting, what=what, params=params)


def _counts(meeting: Meeting) -> dict[str, int]:
    return queries.seat_counts(meeting.id)


# --- Creating and changing an event -------------------------------------------------------


def _apply(meeting: Meeting, clean: dict[str, Any]) -> None:
    for name in (
        "title",
        "description",
        "kind",
        "timezone",
        "starts_at",
        "ends_at",
        "venue_name",
        "venue_address",
        "online_url",
        "spoken_languages",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
    ):
        setattr(meeting, name, clean[name])
    meeting.city_id = clean["city"].id
    meeting.cohost_cities = clean["cohosts"]


def _set_links(meeting: Meeting, links: list[tuple[str, int]]) -> None:
    """The items the event advances (not the outcomes, which the minutes name)."""
    kept = [link for link in meeting.links if link.role != "advances" or link.session_id]
    meeting.links = kept + [MeetingLink(target_type=k, target_id=i) for k, i in links]


def _cover(user: Any, file: FileStorage | None) -> Any:
    if file is None or not file.filename:
        return None
    attachment = uploads.store_upload(file, user.id, field="cover")
    if not attachment.is_image:
        raise Invalid(
            _l("The cover must be an image."), {"cover": _l("The cover must be an image.")}
        )
    return attachment


def create(user: Any, data: MeetingInput, cover: FileStorage | None = None) -> Meeting:
    require(policy.can_create_meeting(user))  # who, before what was sent
    clean = inputs.validated(data)
    require(policy.can_create_meeting(user, {clean["city"].id, *(c.id for c in clean["cohosts"])}))
    meeting = Meeting(
        created_by_id=user.id,
        language=clean["language"] or content_language_for(user),
        created_at=utcnow(),
    )
    _apply(meeting, clean)
    meeting.cover = _cover(user, cover)
    _set_links(meeting, clean["links"])
    db.session.add(meeting)
    db.session.flush()
    # audit, the organiser's follow, the linked items' followers told
    events.send(signals.meeting_created, meeting, actor=user)
    _announce(meeting, "details")
    return meeting


def _shown(meeting: Meeting) -> dict[str, Any]:
    values = {name: getattr(meeting, name) for name in SHOWN_FIELDS}
    values["hosts"] = sorted(c.slug for c in meeting.host_cities)
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else getattr(v, "value", v))
        for k, v in values.items()
    }


def edit(user: Any, meeting: Meeting, data: MeetingInput, cover: FileStorage | None = None) -> None:
    require(policy.can_manage_meeting(user, meeting))
    if meeting.is_cancelled:
        raise Conflict(_l("A cancelled event can no longer be changed."))
    clean = inputs.validated(data)
    hosts = {clean["city"].id, *(c.id for c in clean["cohosts"])}
    if not policy.can_create_meeting(user, hosts):  # a rep cannot hand the event away
        raise Denied(policy.can_create_meeting(user, hosts))
    before = _shown(meeting)
    _apply(meeting, clean)
    if clean["language"]:
        meeting.language = clean["language"]
    if (new_cover := _cover(user, cover)) is not None:
        meeting.cover = new_cover
    _set_links(meeting, clean["links"])
    meeting.updated_at = utcnow()
    db.session.flush()
    after = _shown(meeting)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    moved = any(k in changes for k in MOVING_FIELDS)
    registrations.lock(meeting)
    promoted = registrations.promote(meeting)
    events.send(signals.meeting_edited, meeting, actor=user, changes=changes, moved=moved)
    if promoted:
        events.send(signals.registrations_promoted, meeting, promoted=promoted, actor=user)
    _announce(meeting, "details", **_counts(meeting))


def cancel(user: Any, meeting: Meeting, reason: Any) -> None:
    require(policy.can_manage_meeting(user, meeting))
    if meeting.is_cancelled:
        raise Conflict(_l("This event is already cancelled."))
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > 1000:
        message = _l("Say why the event is cancelled (at most 1000 characters).")
        raise Invalid(message, {"reason": message})
    meeting.status = MeetingStatus.cancelled
    meeting.cancel_reason = text
    meeting.updated_at = utcnow()
    events.send(signals.meeting_cancelling, meeting, actor=user, reason=text)
    _announce(meeting, "cancelled")


# --- The agenda ---------------------------------------------------------------------------


def add_agenda_item(user: Any, meeting: Meeting, data: AgendaInput) -> AgendaItem:
    require(policy.can_manage_meeting(user, meeting))
    clean = inputs.validated_agenda(data, meeting)
    speakers = []
    if clean["speaker_ids"]:
        speakers = list(
            db.session.scalars(
                sa.select(User).where(User.id.in_(clean["speaker_ids"]), User.deleted_at.is_(None))
            )
        )
        if len(speakers) != len(clean["speaker_ids"]):
            message = _l("Choose speakers among the members.")
            raise Invalid(message, {"speaker_ids": message})
    item = AgendaItem(
        event_id=meeting.id,
        title=clean["title"],
        starts_at=clean["starts_at"],
        ends_at=clean["ends_at"],
        room=clean["room"],
        description=clean["description"],
        guest_speakers=clean["guest_speakers"],
    )
    item.speakers = speakers
    db.session.add(item)
    db.session.flush()
    events.send(signals.meeting_record_changed, meeting, actor=user, what="agenda")
    _announce(meeting, "agenda")
    return item


def remove_agenda_item(user: Any, meeting: Meeting, item_id: int) -> None:
    require(policy.can_manage_meeting(user, meeting))
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item is None:
        raise NotFound()
    meeting.agenda.remove(item)
    events.send(signals.meeting_record_changed, meeting, actor=user, what="agenda")
    _announce(meeting, "agenda")


# --- The record: minutes and outcomes ----------------------------------------------------


def save_minutes(user: Any, meeting: Meeting, text: Any, files: list[FileStorage]) -> None:
    require(policy.can_manage_meeting(user, meeting))
    body = text.strip() if isinstance(text, str) else ""
    if len(body) > MINUTES_LIMIT:
        message = lazy_ngettext(
            "Use at most %(num)d character.", "Use at most %(num)d characters.", MINUTES_LIMIT
        )
        raise Invalid(message, {"minutes": message})
    files = [f for f in files if f.filename]
    if len(meeting.files) + len(files) > MAX_FILES:
        message = lazy_ngettext(
            "At most %(num)d file per event.", "At most %(num)d files per event.", MAX_FILES
        )
        raise Invalid(message, {"files": message})
    for file in files:
        meeting.files.append(
            MeetingFile(attachment=uploads.store_upload(file, user.id, field="files"))
        )
    meeting.minutes = body
    meeting.minutes_updated_at = utcnow()
    events.send(signals.meeting_record_changed, meeting, actor=user, what="minutes")
    _announce(meeting, "minutes")


def link_outcome(user: Any, meeting: Meeting, target: Any) -> MeetingLink:
    """Names a challenge or idea created at the event (``"challenge:12"``) in its record."""
    require(policy.can_manage_meeting(user, meeting))
    kind_name, _sep, ident = (target if isinstance(target, str) else "").partition(":")
    kind = content.get(kind_name) if kind_name in ("challenge", "idea") else None
    number = id_text(ident)
    obj = kind.load_one(number) if kind is not None and number is not None else None
    if obj is None or not kind.visible_to(user, obj):  # type: ignore[union-attr]
        message = _l("Choose a challenge or an idea.")
        raise Invalid(message, {"outcome": message})
    if any(
        link.role == "outcome" and link.target_type == kind_name and link.target_id == obj.id
        for link in meeting.links
    ):
        raise Conflict(_l("This is already among the event's outcomes."))
    link = MeetingLink(target_type=kind_name, target_id=obj.id, role="outcome")
    meeting.links.append(link)
    db.session.flush()
    events.send(signals.meeting_record_changed, meeting, actor=user, what="outcome")
    _announce(meeting, "minutes")
    return link


def unlink_outcome(user: Any, meeting: Meeting, link_id: int) -> None:
    require(policy.can_manage_meeting(user, meeting))
    link = next((k for k in meeting.links if k.id == link_id and k.role == "outcome"), None)
    if link is None:
        raise NotFound()
    meeting.links.remove(link)
    events.send(signals.meeting_record_changed, meeting, actor=user, what="outcome")
    _announce(meeting, "minutes")
