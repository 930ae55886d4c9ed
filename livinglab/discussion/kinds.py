"""Comments as content: flaggable; they hang on a commentable kind (livinglab.content)."""

from __future__ import annotations

from collections.abc import Collection
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa

from livinglab import content
from livinglab.discussion.models import Comment
from livinglab.extensions import db


def load(ids: Collection[int]) -> dict[int, Comment]:
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(sa.select(Comment).where(Comment.id.in_(ids)))}


def url_of(comment: Comment) -> str:
    """The comment in its place on the page it discusses (``/ideas/3#comment-7``). The page is
    the one its target's kind links to, asked with a stand-in that holds the target's id (all
    a page's address is made of), so no target is loaded for a link."""
    target_kind = content.get(comment.target_type)
    assert target_kind is not None, comment.target_type
    page = target_kind.url_of(SimpleNamespace(id=comment.target_id))
    return f"{page}#comment-{comment.id}"


def visible_to(user: Any, comment: Comment) -> bool:
    """A comment is read where its target is; the discussion checks the target."""
    return comment.is_visible


KIND = content.register(
    "comment",
    Comment,
    load=load,
    title_of=lambda c: "",  # a comment is named by what it discusses (its parent)
    url_of=url_of,
    page=("discussion.permalink", "comment_id"),
    owner_ids=lambda c: {c.author_id} - {None},
    visible_to=visible_to,
    parent_of=lambda c: (c.target_type, c.target_id),
    flaggable=True,
)
