"""What a discussion hangs on: a challenge, an idea (and, with the pilots issue, a pilot)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.challenges.models import Challenge
from livinglab.core.inputs import id_text
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.realtime.broadcast import PUBLIC_ROOM_KINDS, room_for

ROOM_TYPES = PUBLIC_ROOM_KINDS


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


def challenge_target(challenge: Challenge) -> Target:
    authors = {challenge.proposer_id} - {None}
    return Target(
        "challenge",
        challenge.id,
        challenge,
        challenge.title,
        f"/challenges/{challenge.id}",
        challenge.id,
        authors,
    )


def idea_target(idea: Idea) -> Target:
    return Target(
        "idea", idea.id, idea, idea.title, f"/ideas/{idea.id}", idea.challenge_id, idea.author_ids
    )


def pilot_target(pilot: Any) -> Target:
    title = f"{pilot.idea.title} · {pilot.city.name}"
    return Target(
        "pilot", pilot.id, pilot, title, f"/pilots/{pilot.id}", pilot.challenge_id, pilot.team_ids
    )


def resolve(target_type: str, target_id: Any) -> Target | None:
    """The target if it exists; whether it may be read or discussed is the caller's check."""
    if target_type not in ROOM_TYPES:
        return None
    try:
        ident = int(target_id)
    except (TypeError, ValueError):
        return None
    if target_type == "pilot":
        from livinglab.pilots.services import load

        pilot = load(ident)
        return None if pilot is None else pilot_target(pilot)
    if target_type == "challenge":
        challenge = db.session.scalar(
            sa.select(Challenge)
            .where(Challenge.id == ident)
            .options(selectinload(Challenge.cohost_cities))
        )
        return None if challenge is None else challenge_target(challenge)
    idea = db.session.scalar(
        sa.select(Idea)
        .where(Idea.id == ident)
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.coauthors),
        )
    )
    return None if idea is None else idea_target(idea)


def parse_room(room: Any) -> tuple[str, str] | None:
    if not isinstance(room, str) or room.count(":") != 1:
        return None
    kind, _, ident = room.partition(":")
    if kind not in ROOM_TYPES or id_text(ident) is None:
        return None
    return kind, ident


def readable(user: Any, target: Target) -> bool:
    """Anyone may read the discussion of published content."""
    if target.type == "pilot":
        return True  # pilots are public from their approval on
    if target.type == "challenge":
        return bool(policy.can_view_challenge(user, target.obj)) and target.is_published
    return bool(policy.can_view_idea(user, target.obj)) and target.is_published
