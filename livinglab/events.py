"""Domain events: what happened, published by the services once it is committed.

The ground floor: this module imports nothing from the domains, so every domain may publish
and any part (broadcasts today; email, webhooks later) may subscribe without the publisher
knowing. Receivers are connected in one place (livinglab.realtime.subscriptions, wired by
setup.py), so what follows an action can be read in one file.

The contract of every signal here: it is sent AFTER ``db.session.commit()``, so a receiver
never announces a write that could still roll back, and a receiver may use the session (a
new transaction). Work that must be atomic with the action (audit rows, notification rows,
follows) stays in the service, inside the transaction.

Each signal is sent with the changed object as the sender; the keyword arguments are listed
next to it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

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
