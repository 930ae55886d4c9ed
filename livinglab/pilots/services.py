"""Running a pilot: status, milestones, updates, indicators, lessons, replication."""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from livinglab import events, policy
from livinglab.challenges.models import Challenge
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.pilots.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    Pilot,
    PilotStatus,
    PilotUpdate,
)
from livinglab.uploads import services as uploads

LESSONS = ("lessons_worked", "lessons_failed", "lessons_costs", "lessons_circular_value")
TEXT_MAX = 5000


# What a pilot's page, its discussion and the policy read: loaded up front, never lazily.
PILOT_EAGER = (
    selectinload(Pilot.idea).selectinload(Idea.coauthors),
    selectinload(Pilot.idea).selectinload(Idea.author),
    selectinload(Pilot.challenge).selectinload(Challenge.theme_rows),
    selectinload(Pilot.city),
    selectinload(Pilot.origin).selectinload(Pilot.city),
    selectinload(Pilot.milestones).selectinload(Milestone.evidence_attachment),
    selectinload(Pilot.indicators).selectinload(Indicator.values),
)


def load(pilot_id: int) -> Pilot | None:
    return db.session.scalar(sa.select(Pilot).where(Pilot.id == pilot_id).options(*PILOT_EAGER))


def load_many(ids: Collection[int]) -> dict[int, Pilot]:
    if not ids:
        return {}
    query = sa.select(Pilot).where(Pilot.id.in_(ids)).options(*PILOT_EAGER)
    return {p.id: p for p in db.session.scalars(query)}


