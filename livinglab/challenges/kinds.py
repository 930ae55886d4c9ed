"""Challenges as content: commentable, followable and flaggable (livinglab.content)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import selectinload

from livinglab import content, policy
from livinglab.challenges.models import Challenge
from livinglab.core.loading import by_ids


def load(ids: Collection[int]) -> dict[int, Challenge]:
    """With the co-hosts, which the policy and the moderators' cities read."""
    return by_ids(Challenge, ids, selectinload(Challenge.cohost_cities))


def visible_to(user: Any, challenge: Challenge) -> bool:
    return bool(policy.can_view_challenge(user, challenge)) and challenge.is_published


KIND = content.register(
    "challenge",
    Challenge,
    load=load,
    title_of=lambda c: c.title,
    page=("challenges.show", "challenge_id"),
    owner_ids=lambda c: {c.proposer_id} - {None},
    visible_to=visible_to,
    challenge_id_of=lambda c: c.id,
    commentable=True,
    followable=True,
    flaggable=True,
)
