"""Ideas as content: commentable, followable and flaggable (livinglab.content)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import selectinload

from livinglab import content, policy
from livinglab.challenges.models import Challenge
from livinglab.core.loading import by_ids
from livinglab.ideas import attachments  # noqa: F401 - its files' finder, asked first (most files)
from livinglab.ideas.models import Idea


def load(ids: Collection[int]) -> dict[int, Idea]:
    """With the challenge's hosts and the team, which the policy reads."""
    return by_ids(
        Idea,
        ids,
        selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
        selectinload(Idea.coauthors),
    )


def visible_to(user: Any, idea: Idea) -> bool:
    return bool(policy.can_view_idea(user, idea)) and idea.is_published


KIND = content.register(
    "idea",
    Idea,
    load=load,
    title_of=lambda i: i.title,
    page=("ideas.show", "idea_id"),
    owner_ids=lambda i: i.author_ids,
    visible_to=visible_to,
    commentable=True,
    followable=True,
    flaggable=True,
)
