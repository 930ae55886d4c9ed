"""The whole story of a pilot, oldest first: challenge, idea, reviews and votes, decision,
milestones and updates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.pilots.models import Decision, Pilot, PilotUpdate
from livinglab.reviews.models import Review
from livinglab.votes.models import Vote


def _moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def _tally(model: Any, moment: Any, idea_id: int) -> tuple[int, Any]:
    """How many rows of ``model`` (reviews, votes) an idea has, and when the first or the last
    was made (``moment``: ``sa.func.min`` or ``sa.func.max`` of their creation)."""
    count, when = db.session.execute(
        sa.select(sa.func.count(model.id), moment(model.created_at)).where(model.idea_id == idea_id)
    ).one()
    return count, when


def timeline(pilot: Pilot) -> list[dict[str, Any]]:
    idea, challenge = pilot.idea, pilot.challenge
    events: list[tuple[datetime, str, str]] = []
    if challenge.published_at:
        events.append(
            (
                challenge.published_at,
                "challenge",
                _("Challenge published: %(title)s", title=challenge.title),
            )
        )
    events.append((idea.created_at, "idea", _("Idea submitted: %(title)s", title=idea.title)))
    reviews, first_review = _tally(Review, sa.func.min, idea.id)
    if reviews:
        text = ngettext("%(num)d expert review", "%(num)d expert reviews", reviews)
        events.append((first_review, "review", text))
    votes, last_vote = _tally(Vote, sa.func.max, idea.id)
    if votes:
        text = ngettext("%(num)d vote from members", "%(num)d votes from members", votes)
        events.append((last_vote, "votes", text))
    for when, kind, city, reason in db.session.execute(
        sa.select(Decision.created_at, Decision.kind, City.name, Decision.reason)
        .join(City, Decision.city_id == City.id)
        .where(Decision.idea_id == idea.id)
    ):
        if kind.value == "approve":
            events.append((when, "decision", _("Approved as a pilot in %(city)s", city=city)))
        else:
            events.append(
                (
                    when,
                    "decision",
                    _("Not selected in %(city)s: %(reason)s", city=city, reason=reason or ""),
                )
            )
    # origin_id first: the origin is only loaded (never lazily: lazy="raise") when there is one.
    if pilot.origin_id and pilot.origin is not None:
        events.append(
            (
                pilot.created_at,
                "replication",
                _("Replicated from the pilot in %(city)s", city=pilot.origin.city.name),
            )
        )
    for m in pilot.milestones:
        if m.done_on:
            # A date alone reads as midnight; a milestone cannot precede its pilot.
            events.append(
                (
                    max(_moment(m.done_on), pilot.created_at),
                    "milestone",
                    _("Milestone done: %(title)s", title=m.title),
                )
            )
    for when, body in db.session.execute(
        sa.select(PilotUpdate.created_at, PilotUpdate.body).where(PilotUpdate.pilot_id == pilot.id)
    ):
        events.append((when, "update", _("Update: %(text)s", text=body[:120])))
    if pilot.completed_at:
        events.append((pilot.completed_at, "completed", _("Completed, with lessons learned")))
    events.sort(key=lambda e: e[0])
    return [{"when": when, "kind": kind, "text": text} for when, kind, text in events]
