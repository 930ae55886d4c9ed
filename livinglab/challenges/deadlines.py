"""When a challenge's phases end: each deadline is a day, and the phase closes when that day
ends in the platform's time zone (BABEL_DEFAULT_TIMEZONE).

A passed deadline acts at once: the policy refuses what the phase allowed (a vote after the
voting deadline) even before the scheduler's job (``close_passed_phases`` in the services)
has moved the challenge on. Pages read the countdown of the current phase from here.

Plain dates and attributes only: the policy asks here, and its tests pass stand-in objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from livinglab.challenges.models import Phase
from livinglab.database import utcnow

# The phases a deadline ends, the column holding it, and where the challenge goes next.
DEADLINE_COLUMNS: dict[Phase, str] = {
    Phase.open: "ideas_deadline",
    Phase.voting: "voting_deadline",
    Phase.selection: "selection_deadline",
}
NEXT_PHASE: dict[Phase, Phase] = {
    Phase.open: Phase.voting,
    Phase.voting: Phase.selection,
    Phase.selection: Phase.closed,
}
PLATFORM_ZONE = "Europe/Brussels"  # without an app (a bare import): the configured default


def now() -> datetime:
    """The clock every deadline rule reads (tests move it)."""
    return utcnow()


def zone() -> ZoneInfo:
    if has_app_context():
        return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or PLATFORM_ZONE)
    return ZoneInfo(PLATFORM_ZONE)


def today(moment: datetime | None = None) -> date:
    """The day it is on the platform's calendar."""
    return (moment or now()).astimezone(zone()).date()


def closes_at(deadline: date) -> datetime:
    """The first moment after the deadline day (midnight that ends it), as an aware time."""
    return datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=zone())


def deadline_of(challenge: Any, phase: Phase | None = None) -> date | None:
    """The deadline of ``phase`` (the challenge's current one by default), if one is set."""
    column = DEADLINE_COLUMNS.get(phase or challenge.phase)
    return getattr(challenge, column, None) if column else None


def passed_deadline(challenge: Any, moment: datetime | None = None) -> date | None:
    """The current phase's deadline once it has passed (the phase is over), else None."""
    deadline = deadline_of(challenge)
    if deadline is not None and (moment or now()) >= closes_at(deadline):
        return deadline
    return None


@dataclass(frozen=True)
class Countdown:
    """The current phase's deadline as a reader sees it: days left, today, or closed."""

    phase: Phase
    deadline: date
    days_left: int  # whole days after today until the deadline day; negative once it passed

    @property
    def closed(self) -> bool:
        return self.days_left < 0

    @property
    def closes_today(self) -> bool:
        return self.days_left == 0


def countdown(challenge: Any, moment: datetime | None = None) -> Countdown | None:
    deadline = deadline_of(challenge)
    if deadline is None:
        return None
    return Countdown(challenge.phase, deadline, (deadline - today(moment)).days)
