"""Event operations: creating, changing and cancelling an event, its agenda, its minutes with
their files and outcomes. Each checks the policy, validates, writes, sends its domain events,
commits, then announces. Seats (registrations, delegations, check-in) are in
livinglab.meetings.registrations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.datastructures import FileStorage

from livinglab import content, events, policy
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Conflict, Denied, NotFound, require
from livinglab.extensions import db
from livinglab.i18n import content_language_for
from livinglab.meetings import inputs, registrations, signals
from livinglab.meetings.inputs import AgendaInput, MeetingInput, refuse, too_long
from livinglab.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingFile,
    MeetingLink,
    MeetingStatus,
)
from livinglab.meetings.registrations import announce
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


def _set_links(
    meeting: Meeting, links: list[tuple[str, int]], session: AgendaItem | None = None
) -> None:
    """The items the event (or one session) advances; the others' links and the outcomes,
    which the minutes name, are kept."""
    session_id = session.id if session is not None else None
    kept = [
        link for link in meeting.links if link.role != "advances" or link.session_id != session_id
    ]
    meeting.links = kept + [
        MeetingLink(event_id=meeting.id, session_id=session_id, target_type=k, target_id=i)
        for k, i in links
    ]


def _cover(user: Any, file: FileStorage | None) -> Any:
    if file is None or not file.filename:
        return None
    attachment = uploads.store_upload(file, user.id, field="cover")
    if not attachment.is_image:
        uploads.discard([attachment])
        refuse("cover", _l("The cover must be an image."))
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
    announce(meeting, "details")
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
    announce(meeting, "details", seats=True)


def cancel(user: Any, meeting: Meeting, reason: Any) -> None:
    require(policy.can_manage_meeting(user, meeting))
    if meeting.is_cancelled:
        raise Conflict(_l("This event is already cancelled."))
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > 1000:
        refuse("reason", _l("Say why the event is cancelled (at most 1000 characters)."))
    meeting.status = MeetingStatus.cancelled
    meeting.cancel_reason = text
    meeting.updated_at = utcnow()
    events.send(signals.meeting_cancelling, meeting, actor=user, reason=text)
    announce(meeting, "cancelled")


# --- The agenda ---------------------------------------------------------------------------


def _write_session(item: AgendaItem, clean: dict[str, Any]) -> None:
    for name in ("title", "starts_at", "ends_at", "room", "description", "guest_speakers"):
        setattr(item, name, clean[name])
    item.speakers = clean["speakers"]


def add_agenda_item(user: Any, meeting: Meeting, data: AgendaInput) -> AgendaItem:
    """A session: its time, room, speakers (members and named guests), and the challenges,
    ideas and pilots it is about."""
    require(policy.can_manage_meeting(user, meeting))
    clean = inputs.validated_agenda(data, meeting)
    item = AgendaItem(event_id=meeting.id)
    _write_session(item, clean)
    meeting.agenda.append(item)
    db.session.flush()
    _set_links(meeting, clean["links"], item)
    _record_changed(user, meeting, "agenda", session=item.title)
    return item


def edit_agenda_item(user: Any, meeting: Meeting, item_id: int, data: AgendaInput) -> None:
    require(policy.can_manage_meeting(user, meeting))
    item = _session(meeting, item_id)
    clean = inputs.validated_agenda(data, meeting)
    _write_session(item, clean)
    _set_links(meeting, clean["links"], item)
    _record_changed(user, meeting, "agenda", session=item.title)


def remove_agenda_item(user: Any, meeting: Meeting, item_id: int) -> None:
    require(policy.can_manage_meeting(user, meeting))
    item = _session(meeting, item_id)
    meeting.links = [link for link in meeting.links if link.session_id != item.id]
    db.session.flush()  # its links first: the session's row takes them along in the database
    meeting.agenda.remove(item)
    _record_changed(user, meeting, "agenda", session=item.title, removed=True)


def _session(meeting: Meeting, item_id: int) -> AgendaItem:
    return _one_of(meeting.agenda, lambda i: i.id == item_id)


def _one_of[T](rows: list[T], wanted: Callable[[T], bool]) -> T:
    """The row of an event's own that is wanted; NotFound for another event's or none."""
    found = next((row for row in rows if wanted(row)), None)
    if found is None:
        raise NotFound()
    return found


def _record_changed(user: Any, meeting: Meeting, what: str, **details: Any) -> None:
    """A change to the event's record: audited and told (its domain event), committed, and
    announced to its open pages."""
    meeting.updated_at = utcnow()
    db.session.flush()
    events.send(signals.meeting_record_changed, meeting, actor=user, what=what, details=details)
    announce(meeting, "minutes" if what in ("outcome", "files") else what)


# --- The record: minutes, their files and outcomes ---------------------------------------


def save_minutes(user: Any, meeting: Meeting, text: Any, files: list[FileStorage]) -> None:
    """The minutes (Markdown), with attachments and photos added through the uploads' checks
    (the files are as visible as the event, at the uploads' own addresses)."""
    require(policy.can_manage_meeting(user, meeting))
    body = text.strip() if isinstance(text, str) else ""
    if len(body) > MINUTES_LIMIT:
        refuse("minutes", too_long(MINUTES_LIMIT))
    files = [f for f in files if f.filename]
    if len(meeting.files) + len(files) > MAX_FILES:
        refuse(
            "files",
            lazy_ngettext(
                "At most %(num)d file per event.", "At most %(num)d files per event.", MAX_FILES
            ),
        )
    stored = uploads.store_uploads(files, user.id, field="files")
    meeting.files.extend(MeetingFile(attachment=attachment) for attachment in stored)
    written = body != meeting.minutes
    meeting.minutes = body
    meeting.minutes_updated_at = utcnow()
    _record_changed(user, meeting, "minutes", written=written, files_added=len(stored))


def remove_file(user: Any, meeting: Meeting, attachment_id: int) -> None:
    """Takes a file off the minutes; the stored file goes once that is committed."""
    require(policy.can_manage_meeting(user, meeting))
    shown = _one_of(meeting.files, lambda f: f.attachment_id == attachment_id)
    attachment = shown.attachment
    meeting.files.remove(shown)
    db.session.delete(attachment)
    events.on_commit(lambda: uploads.delete_files(attachment))
    _record_changed(user, meeting, "files", name=attachment.original_name)


def link_outcome(user: Any, meeting: Meeting, target: Any) -> MeetingLink:
    """Names a challenge or idea created at the event (``"challenge:12"``) in its record."""
    require(policy.can_manage_meeting(user, meeting))
    kind_name, _sep, ident = (target if isinstance(target, str) else "").partition(":")
    kind = content.get(kind_name) if kind_name in ("challenge", "idea") else None
    number = id_text(ident)
    obj = kind.load_one(number) if kind is not None and number is not None else None
    if obj is None or not kind.visible_to(user, obj):  # type: ignore[union-attr]
        refuse("outcome", _l("Choose a challenge or an idea."))
    if any(
        link.role == "outcome" and link.target_type == kind_name and link.target_id == obj.id
        for link in meeting.links
    ):
        raise Conflict(_l("This is already among the event's outcomes."))
    link = MeetingLink(target_type=kind_name, target_id=obj.id, role="outcome")
    meeting.links.append(link)
    _record_changed(user, meeting, "outcome", target=target)
    return link


def unlink_outcome(user: Any, meeting: Meeting, link_id: int) -> None:
    require(policy.can_manage_meeting(user, meeting))
    link = _one_of(meeting.links, lambda k: k.id == link_id and k.role == "outcome")
    meeting.links.remove(link)
    _record_changed(
        user, meeting, "outcome", target=f"{link.target_type}:{link.target_id}", removed=True
    )
