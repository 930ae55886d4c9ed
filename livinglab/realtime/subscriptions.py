"""What the live channel does when something happens: domain events become broadcasts.

Every receiver of a domain event (livinglab.events) is declared here with the event it answers
and connected by ``connect_all``, which setup.py calls while building the app. Receivers run
after the action's commit (the signals' contract), in the request or socket handler that caused
it.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.accounts.models import User
from livinglab.core.receivers import Receivers
from livinglab.discussion.serialize import serialize
from livinglab.extensions import db
from livinglab.realtime import broadcast

receivers = Receivers()
connect_all = receivers.connect_all


@receivers.on(events.comment_posted)
def _comment_posted(comment: Any, *, author: Any) -> None:
    broadcast.comment("comment.created", serialize(comment, author))


@receivers.on(events.comment_changed)
def _comment_changed(comment: Any, *, author: Any) -> None:
    broadcast.comment("comment.updated", serialize(comment, author))


@receivers.on(events.content_moderated)
def _content_moderated(obj: Any, *, kind: str, hidden: bool) -> None:
    """Comments change for every viewer at once; challenges and ideas on their next load."""
    if kind != "comment":
        return
    author = db.session.get(User, obj.author_id) if obj.author_id else None
    broadcast.comment("comment.hidden" if hidden else "comment.updated", serialize(obj, author))


@receivers.on(events.vote_changed)
def _vote_changed(idea: Any, *, votes: int) -> None:
    # A challenge that hides its counts until the vote closes tells nobody the new count.
    if not idea.challenge.hide_vote_counts:
        broadcast.vote_changed(idea.id, idea.challenge_id, votes)


@receivers.on(events.idea_status_changed)
def _idea_status_changed(idea: Any, *, previous: Any) -> None:
    broadcast.idea_status(idea.id, idea.challenge_id, idea.status.value)


@receivers.on(events.pilot_updated)
def _pilot_updated(pilot: Any, *, what: str, params: dict[str, Any] | None = None) -> None:
    broadcast.pilot_updated(pilot.id, what, **(params or {}))
