"""Reading threads in slices: a page of top-level comments, reply counts, lazily a subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.accounts.models import User
from livinglab.core.counting import count_per
from livinglab.core.inputs import optional_id
from livinglab.discussion.forms import CommentForm
from livinglab.discussion.models import Comment
from livinglab.discussion.targets import Target
from livinglab.errors import Invalid
from livinglab.extensions import db

PER_PAGE = 20
SUBTREE_LIMIT = 300


@dataclass
class ThreadPage:
    comments: list[Comment]
    reply_counts: dict[int, int]
    earlier_before: int | None  # pass as ``before`` to read the previous page, None at the start
    last_id: int  # highest comment id in the room: where a live client starts


def thread_page(target: Target, before: int | None = None) -> ThreadPage:
    """The latest top-level comments (before ``before``), oldest first, as a thread reads."""
    query = (
        sa.select(Comment)
        .where(
            Comment.target_type == target.type,
            Comment.target_id == target.id,
            Comment.parent_id.is_(None),
        )
        .options(selectinload(Comment.author))
        .order_by(Comment.id.desc())
        .limit(PER_PAGE + 1)
    )
    if before:
        query = query.where(Comment.id < before)
    rows = list(db.session.scalars(query))
    earlier = rows[PER_PAGE - 1].id if len(rows) > PER_PAGE else None
    shown = list(reversed(rows[:PER_PAGE]))
    return ThreadPage(shown, reply_counts([c.id for c in shown]), earlier, last_comment_id(target))


def reply_counts(parent_ids: list[int]) -> dict[int, int]:
    """Replies under each top-level comment, both levels, in one query."""
    if not parent_ids:
        return {}
    child = sa.orm.aliased(Comment)
    direct = sa.select(Comment.parent_id.label("top"), Comment.id).where(
        Comment.parent_id.in_(parent_ids)
    )
    second = (
        sa.select(Comment.parent_id.label("top"), child.id)
        .join(child, child.parent_id == Comment.id)
        .where(Comment.parent_id.in_(parent_ids))
    )
    both = sa.union_all(direct, second).subquery()
    rows = db.session.execute(sa.select(both.c.top, sa.func.count()).group_by(both.c.top)).all()
    return dict(rows)


def subtree(top: Comment) -> list[Comment]:
    """Every reply under a top-level comment, in posting order (at most SUBTREE_LIMIT)."""
    first_level = sa.select(Comment.id).where(Comment.parent_id == top.id)
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(sa.or_(Comment.parent_id == top.id, Comment.parent_id.in_(first_level)))
            .options(selectinload(Comment.author))
            .order_by(Comment.id)
            .limit(SUBTREE_LIMIT)
        )
    )


def last_comment_id(target: Target) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.max(Comment.id)).where(
                Comment.target_type == target.type, Comment.target_id == target.id
            )
        )
        or 0
    )


def comment_counts(challenge_ids: list[int]) -> dict[int, int]:
    """Visible comments under each challenge (on it and on its ideas): "most discussed"."""
    if not challenge_ids:
        return {}
    return count_per(
        Comment.challenge_id,
        Comment.challenge_id.in_(challenge_ids),
        Comment.deleted_at.is_(None),
        Comment.hidden_at.is_(None),
    )


def people_taking_part(target: Target) -> sa.Select:
    """The ids of those who may be mentioned in a thread: whoever commented there and the
    authors of what it hangs on."""
    commenters = sa.select(Comment.author_id).where(
        Comment.target_type == target.type, Comment.target_id == target.id
    )
    return sa.select(User.id).where(sa.or_(User.id.in_(commenters), User.id.in_(target.author_ids)))


def with_author(comment_id: int) -> Comment | None:
    return db.session.scalar(
        sa.select(Comment).where(Comment.id == comment_id).options(selectinload(Comment.author))
    )


def reply_form(user: Any, target: Target) -> CommentForm | None:
    """The empty comment form of a thread, or None when this reader may not comment there."""
    if not policy.can_comment(user, target):
        return None
    return CommentForm(formdata=None, target_type=target.type, target_id=target.id)


def thread_context(target: Target, before: str | None, user: Any) -> dict[str, Any]:
    """What the thread partial needs; every page that shows a thread (challenge, idea, pilot)
    adds it to its template context."""
    try:  # a forged or stale ?before= shows the newest page instead of failing
        before_id = optional_id(before, "before", allow_text=True)
    except Invalid:
        before_id = None
    page = thread_page(target, before_id)
    form = reply_form(user, target)
    return {
        "thread": page,
        "thread_target": target,
        "comment_form": form,
        "may_comment": form is not None,
    }
