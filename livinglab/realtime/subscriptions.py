"""What the live channel does when something happens: domain events become broadcasts.

Every receiver of a domain event (livinglab.events) is connected here, by ``connect_all``,
which setup.py calls while building the app. Receivers run after the action's commit
(the signals' contract), in the request or socket handler that caused it.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.accounts.models import User
from livinglab.discussion.serialize import serialize
from livinglab.extensions import db
from livinglab.realtime import broadcast


def _comment_posted(comment: Any, *, author: Any) -> None:
    broadcast.comment("comment.created", serialize(comment, author))


def _comment_changed(comment: Any, *, author: Any) -> None:
    broadcast.comment("comment.updated", serialize(comment, author))


def _content_moderated(obj: Any, *, kind: str, hidden: bool) -> None:
    """Comments change for every viewer at once; challenges and ideas on their next load."""
    if kind != "comment":
        return
    author = db.session.get(User, obj.author_id) if obj.author_id else None
    broadcast.comment("comment.hidden" if hidden else "comment.updated", serialize(obj, author))


def _vote_changed(idea: Any, *, votes: int) -> None:
    # A challenge that hides its counts until the vote closes tells nobody the new count.
    if not idea.challenge.hide_vote_counts:
        broadcast.vote_changed(idea.id, idea.challenge_id, votes)


def _idea_status_changed(idea: Any, *, previous: Any) -> None:
    broadcast.idea_status(idea.id, idea.challenge_id, idea.status.value)


def _pilot_updated(pilot: Any, *, what: str, params: dict[str, Any] | None = None) -> None:
    broadcast.pilot_updated(pilot.id, what, **(params or {}))


RECEIVERS = (
    (events.comment_posted, _comment_posted),
    (events.comment_changed, _comment_changed),
    (events.content_moderated, _content_moderated),
    (events.vote_changed, _vote_changed),
    (events.idea_status_changed, _idea_status_changed),
    (events.pilot_updated, _pilot_updated),
)


def connect_all() -> None:
    """Connects the broadcasts; idempotent (blinker keeps one connection per receiver), so
    building several apps in one process (the tests) broadcasts each event once."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
