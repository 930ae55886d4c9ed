"""Who starts following what, when something happens: one receiver per domain event.

Connected by :func:`connect_all` (setup.py); the receivers run before the action's commit
(livinglab.events), so a follow commits with the action that caused it.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.follows.services import add_follow


def _challenge_proposed(challenge: Any, *, actor: Any) -> None:
    """A proposer hears what becomes of their proposal."""
    add_follow(actor.id, "challenge", challenge.id)


RECEIVERS = ((events.challenge_proposed, _challenge_proposed),)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
