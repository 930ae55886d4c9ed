"""Discussion and moderation: commenting, changing one's comment, flagging, moderating."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.policy.core import (
    ALLOW,
    CityScope,
    Verdict,
    _admin_or_own_city,
    _conflict,
    _forbidden,
    _oversees,
    members_only,
)
from livinglab.policy.verification import verified_only


@members_only
@verified_only
def can_comment(user: Any, target: Any) -> Verdict:
    if not target.is_published:
        return _conflict(_l("Only published content can be discussed."))
    return ALLOW


@members_only
def can_change_comment(user: Any, comment: Any) -> Verdict:
    """Editing and deleting a comment: its author, while it is neither deleted nor hidden."""
    if comment.author_id != user.id:
        return _forbidden(_l("Only its author may change a comment."))
    if comment.deleted_at is not None or comment.hidden_at is not None:
        return _conflict(_l("This comment can no longer be changed."))
    return ALLOW


@members_only
@verified_only
def can_flag(user: Any, content: Any) -> Verdict:
    if content.author_id != user.id:
        return ALLOW
    return _forbidden(_l("You cannot flag your own contribution."))


@members_only
def can_moderate(user: Any, content: Any) -> Verdict:
    if content.author_id == user.id:
        return _forbidden(_l("Nobody moderates their own contribution."))
    if _oversees(user, content.moderation_city_ids):
        return ALLOW
    return _forbidden(_l("Only the host cities' representatives and administrators moderate here."))


def moderation_scope(user: Any) -> CityScope:
    """The host cities whose content a viewer moderates: every city for an admin, their own
    for a city representative. :func:`can_moderate` still refuses their own contributions."""
    return _admin_or_own_city(user)
