"""Running a pilot: status, milestones, updates, indicators, lessons, replication."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any, cast

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
from livinglab.pilots import signals
from livinglab.pilots.inputs import day, number, refuse, text
from livinglab.pilots.models import (
    Indicator,
    IndicatorValue,
    Milestone,
    Pilot,
    PilotStatus,
    PilotUpdate,
)
from livinglab.uploads import services as uploads

# What was learned, required to complete: one name per lesson in the forms, the API's
# ``lessons`` object, its errors and its document (the column is ``lessons_<name>``).
LESSONS = ("worked", "failed", "costs", "circular_value")
REASON_MAX = 2000


# What a pilot's page, its discussion and the policy read: loaded up front, never lazily.
PILOT_EAGER = (
    selectinload(Pilot.idea).selectinload(Idea.coauthors),
    selectinload(Pilot.idea).selectinload(Idea.author),
    selectinload(Pilot.challenge).selectinload(Challenge.theme_rows),
    selectinload(Pilot.city),
    selectinload(Pilot.origin).selectinload(Pilot.city),
    selectinload(Pilot.milestones).selectinload(Milestone.evidence_attachment),
    selectinload(Pilot.indicators)
    .selectinload(Indicator.values)
    .selectinload(IndicatorValue.recorded_by),
)


def load(pilot_id: int) -> Pilot | None:
    return db.session.scalar(sa.select(Pilot).where(Pilot.id == pilot_id).options(*PILOT_EAGER))


def load_many(ids: Collection[int]) -> dict[int, Pilot]:
    if not ids:
        return {}
    query = sa.select(Pilot).where(Pilot.id.in_(ids)).options(*PILOT_EAGER)
    return {p.id: p for p in db.session.scalars(query)}


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
    """Moves the pilot on. Halting needs a reason and remembers where to resume; completing
    needs the four lessons, and a reason if any milestone is still open."""
    try:
        target = PilotStatus(to)
    except ValueError:
        raise refuse("status", _l("Choose a status.")) from None
    require(policy.can_change_pilot_status(user, pilot, target.value))
    previous = pilot.status
    said = text(reason, "reason", required=False, limit=REASON_MAX)
    if target == PilotStatus.halted:
        if not said:
            raise refuse("reason", _l("Say why the pilot is halted; the reason is public."))
        pilot.halted_reason, pilot.halted_from = said, previous
    elif previous == PilotStatus.halted:  # resumed
        pilot.halted_reason = pilot.halted_from = None
    if target == PilotStatus.completed:
        _complete(pilot, said, lessons or {})
    pilot.status = target
    # audit
    events.send(events.pilot_status_changing, pilot, actor=user, previous=previous, reason=said)
    _changed(user, pilot, "status", status=target.value)


def _complete(pilot: Pilot, reason: str, lessons: dict) -> None:
    """The lessons, and why open milestones do not matter; every missing part is marked."""
    learned: dict[str, str] = {}
    missing: dict[str, Any] = {}
    for name in LESSONS:
        try:
            learned[name] = text(lessons.get(name), name)
        except Invalid as error:
            missing.update(error.fields)
    still_open = len(pilot.open_milestones)
    if still_open and not reason:
        missing["reason"] = lazy_ngettext(
            "%(num)d milestone is still open: mark it done, or say why the pilot is complete "
            "without it.",
            "%(num)d milestones are still open: mark them done, or say why the pilot is "
            "complete without them.",
            still_open,
        )
    if missing:
        raise Invalid(_l("Please correct the marked fields."), missing)
    for name, lesson in learned.items():
        setattr(pilot, f"lessons_{name}", lesson)
    pilot.completion_reason = reason if still_open else None
    pilot.completed_at = utcnow()


def add_milestone(user: Any, pilot: Pilot, title: Any, due: Any) -> Milestone:
    require(policy.can_manage_pilot(user, pilot))
    milestone = Milestone(
        pilot_id=pilot.id,
        title=text(title, "title", limit=200),
        due_date=day(due, "due_date", required=False),
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
    milestone.done_on = day(done_on, "done_on", past=True)
    milestone.evidence = text(evidence, "evidence", required=file is None)
    if file is not None and file.filename:
        milestone.evidence_attachment = uploads.store_upload(file, user.id, field="evidence_file")
    _changed(user, pilot, "milestone")


def post_update(user: Any, pilot: Pilot, body: Any, files: list[FileStorage]) -> PilotUpdate:
    require(policy.can_manage_pilot(user, pilot))
    if len(files) > 5:
        raise Invalid(
            _l("At most 5 images per update."), {"images": _l("At most 5 images per update.")}
        )
    update = PilotUpdate(pilot_id=pilot.id, author_id=user.id, body=text(body, "body"))
    update.images = [uploads.store_upload(f, user.id, field="images") for f in files]
    return _added(user, pilot, update, "update")


def add_indicator(
    user: Any, pilot: Pilot, name: Any, unit: Any, baseline: Any, target: Any
) -> Indicator:
    require(policy.can_record_measurement(user, pilot))
    indicator = Indicator(
        pilot_id=pilot.id,
        name=text(name, "name", limit=160),
        unit=text(unit, "unit", limit=40),
        baseline=number(baseline, "baseline", required=False),
        target=number(target, "target", required=False),
    )
    return _added(user, pilot, indicator, "indicator")


def record_value(
    user: Any, pilot: Pilot, indicator: Indicator, measured_on: Any, value: Any
) -> IndicatorValue:
    """A measurement on the day it was taken (today at the latest), in the reader's number
    format."""
    require(policy.can_record_measurement(user, pilot))
    if indicator.pilot_id != pilot.id:
        raise Invalid(_l("This indicator belongs to another pilot."), status=404)
    row = IndicatorValue(
        indicator_id=indicator.id,
        measured_on=day(measured_on, "measured_on", past=True),
        value=number(value, "value"),
        recorded_by_id=user.id,
    )
    return _added(user, pilot, row, "indicator")


def _value_of(pilot: Pilot, value_id: int) -> tuple[Indicator, IndicatorValue]:
    for indicator in pilot.indicators:
        for row in indicator.values:
            if row.id == value_id:
                return indicator, row
    raise Invalid(_l("This measurement belongs to another pilot."), status=404)


def _plain(value: Any) -> str:
    """A measurement as the audit log keeps it: the same in every language, no ".0"."""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value)


def correct_value(user: Any, pilot: Pilot, value_id: int, measured_on: Any, value: Any) -> None:
    """A measurement corrected by the pilot team; the audit log keeps old and new."""
    require(policy.can_record_measurement(user, pilot))
    indicator, row = _value_of(pilot, value_id)
    # required, so never None
    new_day = cast(date, day(measured_on, "measured_on", past=True))
    new_value = cast(float, number(value, "value"))
    pairs = {"measured_on": (row.measured_on, new_day), "value": (row.value, new_value)}
    changes = {
        field: [_plain(old), _plain(new)] for field, (old, new) in pairs.items() if old != new
    }
    if not changes:
        return  # nothing to record, nobody to tell
    row.measured_on, row.value = new_day, new_value
    # audit
    events.send(
        signals.measurement_changing, row, actor=user, pilot=pilot, indicator=indicator,
        changes=changes,
    )  # fmt: skip
    _changed(user, pilot, "indicator")


def delete_value(user: Any, pilot: Pilot, value_id: int) -> None:
    """A measurement taken back (entered twice, on the wrong indicator); the audit log keeps
    what it said."""
    require(policy.can_record_measurement(user, pilot))
    indicator, row = _value_of(pilot, value_id)
    changes = {
        "measured_on": [_plain(row.measured_on), None],
        "value": [_plain(row.value), None],
    }
    # audit
    events.send(
        signals.measurement_changing, row, actor=user, pilot=pilot, indicator=indicator,
        changes=changes,
    )  # fmt: skip
    indicator.values.remove(row)
    db.session.delete(row)
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
