"""Pilots (managing and replicating them) and the files shown on content."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import Role
from livinglab.policy.casestudies import can_view_case_study
from livinglab.policy.content import can_view_challenge, can_view_idea
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
    "halted": (),
}
REPLICABLE_PILOT_STATUSES = ("running", "evaluating", "completed")


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
    if to_status not in PILOT_FLOW[pilot.status]:
        return _conflict(
            _l(
                "A pilot that is “%(current)s” cannot become “%(target)s”.",
                current=pilot.status,
                target=to_status,
            )
        )
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

_VIEW_CHECKS = {
    "challenge": can_view_challenge,
    "idea": can_view_idea,
    "pilot": can_view_pilot,
    "case_study": can_view_case_study,
}


def can_view_upload(user: Any, shown_on: Any) -> Verdict:
    """A stored file (and its thumbnail) is as visible as the content that shows it: whoever may
    see at least one of ``shown_on`` (challenges, ideas, pilots) may fetch it. A file shown
    nowhere any more is fetched by nobody. Refusals are 404, like hidden content itself."""
    for content in shown_on:
        if _VIEW_CHECKS[content.__tablename__](user, content):
            return ALLOW
    return Verdict(False, 404, _l("This page does not exist, or it is not public."))
