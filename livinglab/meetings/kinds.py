"""Events as content: commentable (the live discussion on an event) and followable. The kind
is named "event", as readers know it: its room is ``event:<id>``, its page ``/events/<id>``."""

from __future__ import annotations

from typing import Any

from livinglab import content
from livinglab.core.links import path_for
from livinglab.meetings.models import Meeting
from livinglab.meetings.queries import load_many

KIND_NAME = "event"


def visible_to(user: Any, meeting: Meeting) -> bool:
    return True  # public from its creation; a cancelled event stays as its record


KIND = content.register(
    KIND_NAME,
    Meeting,
    load=load_many,
    title_of=lambda m: m.title,
    url_of=lambda m: path_for("meetings.show", meeting_id=m.id),
    owner_ids=lambda m: {m.created_by_id} - {None},
    visible_to=visible_to,
    challenge_id_of=lambda m: None,
    commentable=True,
    followable=True,
)