def _text(value: Any, field: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if (required and not text) or len(text) > limit:
        message = (
            _l("This field is required.")
            if not text
            else lazy_ngettext(
                "Use at most %(num)d character.", "Use at most %(num)d characters.", limit
            )
        )
        raise Invalid(message, {field: message})
    return text


def _number(value: Any, field: str, required: bool = True) -> float | None:
    if value in (None, "") and not required:
        return None
    try:
        number = float(str(value).replace(",", ".").strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > 1e12:
        message = _l("Enter a number, such as 12 or 3.5.")
        raise Invalid(message, {field: message})
    return number


def _date(value: Any, field: str, required: bool = True) -> date | None:
    if value in (None, "") and not required:
        return None
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            parsed = None
    if parsed is None or not date(2000, 1, 1) <= parsed <= date.today() + timedelta(days=3650):
        message = _l("Enter a real date (year-month-day) between 2000 and ten years from now.")
        raise Invalid(message, {field: message})
    return parsed


def _changed(user: Any, pilot: Pilot, what: str, **params: Any) -> None:
    """Tells the team and followers (in the transaction), commits, then publishes the change."""
    pilot.updated_at = utcnow()
    events.send(events.pilot_changing, pilot, actor=user, what=what)  # notifications
    events.commit()
    events.pilot_updated.send(pilot, what=what, params=params)


def _added[T](user: Any, pilot: Pilot, row: T, what: str) -> T:
    """A new part of the pilot's record (a milestone, an update, an indicator), flushed so it
    has an id, and the change told (:func:`_changed`)."""
    db.session.add(row)
    db.session.flush()
    _changed(user, pilot, what)
    return row


def change_status(
    user: Any, pilot: Pilot, to: Any, *, reason: Any = "", lessons: dict | None = None
) -> None:
    try:
        target = PilotStatus(to)
    except ValueError:
        raise Invalid(_l("Choose a status."), {"status": _l("Choose a status.")}) from None
    require(policy.can_change_pilot_status(user, pilot, target.value))
    if target == PilotStatus.halted:
        pilot.halted_reason = _text(reason, "reason", limit=2000)
    if target == PilotStatus.completed:
        lessons = lessons or {}
        for name in LESSONS:
            setattr(pilot, name, _text(lessons.get(name), name))
        pilot.completed_at = utcnow()
    previous = pilot.status
    pilot.status = target
    events.send(events.pilot_status_changing, pilot, actor=user, previous=previous)  # audit
    _changed(user, pilot, "status", status=target.value)


def add_milestone(user: Any, pilot: Pilot, title: Any, due: Any) -> Milestone:
    require(policy.can_manage_pilot(user, pilot))
    milestone = Milestone(
        pilot_id=pilot.id,
        title=_text(title, "title", limit=200),
        due_date=_date(due, "due_date", required=False),
    )
    return _added(user, pilot, milestone, "milestone")


def complete_milestone(
    user: Any,
    pilot: Pilot,
    milestone: Milestone,
    done_on: Any,
    evidence: Any,
    file: FileStorage | None,
) -> None:
    require(policy.can_manage_pilot(user, pilot))
    if milestone.pilot_id != pilot.id:
        raise Invalid(_l("This milestone belongs to another pilot."), status=404)
    if milestone.done_on is not None:
        raise Conflict(_l("This milestone is already done."))
    milestone.done_on = _date(done_on, "done_on")
    milestone.evidence = _text(evidence, "evidence", required=file is None)
    if file is not None and file.filename:
        milestone.evidence_attachment = uploads.store_upload(file, user.id, field="evidence_file")
    _changed(user, pilot, "milestone")


def post_update(user: Any, pilot: Pilot, body: Any, files: list[FileStorage]) -> PilotUpdate:
    require(policy.can_manage_pilot(user, pilot))
    if len(files) > 5:
        raise Invalid(
            _l("At most 5 images per update."), {"images": _l("At most 5 images per update.")}
        )
    update = PilotUpdate(pilot_id=pilot.id, author_id=user.id, body=_text(body, "body"))
    update.images = [uploads.store_upload(f, user.id, field="images") for f in files]
    return _added(user, pilot, update, "update")


def add_indicator(
    user: Any, pilot: Pilot, name: Any, unit: Any, baseline: Any, target: Any
) -> Indicator:
    require(policy.can_manage_pilot(user, pilot))
    indicator = Indicator(
        pilot_id=pilot.id,
        name=_text(name, "name", limit=160),
        unit=_text(unit, "unit", limit=40),
        baseline=_number(baseline, "baseline", required=False),
        target=_number(target, "target", required=False),
    )
    return _added(user, pilot, indicator, "indicator")


def record_value(
    user: Any, pilot: Pilot, indicator: Indicator, measured_on: Any, value: Any
) -> None:
    require(policy.can_manage_pilot(user, pilot))
    if indicator.pilot_id != pilot.id:
        raise Invalid(_l("This indicator belongs to another pilot."), status=404)
    db.session.add(
        IndicatorValue(
            indicator_id=indicator.id,
            measured_on=_date(measured_on, "measured_on"),
            value=_number(value, "value"),
            recorded_by_id=user.id,
        )
    )
    _changed(user, pilot, "indicator")


# What a replica takes from its origin; its city, team and status are its own.
_KEPT_BY_REPLICAS = ("idea_id", "challenge_id", "language")


def replicate(user: Any, origin: Pilot) -> Pilot:
    """A new pilot in the representative's city, starting from the origin's plan."""
    require(policy.can_replicate_pilot(user, origin))
    if db.session.scalar(
        sa.select(Pilot.id).where(Pilot.idea_id == origin.idea_id, Pilot.city_id == user.city_id)
    ):
        raise Conflict(_l("This idea already has a pilot in your city."))
    kept = {name: getattr(origin, name) for name in _KEPT_BY_REPLICAS}
    copy = Pilot(**kept, city_id=user.city_id, origin_id=origin.id, created_by_id=user.id)
    copy.milestones = [Milestone(title=m.title) for m in origin.milestones]
    copy.indicators = [
        Indicator(name=i.name, unit=i.unit, baseline=i.baseline, target=i.target)
        for i in origin.indicators
    ]
    db.session.add(copy)
    db.session.flush()
    # audit, the representative's follow, the origin's team and followers told
    events.send(events.pilot_replicated, copy, actor=user, origin=origin)
    events.commit()
    events.pilot_updated.send(origin, what="replication")
    return copy


def replicas(pilot_id: int) -> list[Pilot]:
    """Where the pilot is being tried again, oldest first (with each city, for its name)."""
    copies = sa.select(Pilot).where(Pilot.origin_id == pilot_id).order_by(Pilot.created_at)
    return list(db.session.scalars(copies.options(selectinload(Pilot.city))))


def updates_of(pilot_id: int) -> list[PilotUpdate]:
    return list(
        db.session.scalars(
            sa.select(PilotUpdate)
            .where(PilotUpdate.pilot_id == pilot_id)
            .options(selectinload(PilotUpdate.author), selectinload(PilotUpdate.images))
            .order_by(PilotUpdate.created_at.desc())
            .limit(50)
        )
    )
