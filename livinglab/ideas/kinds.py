"""Ideas as content: commentable, followable and flaggable (livinglab.content)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import content, policy
from livinglab.challenges.models import Challenge
from livinglab.core.links import path_for
from livinglab.extensions import db
from livinglab.ideas.models import Idea


def load(ids: Collection[int]) -> dict[int, Idea]:
    """With the challenge's hosts and the team, which the policy reads."""
    if not ids:
        return {}
    query = (
        sa.select(Idea)
        .where(Idea.id.in_(ids))
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.coauthors),
        )
    )
    return {i.id: i for i in db.session.scalars(query)}


def visible_to(user: Any, idea: Idea) -> bool:
    return bool(policy.can_view_idea(user, idea)) and idea.is_published


KIND = content.register(
    "idea",
    Idea,
    load=load,
    title_of=lambda i: i.title,
    url_of=lambda i: path_for("ideas.show", idea_id=i.id),
    owner_ids=lambda i: i.author_ids,
    visible_to=visible_to,
    commentable=True,
    followable=True,
    flaggable=True,
)
