"""Pilots (managing and replicating them) and the files shown on content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

# The package itself, for the ``can_view_<kind>`` rule of whatever content shows a file (it is
# only read when a file is asked for, once every rule module has been imported).
import livinglab.policy as rules
from livinglab.accounts.models import Role
from livinglab.policy.core import (
    ALLOW,
    Verdict,
    _conflict,
    _forbidden,
    _oversees,
    members_only,
)

PILOT_FLOW: dict[str, tuple[str, ...]] = {
    "planned": ("running", "halted"),
    "running": ("evaluating", "halted"),
    "evaluating": ("completed", "halted"),
    "completed": (),
    "halted": (),  # resumed to the status it was halted from (pilot_moves)
}
REPLICABLE_PILOT_STATUSES = ("running", "evaluating", "completed")
# A pilot halted before it remembered its status resumes from the start.
RESUMED_BY_DEFAULT = "planned"


def pilot_moves(pilot: Any) -> tuple[str, ...]:
    """The statuses this pilot may take next: the lifecycle's next steps, or for a halted
    pilot the status it was halted from."""
    if pilot.status == "halted":
        return (str(pilot.halted_from or RESUMED_BY_DEFAULT),)
    return PILOT_FLOW[pilot.status]


def can_view_pilot(user: Any, pilot: Any) -> Verdict:
    """Pilots are public: one exists only for an idea a host city approved in public."""
    return ALLOW


@members_only
def can_manage_pilot(user: Any, pilot: Any) -> Verdict:
    if _oversees(user, {pilot.city_id}) or user.id in set(pilot.team_ids):
        return ALLOW
    return _forbidden(
        _l("Only the pilot team, its city's representatives and administrators manage a pilot.")
    )


def can_change_pilot_status(user: Any, pilot: Any, to_status: str) -> Verdict:
    if not (verdict := can_manage_pilot(user, pilot)):
        return verdict
    if to_status not in pilot_moves(pilot):
        return _conflict(
            _l(
                "A pilot that is “%(current)s” cannot become “%(target)s”.",
                current=pilot.status,
                target=to_status,
            )
        )
    return ALLOW


def can_record_measurement(user: Any, pilot: Any) -> Verdict:
    """Recording, correcting or deleting an indicator's measurement: the pilot's managers,
    until the pilot is completed (its record is then the published good practice)."""
    if not (verdict := can_manage_pilot(user, pilot)):
        return verdict
    if pilot.status == "completed":
        return _conflict(_l("The pilot is completed: its measurements no longer change."))
    return ALLOW


@members_only
def can_replicate_pilot(user: Any, pilot: Any) -> Verdict:
    if user.role != Role.city_rep:
        return _forbidden(_l("Only a city representative replicates a pilot in their city."))
    if user.city_id == pilot.city_id:
        return _forbidden(_l("A pilot is replicated in another partner city, not its own."))
    if pilot.status not in REPLICABLE_PILOT_STATUSES:
        return _conflict(_l("A pilot can be replicated once it is running."))
    return ALLOW


# --- Files --------------------------------------------------------------------------------


def view_rule(content: Any) -> Callable[[Any, Any], Verdict]:
    """The rule that says who may read this content: ``can_view_<its table>``, as every kind's
    reading rule is named, so a new kind of content that shows files needs no entry here. A
    kind without one is a bug that must break loudly, never a file shown to everyone."""
    name = f"can_view_{content.__tablename__}"
    rule: Callable[[Any, Any], Verdict] | None = getattr(rules, name, None)
    if rule is None:
        raise LookupError(f"livinglab.policy has no {name} for the files {content!r} shows")
    return rule


def can_view_upload(user: Any, shown_on: Any) -> Verdict:
    """A stored file (and its thumbnail) is as visible as the content that shows it: whoever may
    see at least one of ``shown_on`` (challenges, ideas, pilots, case studies) may fetch it. A
    file shown nowhere any more is fetched by nobody. Refusals are 404, like hidden content."""
    for content in shown_on:
        if view_rule(content)(user, content):
            return ALLOW
    return Verdict(False, 404, _l("This page does not exist, or it is not public."))
