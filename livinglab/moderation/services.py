"""Flags and moderation: three members' flags hide content until a moderator decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from livinglab import content, events, policy
from livinglab.accounts.models import Role, User
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.moderation.models import FLAGS_TO_HIDE, Flag
from livinglab.moderation.scope import TITLE_MAX, FlagScope

REASON_MAX = 500


@dataclass
class Content:
    """Anything that can be flagged, seen the way the policy and moderators need it."""

    type: str
    obj: Any
    author_id: int | None
    moderation_city_ids: set[int]
    title: str
    link: str

    @property
    def id(self) -> int:
        return self.obj.id


def load_content(content_type: str, content_id: Any) -> Content | None:
    ident = id_text(content_id)
    if content_type not in content.FLAGGABLE or ident is None:
        return None
    return load_contents([(content_type, ident)]).get((content_type, ident))


def load_contents(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Content]:
    """Many flagged items in a few queries: one load per flaggable kind of the content
    registry, then one per kind of what they hang on (a comment's challenge, idea, pilot)."""
    wanted: dict[str, set[int]] = {}
    for kind_name, ident in keys:
        if kind_name in content.FLAGGABLE:
            wanted.setdefault(kind_name, set()).add(ident)
    # Every flaggable name is registered, so no wanted kind is dropped here.
    kinds = {name: kind for name in wanted if (kind := content.get(name)) is not None}
    loaded = {name: kind.load(wanted[name]) for name, kind in kinds.items()}
    parent_keys: dict[str, set[int]] = {}
    for name, objs in loaded.items():
        for obj in objs.values():
            if (parent := kinds[name].parent_of(obj)) is not None:
                parent_keys.setdefault(parent[0], set()).add(parent[1])
    parents = {
        name: kind.load(ids)
        for name, ids in parent_keys.items()
        if (kind := content.get(name)) is not None
    }
    found: dict[tuple[str, int], Content] = {}
    for name, objs in loaded.items():
        kind = kinds[name]
        for ident, obj in objs.items():
            parent_key = kind.parent_of(obj)
            named_by: Any = obj
            named_kind: content.Kind | None = kind
            if parent_key is not None:
                # A comment is named after, and moderated by the cities of, what it discusses;
                # under a pilot, its own city's representatives moderate.
                named_kind = content.get(parent_key[0])
                named_by = parents.get(parent_key[0], {}).get(parent_key[1])
            if named_by is None or named_kind is None:
                title, cities = "", set()
            else:
                title, cities = named_kind.title_of(named_by), named_by.moderation_city_ids
            found[(name, ident)] = Content(
                name, obj, obj.author_id, set(cities), title, kind.url_of(obj)
            )
    return found


def _copy_scope(content: Content) -> None:
    """Keeps, beside the flags, who moderates the item (see livinglab.moderation.scope)."""
    db.session.execute(
        sa.delete(FlagScope).where(
            FlagScope.content_type == content.type, FlagScope.content_id == content.id
        )
    )
    title = content.title[:TITLE_MAX]
    # No host city (none is known): one row without a city, so the administrators see it.
    city_ids: list[int | None] = [*sorted(content.moderation_city_ids)] or [None]
    for city_id in city_ids:
        db.session.add(
            FlagScope(
                content_type=content.type,
                content_id=content.id,
                city_id=city_id,
                author_id=content.author_id,
                title=title,
            )
        )


def moderator_ids(content: Content) -> set[int]:
    """The members who may judge this content (policy.can_moderate): the administrators and
    the representatives of its host cities, never its author."""
    staff = db.session.scalars(
        sa.select(User).where(
            User.suspended_at.is_(None),
            User.deleted_at.is_(None),
            sa.or_(
                User.role == Role.admin,
                sa.and_(
                    User.role == Role.city_rep,
                    User.city_id.in_(content.moderation_city_ids),
                ),
            ),
        )
    )
    return {user.id for user in staff if policy.can_moderate(user, content)}


def open_flags_of(content: Content) -> list[Flag]:
    """The reports on this content waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Flag)
            .where(
                Flag.content_type == content.type,
                Flag.content_id == content.id,
                Flag.resolved_at.is_(None),
            )
            .order_by(Flag.created_at, Flag.id)
        )
    )


def _first_host(content: Content) -> int | None:
    """The city whose log shows a moderation act: one of the content's host cities."""
    return min(content.moderation_city_ids) if content.moderation_city_ids else None


def _reason(text: Any, missing: Any) -> str:
    """The reason given, or :class:`Invalid` with ``missing`` (empty) or the length rule."""
    value = (text or "").strip() if isinstance(text, str) else ""
    if not value:
        raise Invalid(missing, {"reason": missing})
    if len(value) > REASON_MAX:
        message = _l("Give a reason of at most 500 characters.")
        raise Invalid(message, {"reason": message})
    return value


def flag(user: Any, content: Content, reason: Any) -> bool:
    """Records a member's flag; returns True when this flag hid the content."""
    require(policy.can_flag(user, content))
    text = _reason(reason, _l("Say what is wrong with it."))
    try:
        with db.session.begin_nested():
            db.session.add(
                Flag(
                    content_type=content.type,
                    content_id=content.id,
                    reporter_id=user.id,
                    reason=text,
                )
            )
    except IntegrityError:
        raise Conflict(_l("You have already flagged this.")) from None
    _copy_scope(content)
    open_flags = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Flag.reporter_id))).where(
            Flag.content_type == content.type,
            Flag.content_id == content.id,
            Flag.resolved_at.is_(None),
        )
    ).scalar_one()
    hid = open_flags >= FLAGS_TO_HIDE and content.obj.hidden_at is None
    if hid:
        content.obj.hidden_at = utcnow()
        content.obj.hidden_reason = str(
            _l("Hidden after reports from members, until a moderator decides.")
        )
        # Audit, and the notifications of the author and the moderators, in this transaction.
        events.send(
            events.content_auto_hidden,
            content.obj,
            content=content,
            flags=open_flags,
            city_id=_first_host(content),
        )
    events.commit()
    if hid:
        events.content_moderated.send(content.obj, kind=content.type, hidden=True)
    return hid


