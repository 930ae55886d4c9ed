"""What a discussion hangs on: any commentable kind of the content registry (livinglab.content).

Challenges, ideas and pilots register themselves as commentable; this module asks the
registry, so a new kind of content gets a discussion without a change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from livinglab import content
from livinglab.core.inputs import id_text
from livinglab.realtime.broadcast import room_for

# A live view: ``kind in ROOM_TYPES`` asks the registry at the time of the check.
ROOM_TYPES = content.COMMENTABLE


@dataclass
class Target:
    type: str
    id: int
    obj: Any
    title: str
    url: str
    challenge_id: int | None
    author_ids: set[int]

    @property
    def room(self) -> str:
        return room_for(self.type, self.id)

    @property
    def is_published(self) -> bool:
        return self.obj.is_published

    @property
    def moderation_city_ids(self) -> set[int]:
        return self.obj.moderation_city_ids


def target_of(kind_name: str, obj: Any) -> Target:
    """The discussion target of a loaded object of a commentable kind."""
    kind = content.get(kind_name)
    assert kind is not None and kind.commentable, kind_name
    return Target(
        kind.name,
        obj.id,
        obj,
        kind.title_of(obj),
        kind.url_of(obj),
        kind.challenge_id_of(obj),
        set(kind.owner_ids(obj)),
    )


def challenge_target(challenge: Any) -> Target:
    return target_of("challenge", challenge)


def idea_target(idea: Any) -> Target:
    return target_of("idea", idea)


def pilot_target(pilot: Any) -> Target:
    return target_of("pilot", pilot)


def resolve(target_type: str, target_id: Any) -> Target | None:
    """The target if it exists; whether it may be read or discussed is the caller's check."""
    kind = content.get(target_type)
    if kind is None or not kind.commentable:
        return None
    try:
        ident = int(target_id)
    except (TypeError, ValueError):
        return None
    obj = kind.load_one(ident)
    return None if obj is None else target_of(kind.name, obj)


def parse_room(room: Any) -> tuple[str, str] | None:
    if not isinstance(room, str) or room.count(":") != 1:
        return None
    kind, _, ident = room.partition(":")
    if kind not in ROOM_TYPES or id_text(ident) is None:
        return None
    return kind, ident


def readable(user: Any, target: Target) -> bool:
    """Whoever may see the content may read its discussion (the kind's ``visible_to``)."""
    kind = content.get(target.type)
    return kind is not None and bool(kind.visible_to(user, target.obj))
