"""Posting, editing and deleting comments: policy, limits, write, notify, broadcast."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from limits import parse as parse_limit

from livinglab import events, policy
from livinglab.accounts.models import User
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.discussion import queries
from livinglab.discussion.models import MAX_BODY, MAX_DEPTH, Comment
from livinglab.discussion.targets import Target, resolve
from livinglab.errors import Invalid, ServiceError, require
from livinglab.extensions import db, limiter
from livinglab.i18n import content_language_for, supported

MENTION = re.compile(r"@(\w{2,40})")


class TooFast(ServiceError):
    status = 429


def _normalized(name: str) -> str:
    return re.sub(r"\W+", "", name).lower()


def _check_rate(user: User) -> None:
    """Shared by HTTP and sockets, and by every process when Redis is configured."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    item = parse_limit(current_app.config["RATELIMIT_COMMENTS"])
    # The deployment's prefix first, as Flask-Limiter does for its own limits, so that
    # deployments sharing one Redis do not share these counters.
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    if not limiter.limiter.hit(item, prefix, "comments", str(user.id)):
        raise TooFast(_l("You are posting too fast. Please wait a minute before the next comment."))


def _clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise Invalid(_l("Write a comment."), {"body": _l("Write a comment.")})
    text = body.strip()
    if not text:
        raise Invalid(_l("Write a comment."), {"body": _l("Write a comment.")})
    if len(text) > MAX_BODY:
        message = lazy_ngettext(
            "A comment has at most %(num)d character.",
            "A comment has at most %(num)d characters.",
            MAX_BODY,
        )
        raise Invalid(message, {"body": message})
    return text


def _parent(target: Target, parent_id: Any) -> Comment | None:
    if parent_id in (None, "", 0):
        return None
    if id_text(parent_id) is None:
        raise Invalid(
            _l("This reply has no valid parent."),
            {"parent_id": _l("This reply has no valid parent.")},
        )
    parent = db.session.get(Comment, id_text(parent_id))
    if parent is None or parent.target_type != target.type or parent.target_id != target.id:
        message = _l("You can only reply to a comment of this discussion.")
        raise Invalid(message, {"parent_id": message})
    if parent.depth >= MAX_DEPTH:
        # Deeper replies join the last level, so threads stay readable on a phone.
        parent = db.session.get(Comment, parent.parent_id)
    return parent


def _language(user: User, language: Any) -> str:
    """The language asked for (checked), else the author's default."""
    if language is None:
        return content_language_for(user)
    if not isinstance(language, str) or not supported(language):
        raise Invalid(_l("Choose a language."), {"language": _l("Choose a language.")})
    return language


def post(
    user: Any,
    target_type: str,
    target_id: Any,
    body: Any,
    parent_id: Any = None,
    language: Any = None,
) -> Comment:
    target = resolve(target_type, target_id)
    if target is None:
        raise Invalid(_l("This discussion does not exist."), status=404)
    require(policy.can_comment(user, target))
    text = _clean_body(body)
    language = _language(user, language)
    parent = _parent(target, parent_id)
    _check_rate(user)
    comment = Comment(
        target_type=target.type,
        target_id=target.id,
        challenge_id=target.challenge_id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_id=user.id,
        body=text,
        language=language,
    )
    db.session.add(comment)
    db.session.flush()
    # The notifications of the answered, the mentioned and the watchers, in this transaction.
    mentioned = _mentioned_ids(target, text)
    events.send(
        events.comment_posting,
        comment,
        author=user,
        target=target,
        parent=parent,
        mentioned=mentioned,
    )
    events.commit()
    events.comment_posted.send(comment, author=user)
    return comment


def _mentioned_ids(target: Target, text: str) -> set[int]:
    """@Name mentions of people taking part here (display name without spaces, any case)."""
    names = {_normalized(m) for m in MENTION.findall(text)}
    if not names:
        return set()
    people = db.session.execute(
        sa.select(User.id, User.stored_name).where(
            User.id.in_(queries.people_taking_part(target)), User.suspended_at.is_(None)
        )
    ).all()
    return {uid for uid, name in people if _normalized(name) in names}


def edit(user: Any, comment: Comment, body: Any) -> None:
    _require_own(user, comment)
    comment.body = _clean_body(body)
    comment.edited_at = utcnow()
    db.session.commit()
    events.comment_changed.send(comment, author=user)


def delete(user: Any, comment: Comment) -> None:
    """The text goes; the row stays so replies keep their place in the thread."""
    _require_own(user, comment)
    comment.body = ""
    comment.deleted_at = utcnow()
    db.session.commit()
    events.comment_changed.send(comment, author=user)


def _require_own(user: Any, comment: Comment) -> None:
    require(policy.can_change_comment(user, comment))


def replay_after(target: Target, since: int, limit: int = 500) -> list[Comment]:
    """What a reconnecting client missed, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(
                Comment.target_type == target.type,
                Comment.target_id == target.id,
                Comment.id > since,
            )
            .options(sa.orm.selectinload(Comment.author))
            .order_by(Comment.id)
            .limit(limit)
        )
    )
