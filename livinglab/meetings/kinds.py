"""Events as content: commentable (the live discussion on an event) and followable. The kind
is named "event", as readers know it: its room is ``event:<id>``, its page ``/events/<id>``.
Its cover and the minutes' attachments and photos are served at the uploads' own addresses,
as visible as the event."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from livinglab import content
from livinglab.extensions import db
from livinglab.meetings.models import Meeting, MeetingFile
from livinglab.meetings.queries import load_many
from livinglab.uploads.access import shows_files

KIND_NAME = "event"


def visible_to(user: Any, meeting: Meeting) -> bool:
    return True  # public from its creation; a cancelled event stays as its record


KIND = content.register(
    KIND_NAME,
    Meeting,
    load=load_many,
    title_of=lambda m: m.title,
    page=("meetings.show", "meeting_id"),
    owner_ids=lambda m: {m.created_by_id} - {None},
    visible_to=visible_to,
    challenge_id_of=lambda m: None,
    commentable=True,
    followable=True,
)


@shows_files
def _events_showing(attachment_id: int) -> list[Any]:
    """The events whose cover, or whose minutes' file, this is."""
    in_minutes = sa.select(MeetingFile.event_id).where(MeetingFile.attachment_id == attachment_id)
    return list(
        db.session.scalars(
            sa.select(Meeting).where(
                sa.or_(Meeting.cover_id == attachment_id, Meeting.id.in_(in_minutes))
            )
        )
    )
