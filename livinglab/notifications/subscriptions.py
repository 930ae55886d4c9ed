"""Whom to tell when something happens: one receiver per domain event.

Connected by :func:`connect_all` (setup.py). The receivers run before the action's commit
(livinglab.events), so the notification rows commit with the action; the unread counts are
pushed to the members' open pages only after the commit (``events.on_commit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from livinglab import events
from livinglab.challenges.models import Phase
from livinglab.follows.services import follower_ids
from livinglab.notifications.services import notify, push_unread_counts


def _push_after_commit(user_ids: Iterable[int]) -> None:
    told = sorted(set(user_ids))
    if told:
        events.on_commit(lambda: push_unread_counts(told))


def _challenge_phase_changing(challenge: Any, *, actor: Any, previous: Any, reason: str) -> None:
    """Followers and the proposer, but not whoever changed it."""
    recipients = follower_ids("challenge", challenge.id) | (
        {challenge.proposer_id} if challenge.proposer_id else set()
    )
    recipients.discard(actor.id)
    link = f"/challenges/{challenge.id}"
    for user_id in recipients:
        if challenge.phase == Phase.declined:
            notify(user_id, "challenge_declined", link=link, title=challenge.title, reason=reason)
        else:
            notify(
                user_id,
                "challenge_phase",
                link=link,
                title=challenge.title,
                phase=challenge.phase.value,
            )
    _push_after_commit(recipients)


def _content_auto_hidden(obj: Any, *, content: Any, flags: int, city_id: int | None) -> None:
    if content.author_id:
        notify(content.author_id, "moderation_flagged", link=content.link, title=content.title)
        _push_after_commit([content.author_id])


def _content_decided(
    obj: Any, *, content: Any, actor: Any, hide: bool, reason: str, city_id: int | None
) -> None:
    """The author is always told why, whichever way the moderator decided."""
    if content.author_id:
        kind = "moderation_hidden" if hide else "moderation_restored"
        notify(content.author_id, kind, link=content.link, title=content.title, reason=reason)
        _push_after_commit([content.author_id])


RECEIVERS = (
    (events.challenge_phase_changing, _challenge_phase_changing),
    (events.content_auto_hidden, _content_auto_hidden),
    (events.content_decided, _content_decided),
)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
