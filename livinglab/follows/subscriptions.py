"""Who starts following what, when something happens: one receiver per domain event.

Connected by :func:`connect_all` (the factory, in the order of livinglab.domains); the receivers run before the action's commit
(livinglab.events), so a follow commits with the action that caused it.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.core.receivers import Receivers
from livinglab.follows.services import add_follow

receivers = Receivers()
connect_all = receivers.connect_all


@receivers.on(events.challenge_proposed)
def _challenge_proposed(challenge: Any, *, actor: Any) -> None:
    """A proposer hears what becomes of their proposal."""
    add_follow(actor.id, "challenge", challenge.id)


@receivers.on(events.idea_submitting)
def _idea_submitting(idea: Any, *, actor: Any) -> None:
    add_follow(actor.id, "idea", idea.id)


@receivers.on(events.coauthor_answered)
def _coauthor_answered(idea: Any, *, member: Any, accept: bool) -> None:
    """A co-author who joins the team follows the idea like its lead author."""
    if accept:
        add_follow(member.id, "idea", idea.id)


@receivers.on(events.idea_decided)
def _idea_decided(idea: Any, *, actor: Any, city: Any, pilot: Any, reason: str) -> None:
    """The idea's team follows the pilot its approval created."""
    if pilot:
        for member_id in idea.author_ids:
            add_follow(member_id, "pilot", pilot.id)


@receivers.on(events.pilot_replicated)
def _pilot_replicated(copy: Any, *, actor: Any, origin: Any) -> None:
    add_follow(actor.id, "pilot", copy.id)