def decide(user: Any, content: Content, *, hide: bool, reason: Any) -> None:
    """A moderator hides or restores, always with a reason the author is told."""
    require(policy.can_moderate(user, content))
    text = _reason(reason, _l("Give a reason: the author will read it."))
    if hide:
        content.obj.hidden_at = content.obj.hidden_at or utcnow()
        content.obj.hidden_reason = text
    else:
        content.obj.hidden_at = None
        content.obj.hidden_reason = None
    db.session.execute(
        sa.update(Flag)
        .where(
            Flag.content_type == content.type,
            Flag.content_id == content.id,
            Flag.resolved_at.is_(None),
        )
        .values(resolved_at=utcnow())
    )
    city = user.city_id if user.role == Role.city_rep else _first_host(content)
    # Audit and the author's notification, in this transaction.
    events.send(
        events.content_decided,
        content.obj,
        content=content,
        actor=user,
        hide=hide,
        reason=text,
        city_id=city,
    )
    events.commit()
    events.content_moderated.send(content.obj, kind=content.type, hidden=hide)


def queue_for(user: Any) -> list[tuple[Content, int, list[str]]]:
    """Flagged content this moderator may judge, most flagged first, with the reasons given."""
    flags = db.session.execute(
        sa.select(Flag.content_type, Flag.content_id, Flag.reason)
        .where(Flag.resolved_at.is_(None))
        .order_by(Flag.id)
        .limit(2000)
    ).all()
    reasons: dict[tuple[str, int], list[str]] = {}
    for ctype, cid, reason in flags:
        reasons.setdefault((ctype, cid), []).append(reason)
    contents = load_contents(list(reasons))
    queue = [
        (content, len(reasons[key]), reasons[key])
        for key, content in contents.items()
        if policy.can_moderate(user, content)
    ]
    return sorted(queue, key=lambda row: (-row[1], row[0].type, row[0].id))[:200]
