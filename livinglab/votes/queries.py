"""The read side of one member's votes in one challenge: the budget line a page shows once,
and what each idea card offers (vote, withdraw, "You voted"), from one query however many
cards a page lists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from livinglab import policy
from livinglab.challenges.models import Challenge
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.votes.models import Vote


@dataclass(frozen=True)
class Ballot:
    """What ``user`` may do with their votes in ``challenge``.

    ``verdict`` says whether they take part in this vote at all (policy.can_vote_in): a page
    shows the budget only when it is truthy, and its reason otherwise (sign in first, host
    city representatives do not vote, voting closed on...)."""

    user: Any
    challenge: Challenge
    verdict: policy.Verdict
    mine: frozenset[int]  # the ideas this member voted for in the challenge

    @property
    def budget(self) -> int:
        return self.challenge.votes_per_member

    @property
    def left(self) -> int:
        return max(self.budget - len(self.mine), 0)

    def voted(self, idea: Idea) -> bool:
        return idea.id in self.mine

    def may_vote_for(self, idea: Idea) -> bool:
        return not self.voted(idea) and self.left > 0 and bool(policy.can_vote(self.user, idea))

    def may_withdraw(self, idea: Idea) -> bool:
        return self.voted(idea) and bool(policy.can_withdraw_vote(self.user, idea))

    def refusal(self, idea: Idea) -> policy.Verdict | None:
        """Why this member may not vote for this idea when they vote in the challenge (their
        own idea, a withdrawn one); None when the challenge-wide reason already says it."""
        if not self.verdict or self.voted(idea):
            return None
        verdict = policy.can_vote(self.user, idea)
        return None if verdict else verdict


def ballot(user: Any, challenge: Challenge, ideas: Iterable[Idea] = ()) -> Ballot:
    """The member's ballot (one query for a member, none for a visitor). ``ideas``, listed on
    the challenge's page, get the challenge as theirs, which the policy reads on each card."""
    for idea in ideas:
        if idea.challenge_id == challenge.id:  # the loaded row, not a query per card
            set_committed_value(idea, "challenge", challenge)
    member = policy.is_member(user)
    mine = (
        frozenset(
            db.session.scalars(
                sa.select(Vote.idea_id).where(
                    Vote.user_id == user.id, Vote.challenge_id == challenge.id
                )
            )
        )
        if member
        else frozenset()
    )
    return Ballot(user, challenge, policy.can_vote_in(user, challenge), mine)
