"""Challenges and ideas: who sees them, and who moves them through their lifecycle.

The functions read plain attributes: a challenge has ``phase``, ``lead_city_id``,
``host_city_ids``, ``proposer_id``; an idea has ``author_ids``, ``status`` and its
``challenge``; hidden content has ``hidden_at``, ``author_id`` and ``moderation_city_ids``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.challenges.models import PUBLISHED_PHASES, Phase
from livinglab.policy.core import (
    ALLOW,
    CityScope,
    Verdict,
    _admin_or_own_city,
    _conflict,
    _forbidden,
    _leads,
    _oversees,
    is_member,
    members_only,
)
from livinglab.policy.deadlines import ideas_open
from livinglab.policy.verification import verified_only

# The phase a challenge may move to from each phase (publishing is proposed -> open).
PHASE_FLOW: dict[Phase, tuple[Phase, ...]] = {
    Phase.proposed: (Phase.open, Phase.declined),
    Phase.open: (Phase.voting,),
    Phase.voting: (Phase.selection,),
    Phase.selection: (Phase.closed,),
    Phase.closed: (),
    Phase.declined: (),
}


def _moderates_or_wrote(user: Any, content: Any) -> bool:
    if not is_member(user):
        return False
    if getattr(content, "author_id", None) == user.id or user.id in set(
        getattr(content, "author_ids", ())
    ):
        return True
    return _oversees(user, content.moderation_city_ids)


# --- Challenges ---------------------------------------------------------------------------


def can_view_challenge(user: Any, challenge: Any) -> Verdict:
    """Published challenges are public; a proposal is seen by its proposer and its deciders;
    a hidden one by its author and its moderators."""
    hidden = getattr(challenge, "hidden_at", None) is not None
    if challenge.phase in PUBLISHED_PHASES and not hidden:
        return ALLOW
    if hidden and _moderates_or_wrote(user, challenge):
        return ALLOW
    if (
        not hidden
        and is_member(user)
        and (challenge.proposer_id == user.id or _leads(user, challenge))
    ):
        return ALLOW
    return Verdict(False, 404, _l("This challenge does not exist or is not published."))


@members_only
@verified_only
def can_propose_challenge(user: Any) -> Verdict:
    """Any member proposes challenges; a city representative of the lead city publishes them."""
    return ALLOW


def proposals_to_decide_scope(user: Any) -> CityScope:
    """The lead cities whose waiting proposals a viewer is asked to decide: every city for an
    admin, their own for a city representative (the same rule as publishing one)."""
    return _admin_or_own_city(user)


def can_publish_challenge(user: Any, challenge: Any) -> Verdict:
    return can_change_phase(user, challenge, Phase.open)


def can_decline_challenge(user: Any, challenge: Any) -> Verdict:
    return can_change_phase(user, challenge, Phase.declined)


@members_only
def can_change_phase(user: Any, challenge: Any, to_phase: Phase) -> Verdict:
    if not _leads(user, challenge):
        return _forbidden(
            _l("Only a city representative of the lead city may change this challenge's phase.")
        )
    if to_phase not in PHASE_FLOW[challenge.phase]:
        return _conflict(
            _l(
                "A challenge in phase “%(current)s” cannot move to “%(target)s”.",
                current=challenge.phase.value,
                target=str(to_phase),
            )
        )
    return ALLOW


@members_only
def can_edit_challenge(user: Any, challenge: Any) -> Verdict:
    """The proposer may edit while proposed; the lead city's rep and admins at any time."""
    if _leads(user, challenge):
        return ALLOW
    if challenge.phase == Phase.proposed and challenge.proposer_id == user.id:
        return ALLOW
    return _forbidden(
        _l("Only a city representative of the lead city may edit a published challenge.")
    )


def can_change_vote_rules(user: Any, challenge: Any) -> Verdict:
    """``votes_per_member`` freezes when voting opens."""
    if not (verdict := can_edit_challenge(user, challenge)):
        return verdict
    if challenge.phase not in (Phase.proposed, Phase.open):
        return _conflict(_l("The voting rules are frozen once voting has opened."))
    return ALLOW


# --- Ideas --------------------------------------------------------------------------------


def _is_author(user: Any, idea: Any) -> bool:
    return is_member(user) and user.id in set(idea.author_ids)


def can_view_idea(user: Any, idea: Any) -> Verdict:
    """Ideas of published challenges are public, unless moderation hid them."""
    if not (verdict := can_view_challenge(user, idea.challenge)):
        return verdict
    if getattr(idea, "hidden_at", None) is not None and not _moderates_or_wrote(user, idea):
        return Verdict(False, 404, _l("This idea is hidden by moderation."))
    return ALLOW


@members_only
@verified_only
def can_submit_idea(user: Any, challenge: Any) -> Verdict:
    return ideas_open(challenge)  # the phase, and its ideas deadline


@members_only
def can_edit_idea(user: Any, idea: Any) -> Verdict:
    if not _is_author(user, idea):
        return _forbidden(_l("Only the authors of an idea may change it."))
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    if idea.challenge.phase != Phase.open:
        return _conflict(_l("Ideas can only be changed while the challenge is open."))
    return ALLOW


def can_withdraw_idea(user: Any, idea: Any) -> Verdict:
    return can_edit_idea(user, idea)
