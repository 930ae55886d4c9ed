"""Taking part in a challenge's decision: votes and the host cities' choice (expert reviews:
livinglab.policy.reviews).

Budgets and duplicates need stored rows; the services count them and ask here with the counts,
so the rule and its wording stay in one place.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.policy.content import _is_author
from livinglab.policy.core import (
    ALLOW,
    Verdict,
    _conflict,
    _forbidden,
    _is_city_rep_of,
    members_only,
)
from livinglab.policy.deadlines import voting_open
from livinglab.policy.verification import verified_only

# Vote counts hidden during voting (``hide_vote_counts``) show again from these phases on;
# the ranking is published from them too.
RESULTS_PHASES = (Phase.selection, Phase.closed)


# --- Votes --------------------------------------------------------------------------------


@members_only
@verified_only
def can_vote_in(user: Any, challenge: Any) -> Verdict:
    """Whether the member takes part in this challenge's vote at all: what decides if a page
    shows them a budget, or the reason instead. Each idea adds its own checks (:func:`can_vote`)."""
    if _is_city_rep_of(user, challenge.host_city_ids):
        return _forbidden(
            _l("City representatives of the host cities do not vote on their challenge.")
        )
    return voting_open(challenge)  # the phase, and its deadline


@members_only
@verified_only
def can_vote(user: Any, idea: Any) -> Verdict:
    """Budget and duplicates need the stored votes: see :func:`can_cast_another_vote`."""
    if _is_author(user, idea):
        return _forbidden(_l("You cannot vote for your own idea."))
    if not (verdict := can_vote_in(user, idea.challenge)):
        return verdict
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    return ALLOW


def can_cast_another_vote(challenge: Any, *, used: int, already_voted: bool) -> Verdict:
    """One vote per idea, at most ``votes_per_member`` per challenge. The vote service should
    ask this with its counts (it still words the same two refusals itself)."""
    if already_voted:
        return _conflict(_l("You have already voted for this idea."))
    budget = challenge.votes_per_member
    if used >= budget:
        return _conflict(
            lazy_ngettext(
                "You have no votes left in this challenge: 0 of %(num)d left.",
                "You have no votes left in this challenge: 0 of %(num)d left.",
                budget,
            )
        )
    return ALLOW


@members_only
def can_withdraw_vote(user: Any, idea: Any) -> Verdict:
    if idea.challenge.phase != Phase.voting:
        return _conflict(_l("Votes can only be withdrawn while voting is open."))
    return voting_open(idea.challenge)  # not after the voting deadline either


def can_see_vote_counts(challenge: Any) -> bool:
    """Counts are public unless the challenge hides them until voting closes."""
    return not challenge.hide_vote_counts or challenge.phase in RESULTS_PHASES


def can_view_vote_results(user: Any, challenge: Any) -> Verdict:
    """The ranking is published once voting has closed; before, it does not exist (404)."""
    if challenge.phase in RESULTS_PHASES:
        return ALLOW
    return Verdict(False, 404, _l("The results are published when voting closes."))


# --- Decisions of the host cities ---------------------------------------------------------


@members_only
def is_decider(user: Any, challenge: Any) -> Verdict:
    """A city representative of one of the challenge's host cities: the people who approve or
    reject its ideas (when the phase and the reviews allow, see :func:`can_decide_idea`)."""
    if _is_city_rep_of(user, challenge.host_city_ids):
        return ALLOW
    return _forbidden(_l("Only the host cities of the challenge decide on its ideas."))


@members_only
def can_decide_idea(user: Any, idea: Any, city_id: int | None) -> Verdict:
    """Approve or reject an idea for a city: a city_rep of a host city, for their own city."""
    if user.role != Role.city_rep or user.city_id != city_id:
        return _forbidden(_l("Only a city representative may decide, and only for their own city."))
    if city_id not in idea.challenge.host_city_ids:
        return _forbidden(_l("Only the host cities of the challenge decide on its ideas."))
    if idea.challenge.phase != Phase.selection:
        return _conflict(_l("Decisions are taken in the selection phase."))
    if idea.status == "withdrawn":
        return _conflict(_l("This idea has been withdrawn."))
    if idea.review_count < 1:
        return _conflict(_l("An idea needs at least one expert review before a decision."))
    return ALLOW


def can_decide_idea_for_own_city(user: Any, idea: Any) -> Verdict:
    """:func:`can_decide_idea` for the city the viewer represents (what a page offers them)."""
    return can_decide_idea(user, idea, getattr(user, "city_id", None))
