"""What the audit log writes when something happens: one receiver per domain event.

Connected by :func:`connect_all` (the factory, in the order of livinglab.domains). The receivers run before the action's commit
(livinglab.events), so an entry is written in the same transaction as the change it records.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.audit.services import record
from livinglab.challenges.models import Phase
from livinglab.core.receivers import Receivers

receivers = Receivers()
connect_all = receivers.connect_all

_PHASE_ACTIONS = {Phase.open: "challenge.published", Phase.declined: "challenge.declined"}


def _record_move(
    actor: Any,
    action: str,
    obj: Any,
    city_id: int | None,
    *,
    state: str,
    previous: Any,
    **extra: Any,
) -> None:
    """An entry for something that moved from one state to another (a phase, a role, a
    status): the ``previous`` value and the new one, read from ``obj.<state>``."""
    now = getattr(obj, state).value
    record(actor, action, obj, city_id=city_id, previous=previous.value, **{state: now}, **extra)


@receivers.on(events.challenge_proposed)
def _challenge_proposed(challenge: Any, *, actor: Any) -> None:
    record(actor, "challenge.proposed", challenge, city_id=challenge.lead_city_id)


@receivers.on(events.challenge_edited)
def _challenge_edited(challenge: Any, *, actor: Any) -> None:
    # Drafts change freely; only what the public has seen leaves a trace.
    if challenge.is_published:
        record(actor, "challenge.edited", challenge, city_id=challenge.lead_city_id)


@receivers.on(events.challenge_phase_changing)
def _challenge_phase_changing(challenge: Any, *, actor: Any, previous: Any, reason: str) -> None:
    action = _PHASE_ACTIONS.get(challenge.phase, "challenge.phase_changed")
    city_id = challenge.lead_city_id
    _record_move(actor, action, challenge, city_id, state="phase", previous=previous, reason=reason)


@receivers.on(events.content_auto_hidden)
def _content_auto_hidden(obj: Any, *, content: Any, flags: int, city_id: int | None) -> None:
    record(None, "moderation.auto_hidden", obj, city_id=city_id, flags=flags)


@receivers.on(events.content_decided)
def _content_decided(
    obj: Any, *, content: Any, actor: Any, hide: bool, reason: str, city_id: int | None
) -> None:
    action = "moderation.hidden" if hide else "moderation.restored"
    record(actor, action, obj, city_id=city_id, reason=reason)


@receivers.on(events.role_requested)
def _role_requested(req: Any, *, actor: Any) -> None:
    record(actor, "role.requested", req, city_id=actor.city_id, role=req.role.value)


@receivers.on(events.role_request_decided)
def _role_request_decided(req: Any, *, actor: Any, member: Any, grant: bool, reason: str) -> None:
    action = "role.granted" if grant else "role.refused"
    details = {"member_id": member.id, "role": req.role.value, "reason": reason}
    record(actor, action, req, city_id=member.city_id, **details)


@receivers.on(events.role_changing)
def _role_changing(target: Any, *, actor: Any, previous: Any, reason: str, via: str) -> None:
    # From the command line there is no actor and no reason, only the channel it came by.
    extra = {"via": via} if via else {"reason": reason}
    city_id = target.city_id
    _record_move(actor, "role.changed", target, city_id, state="role", previous=previous, **extra)


@receivers.on(events.member_suspended)
def _member_suspended(target: Any, *, actor: Any, reason: str) -> None:
    record(actor, "member.suspended", target, city_id=target.city_id, reason=reason)


@receivers.on(events.member_reactivated)
def _member_reactivated(target: Any, *, actor: Any, reason: str) -> None:
    record(actor, "member.reactivated", target, city_id=target.city_id, reason=reason)


@receivers.on(events.member_deleted)
def _member_deleted(user: Any, *, votes_removed: int) -> None:
    record(user, "member.deleted", user, city_id=user.city_id, votes_removed=votes_removed)


@receivers.on(events.idea_withdrawing)
def _idea_withdrawing(idea: Any, *, actor: Any, previous: Any) -> None:
    record(actor, "idea.withdrawn", idea, city_id=idea.challenge.lead_city_id)


@receivers.on(events.idea_decided)
def _idea_decided(idea: Any, *, actor: Any, city: Any, pilot: Any, reason: str) -> None:
    action = "decision.approved" if pilot else "decision.rejected"
    record(
        actor, action, idea, city_id=city.id, reason=reason, pilot_id=pilot.id if pilot else None
    )


@receivers.on(events.pilot_status_changing)
def _pilot_status_changing(pilot: Any, *, actor: Any, previous: Any, reason: str = "") -> None:
    move = {"state": "status", "previous": previous, "reason": reason}
    _record_move(actor, "pilot.status", pilot, pilot.city_id, **move)


@receivers.on(events.pilot_replicated)
def _pilot_replicated(copy: Any, *, actor: Any, origin: Any) -> None:
    origin_ids = {"origin_id": origin.id, "origin_city_id": origin.city_id}
    record(actor, "pilot.replicated", copy, city_id=copy.city_id, **origin_ids)


@receivers.on(events.partner_updated)
def _partner_updated(city: Any, *, actor: Any, changes: dict[str, Any]) -> None:
    record(actor, "partner.updated", city, city_id=city.id, changes=changes)


@receivers.on(events.partner_added)
def _partner_added(city: Any, *, actor: Any) -> None:
    record(actor, "partner.added", city, city_id=city.id, slug=city.slug, name=city.name)
