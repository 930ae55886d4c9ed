"""Comments as content: flaggable; they hang on a commentable kind (livinglab.content)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from livinglab import content
from livinglab.discussion.models import Comment
from livinglab.extensions import db


def load(ids: Collection[int]) -> dict[int, Comment]:
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids)))}


def visible_to(user: Any, comment: Comment) -> bool:
    """A comment is read where its target is; the discussion checks the target."""
    return comment.is_visible


KIND = content.register(
    "comment",
    Comment,
    load=load,
    title_of=lambda c: "",  # a comment is named by what it discusses (its parent)
    url_of=lambda c: f"/{c.target_type}s/{c.target_id}#comment-{c.id}",
    owner_ids=lambda c: {c.author_id} - {None},
    visible_to=visible_to,
    parent_of=lambda c: (c.target_type, c.target_id),
    flaggable=True,
)
