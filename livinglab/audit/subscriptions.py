"""What the audit log writes when something happens: one receiver per domain event.

Connected by :func:`connect_all` (setup.py). The receivers run before the action's commit
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


RECEIVERS = (
    (events.challenge_proposed, _challenge_proposed),
    (events.challenge_edited, _challenge_edited),
    (events.challenge_phase_changing, _challenge_phase_changing),
    (events.content_auto_hidden, _content_auto_hidden),
    (events.content_decided, _content_decided),
)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
