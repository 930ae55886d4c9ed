"""Expert reviews: who reviews which idea, in which phase, and what a declared conflict of
interest stops.

DESIGN.md: experts who are not its authors review an idea, one review each, editable. The
expert's city plays no part in the rule: a Hildesheim expert reviews a Pavia idea (their queue
can be narrowed to their own city by choice, see livinglab.reviews.queries).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.policy.content import _is_author
from livinglab.policy.core import ALLOW, Verdict, _conflict, _forbidden, _only_roles

# Reviews are written from the day ideas come in until the host cities have decided.
REVIEW_PHASES = (Phase.open, Phase.voting, Phase.selection)


def can_view_review_queue(user: Any) -> Verdict:
    """The queue, the drafts and the themes an expert reviews: experts only."""
    return _only_roles(user, (Role.expert,), _forbidden(_l("Only experts review ideas.")))


def can_review(user: Any, idea: Any) -> Verdict:
    """Open the rubric, save a draft, declare or take back a conflict of interest."""
    if not (verdict := can_view_review_queue(user)):
        return verdict
    if _is_author(user, idea):
        return _forbidden(_l("You cannot review an idea you wrote."))
    if idea.challenge.phase not in REVIEW_PHASES:
        return _conflict(_l("Reviews are closed for this challenge."))
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    return ALLOW


def can_submit_review(user: Any, idea: Any, declared_conflict: bool = False) -> Verdict:
    """Publish (or update) the review. ``declared_conflict``: the expert's stored declaration
    of a conflict of interest with this idea, which the review service reads and passes."""
    if not (verdict := can_review(user, idea)):
        return verdict
    if declared_conflict:
        return _conflict(
            _l(
                "You declared a conflict of interest with this idea, so you do not review it. "
                "If that was a mistake, take the declaration back first."
            )
        )
    return ALLOW
