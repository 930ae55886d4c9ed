"""Pilots as content: commentable and followable; their comments are flaggable, the pilot
itself is not (it is the record of a decision, moderated through its updates' authors)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import content
from livinglab.challenges.models import Challenge
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.pilots.models import Milestone, Pilot, PilotUpdate, pilot_update_attachment
from livinglab.pilots.services import load_many
from livinglab.uploads.access import shows_files


def title_of(pilot: Pilot) -> str:
    return f"{pilot.idea.title} · {pilot.city.name}"


def visible_to(user: Any, pilot: Pilot) -> bool:
    return True  # pilots are public from their approval on


def load(ids: Collection[int]) -> dict[int, Pilot]:
    return load_many(ids)


KIND = content.register(
    "pilot",
    Pilot,
    load=load,
    title_of=title_of,
    page=("pilots.show", "pilot_id"),
    owner_ids=lambda p: p.team_ids,
    visible_to=visible_to,
    commentable=True,
    followable=True,
)


@shows_files
def _pilots_showing(attachment_id: int) -> list[Any]:
    """Pilot update images and milestone evidence: a file is as visible as its pilot."""
    in_updates = (
        sa.select(PilotUpdate.pilot_id)
        .join(pilot_update_attachment, pilot_update_attachment.c.update_id == PilotUpdate.id)
        .where(pilot_update_attachment.c.attachment_id == attachment_id)
    )
    as_evidence = sa.select(Milestone.pilot_id).where(
        Milestone.evidence_attachment_id == attachment_id
    )
    return list(
        db.session.scalars(
            sa.select(Pilot)
            .where(sa.or_(Pilot.id.in_(in_updates), Pilot.id.in_(as_evidence)))
            # What a pilot rule may read (its challenge's hosts, its team), never lazy-loaded.
            .options(
                selectinload(Pilot.challenge).selectinload(Challenge.cohost_cities),
                selectinload(Pilot.idea).selectinload(Idea.coauthors),
            )
        )
    )
