"""What the audit log writes when something happens: one receiver per domain event.

Connected by :func:`connect_all` (the factory, in the order of livinglab.domains). The receivers run before the action's commit
(livinglab.events), so an entry is written in the same transaction as the change it records.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.audit.services import record
from livinglab.challenges.models import Phase

_PHASE_ACTIONS = {Phase.open: "challenge.published", Phase.declined: "challenge.declined"}


def _challenge_proposed(challenge: Any, *, actor: Any) -> None:
    record(actor, "challenge.proposed", challenge, city_id=challenge.lead_city_id)


def _challenge_edited(challenge: Any, *, actor: Any) -> None:
    # Drafts change freely; only what the public has seen leaves a trace.
    if challenge.is_published:
        record(actor, "challenge.edited", challenge, city_id=challenge.lead_city_id)


def _challenge_phase_changing(challenge: Any, *, actor: Any, previous: Any, reason: str) -> None:
    record(
        actor,
        _PHASE_ACTIONS.get(challenge.phase, "challenge.phase_changed"),
        challenge,
        city_id=challenge.lead_city_id,
        previous=previous.value,
        phase=challenge.phase.value,
        reason=reason,
    )


def _content_auto_hidden(obj: Any, *, content: Any, flags: int, city_id: int | None) -> None:
    record(None, "moderation.auto_hidden", obj, city_id=city_id, flags=flags)


def _content_decided(
    obj: Any, *, content: Any, actor: Any, hide: bool, reason: str, city_id: int | None
) -> None:
    action = "moderation.hidden" if hide else "moderation.restored"
    record(actor, action, obj, city_id=city_id, reason=reason)


def _role_requested(req: Any, *, actor: Any) -> None:
    record(actor, "role.requested", req, city_id=actor.city_id, role=req.role.value)


def _role_request_decided(req: Any, *, actor: Any, member: Any, grant: bool, reason: str) -> None:
    record(
        actor,
        "role.granted" if grant else "role.refused",
        req,
        city_id=member.city_id,
        member_id=member.id,
        role=req.role.value,
        reason=reason,
    )


def _role_changing(target: Any, *, actor: Any, previous: Any, reason: str, via: str) -> None:
    # From the command line there is no actor and no reason, only the channel it came by.
    extra = {"via": via} if via else {"reason": reason}
    record(
        actor,
        "role.changed",
        target,
        city_id=target.city_id,
        previous=previous.value,
        role=target.role.value,
        **extra,
    )


def _member_suspended(target: Any, *, actor: Any, reason: str) -> None:
    record(actor, "member.suspended", target, city_id=target.city_id, reason=reason)


def _member_reactivated(target: Any, *, actor: Any, reason: str) -> None:
    record(actor, "member.reactivated", target, city_id=target.city_id, reason=reason)


def _member_deleted(user: Any, *, votes_removed: int) -> None:
    record(user, "member.deleted", user, city_id=user.city_id, votes_removed=votes_removed)


def _idea_withdrawing(idea: Any, *, actor: Any, previous: Any) -> None:
    record(actor, "idea.withdrawn", idea, city_id=idea.challenge.lead_city_id)


def _idea_decided(idea: Any, *, actor: Any, city: Any, pilot: Any, reason: str) -> None:
    action = "decision.approved" if pilot else "decision.rejected"
    record(
        actor, action, idea, city_id=city.id, reason=reason, pilot_id=pilot.id if pilot else None
    )


def _pilot_status_changing(pilot: Any, *, actor: Any, previous: Any) -> None:
    record(
        actor,
        "pilot.status",
        pilot,
        city_id=pilot.city_id,
        previous=previous.value,
        status=pilot.status.value,
    )


def _pilot_replicated(copy: Any, *, actor: Any, origin: Any) -> None:
    record(
        actor,
        "pilot.replicated",
        copy,
        city_id=copy.city_id,
        origin_id=origin.id,
        origin_city_id=origin.city_id,
    )


def _partner_updated(city: Any, *, actor: Any, changes: dict[str, Any]) -> None:
    record(actor, "partner.updated", city, city_id=city.id, changes=changes)


def _partner_added(city: Any, *, actor: Any) -> None:
    record(actor, "partner.added", city, city_id=city.id, slug=city.slug, name=city.name)


RECEIVERS = (
    (events.challenge_proposed, _challenge_proposed),
    (events.challenge_edited, _challenge_edited),
    (events.challenge_phase_changing, _challenge_phase_changing),
    (events.content_auto_hidden, _content_auto_hidden),
    (events.content_decided, _content_decided),
    (events.role_requested, _role_requested),
    (events.role_request_decided, _role_request_decided),
    (events.role_changing, _role_changing),
    (events.member_suspended, _member_suspended),
    (events.member_reactivated, _member_reactivated),
    (events.member_deleted, _member_deleted),
    (events.idea_withdrawing, _idea_withdrawing),
    (events.idea_decided, _idea_decided),
    (events.pilot_status_changing, _pilot_status_changing),
    (events.pilot_replicated, _pilot_replicated),
    (events.partner_updated, _partner_updated),
    (events.partner_added, _partner_added),
)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
