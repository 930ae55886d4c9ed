"""Domain events of email, in a namespace of their own (livinglab.events stays untouched).

Both are before-commit events, sent with ``events.send`` inside the action's transaction: the
receivers (livinglab.mail.subscriptions) queue email rows that commit, or roll back, with it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the kind (str) of the notifications just written by notifications.services;
# user_ids: the members told (sorted list); link: str or None; group: str or None;
# params: the notification's params; counts: {user_id: the count of their grouped entry}.
notification_created = _signals.signal("notification-created")

# sender: the new User (flushed, has an id), right before registration commits.
member_registering = _signals.signal("member-registering")
