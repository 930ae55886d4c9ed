"""Domain events: what happened, published by the services; every side effect subscribes.

The transaction rule, in one sentence: **a service call is one transaction — it checks the
policy, writes, sends its before-commit events (whose receivers write audit rows,
notifications and follows into the same session), commits with :func:`commit`, and only then
runs what receivers deferred (:func:`on_commit`) and sends its after-commit events.**

So a failing receiver rolls the whole action back (nothing half-written), and nothing is
announced (broadcasts, unread counts) that could still roll back.

The ground floor: this module imports nothing from the domains, so every domain may publish
and any part may subscribe without the publisher knowing. Receivers are connected in one
place each (livinglab.audit/notifications/follows/realtime ``subscriptions``), all wired by
the factory from livinglab.domains, so what follows an action can be read in a few short
files. A new domain may declare its own signals beside its services with :func:`signal` and
connect its own receivers from its ``subscriptions`` module (listed in livinglab.domains):
this module then stays as it is.

Each signal is sent with the changed object as the sender; the keyword arguments are listed
next to it. Services send before-commit signals with :func:`send` (rolls back if a receiver
fails); after-commit signals are sent with ``signal.send`` once :func:`commit` returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from blinker import Namespace, Signal
from sqlalchemy import event
from sqlalchemy.orm import Session

from livinglab.extensions import db

_signals = Namespace()
_AFTER_COMMIT = "livinglab.after_commit"


def signal(name: str) -> Signal:
    """A domain event of the platform's one namespace (names are unique across domains)."""
    return _signals.signal(name)


def send(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Sends a before-commit event; if a receiver fails, the whole action is rolled back."""
    try:
        signal.send(sender, **kwargs)
    except BaseException:
        db.session.rollback()
        raise


def on_commit(callback: Callable[[], Any]) -> None:
    """Runs ``callback`` once the current transaction is committed by :func:`commit` (never
    if it rolls back): how a before-commit receiver announces what it wrote."""
    session = db.session()  # the scoped session's current Session
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of nothing written, drops the callback
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def commit() -> None:
    """Commits the service's transaction, then runs what its receivers deferred."""
    db.session.commit()
    for callback in db.session.info.pop(_AFTER_COMMIT, []):
        callback()


_WROTE = "livinglab.wrote"


def has_pending_writes() -> bool:
    """Whether the current transaction holds writes not yet committed (flushed or not): a
    service that starts its own transaction refuses to commit someone else's work."""
    session = db.session
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, flush_context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _forget_writes(session: Session) -> None:
    session.info.pop(_WROTE, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_deferred(session: Session, previous_transaction: Any) -> None:
    # A rolled-back action announces nothing: drop what its receivers deferred.
    if previous_transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
        session.info.pop(_WROTE, None)


# ---- Before commit: sent inside the action's transaction, with events.send. ----------------
# Receivers add rows to db.session and never commit.

# sender: the new Challenge (flushed, has an id); actor: the proposer.
challenge_proposed = _signals.signal("challenge-proposed")
# sender: the edited Challenge; actor: who edited it.
challenge_edited = _signals.signal("challenge-edited")
# sender: the Challenge, in its new phase; actor; previous: the Phase it had; reason: str.
challenge_phase_changing = _signals.signal("challenge-phase-changing")
# sender: the hidden object; content: its moderation.Content; flags: distinct reporters;
# city_id: the city whose log shows it.
content_auto_hidden = _signals.signal("content-auto-hidden")
# sender: the hidden or restored object; content: its moderation.Content; actor: the
# moderator; hide: bool; reason: str; city_id: the city whose log shows it.
content_decided = _signals.signal("content-decided")

# sender: the new RoleRequest (flushed); actor: the member asking.
role_requested = _signals.signal("role-requested")
# sender: the decided RoleRequest; actor: who decided; member: the asker; grant: bool; reason.
role_request_decided = _signals.signal("role-request-decided")
# sender: the User whose role changes; actor: who changed it (None from the command line);
# previous: the Role it had; reason: str; via: "cli" or "".
role_changing = _signals.signal("role-changing")
# sender: the suspended User; actor; reason: str.
member_suspended = _signals.signal("member-suspended")
# sender: the reactivated User; actor; reason: str.
member_reactivated = _signals.signal("member-reactivated")
# sender: the User whose account is deleted (its own actor); votes_removed: int.
member_deleted = _signals.signal("member-deleted")
# sender: the new Comment (flushed); author: a User; target: its discussion.targets.Target;
# parent: the Comment it answers or None; mentioned: ids of the members it @mentions.
comment_posting = _signals.signal("comment-posting")
# sender: the new Idea (flushed); actor: its lead author.
idea_submitting = _signals.signal("idea-submitting")
# sender: the Idea; inviter: a User; members: the Users newly invited as co-authors.
coauthors_invited = _signals.signal("coauthors-invited")
# sender: the Idea; member: the invited User; accept: bool.
coauthor_answered = _signals.signal("coauthor-answered")
# sender: the withdrawn Idea; actor; previous: the IdeaStatus it had.
idea_withdrawing = _signals.signal("idea-withdrawing")
# sender: the Idea; actor; city: the deciding City; pilot: the new Pilot (flushed) or None;
# reason: str.
idea_decided = _signals.signal("idea-decided")
# sender: the Pilot; actor; what: "status", "milestone", "update", "indicator"...
pilot_changing = _signals.signal("pilot-changing")
# sender: the Pilot, in its new status; actor; previous: the PilotStatus it had; reason: str
# (why it is halted, resumed, or completed with milestones open; "" if none was given).
pilot_status_changing = _signals.signal("pilot-status-changing")
# sender: the new Pilot (flushed); actor: the representative; origin: the Pilot it copies.
pilot_replicated = _signals.signal("pilot-replicated")
# sender: the new Review; actor: the expert; idea: the reviewed Idea.
review_created = _signals.signal("review-created")
# sender: the City; actor; changes: {field: [old, new]}.
partner_updated = _signals.signal("partner-updated")
# sender: the new City (flushed); actor.
partner_added = _signals.signal("partner-added")

# ---- After commit: sent once the action is committed, with signal.send. ---------------------
# A receiver never announces a write that could still roll back; it may use the session.

# sender: the Idea, freshly submitted.
idea_submitted = _signals.signal("idea-submitted")
# sender: the Idea; previous: the IdeaStatus it had (approve, reject, withdraw).
idea_status_changed = _signals.signal("idea-status-changed")
# sender: the Challenge; previous: the Phase it had.
challenge_phase_changed = _signals.signal("challenge-phase-changed")
# sender: the Comment; author: its author (a User).
comment_posted = _signals.signal("comment-posted")
# sender: the Comment, edited or deleted by its author; author: its author.
comment_changed = _signals.signal("comment-changed")
# sender: the hidden or restored object; kind: "comment", "idea", "challenge"...; hidden: bool.
content_moderated = _signals.signal("content-moderated")
# sender: the Idea; votes: its new count.
vote_changed = _signals.signal("vote-changed")
# sender: the Pilot; what: "status", "milestone", "update", "indicator", "replication";
# params: extra payload for the page (e.g. {"status": "running"}).
pilot_updated = _signals.signal("pilot-updated")
