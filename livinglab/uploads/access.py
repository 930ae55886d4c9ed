"""Which content shows a stored file, so the file can be exactly as visible as that content.

Each kind of content that shows files registers a finder once (``@shows_files``): given an
attachment id, it returns the content objects showing it, loaded with what the policy's
``can_view_*`` functions read. The uploads views ask :func:`owners_of`, then the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab.extensions import db

Finder = Callable[[int], list[Any]]
_finders: list[Finder] = []


def shows_files(finder: Finder) -> Finder:
    """Registers a finder of the content showing an attachment (used as a decorator)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def owners_of(attachment_id: int) -> list[Any]:
    """Every piece of content that shows this attachment; empty for an orphaned file."""
    return [owner for finder in _finders for owner in finder(attachment_id)]


@shows_files
def _pilots_showing(attachment_id: int) -> list[Any]:
    """Pilot update images and milestone evidence. Kept here until livinglab.pilots registers
    its own finder (this change does not edit the pilots package)."""
    from livinglab.challenges.models import Challenge
    from livinglab.ideas.models import Idea
    from livinglab.pilots.models import Milestone, Pilot, PilotUpdate, pilot_update_attachment

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
