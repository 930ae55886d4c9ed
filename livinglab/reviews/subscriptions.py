"""What reviews do when something happens elsewhere.

Connected by :func:`connect_all` (the factory, from livinglab.domains), before the action's
commit, so the erasure commits with the account's deletion.
"""

from __future__ import annotations

from typing import Any

from livinglab import events
from livinglab.core.receivers import Receivers
from livinglab.reviews.services import forget_expert

receivers = Receivers()
connect_all = receivers.connect_all


@receivers.on(events.member_deleted)
def _member_deleted(user: Any, **_kwargs: Any) -> None:
    """A deleted account's drafts, declarations and themes go; published reviews stay."""
    forget_expert(user.id)
