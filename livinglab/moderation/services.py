"""Flags and moderation: three members' flags hide content until a moderator decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from livinglab import events, policy
from livinglab.accounts.models import Role
from livinglab.audit.services import record
from livinglab.challenges.models import Challenge
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.discussion.models import Comment
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.moderation.models import FLAGGABLE, FLAGS_TO_HIDE, Flag
from livinglab.notifications.services import notify, push_unread_count

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
    if content_type not in FLAGGABLE or ident is None:
        return None
    return load_contents([(content_type, ident)]).get((content_type, ident))


def load_contents(keys: list[tuple[str, int]]) -> dict[tuple[str, int], Content]:
    """Many flagged items in a few queries (one per kind, plus their challenges)."""
    wanted: dict[str, set[int]] = {kind: set() for kind in FLAGGABLE}
    for kind, ident in keys:
        wanted[kind].add(ident)
    comments = (
        list(db.session.scalars(sa.select(Comment).where(Comment.id.in_(wanted["comment"]))))
        if wanted["comment"]
        else []
    )
    idea_ids = wanted["idea"] | {c.target_id for c in comments if c.target_type == "idea"}
    ideas = (
        {i.id: i for i in db.session.scalars(sa.select(Idea).where(Idea.id.in_(idea_ids)))}
        if idea_ids
        else {}
    )
    challenge_ids = (
        wanted["challenge"]
        | {i.challenge_id for i in ideas.values()}
        | {c.challenge_id for c in comments}
    )
    challenges = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.id.in_(challenge_ids - {None}))
            .options(selectinload(Challenge.cohost_cities))
        )
    }
    pilot_ids = {c.target_id for c in comments if c.target_type == "pilot"}
    pilot_cities = {}
    if pilot_ids:
        from livinglab.pilots.models import Pilot

        pilot_cities = dict(
            db.session.execute(
                sa.select(Pilot.id, Pilot.city_id).where(Pilot.id.in_(pilot_ids))
            ).all()
        )
    found: dict[tuple[str, int], Content] = {}
    for ident in wanted["challenge"]:
        if (c := challenges.get(ident)) is not None:
            found[("challenge", ident)] = Content(
                "challenge", c, c.proposer_id, c.host_city_ids, c.title, f"/challenges/{ident}"
            )
    for ident in wanted["idea"]:
        if (i := ideas.get(ident)) is not None:
            host = challenges[i.challenge_id].host_city_ids
            found[("idea", ident)] = Content(
                "idea", i, i.author_id, host, i.title, f"/ideas/{ident}"
            )
    for comment in comments:
        challenge = challenges.get(comment.challenge_id)
        title = challenge.title if challenge else ""
        if comment.target_type == "idea" and comment.target_id in ideas:
            title = ideas[comment.target_id].title
        link = f"/{comment.target_type}s/{comment.target_id}#comment-{comment.id}"
        cities = challenge.host_city_ids if challenge else set()
        if comment.target_type == "pilot":
            # Under a pilot, its own city's representatives moderate.
            cities = (
                {pilot_cities[comment.target_id]} if comment.target_id in pilot_cities else set()
            )
        found[("comment", comment.id)] = Content(
            "comment", comment, comment.author_id, cities, title, link
        )
    return found


def _first_host(content: Content) -> int | None:
    """The city whose log shows a moderation act: one of the content's host cities."""
    return min(content.moderation_city_ids) if content.moderation_city_ids else None


def _reason(text: Any, required: bool = True) -> str:
    value = (text or "").strip() if isinstance(text, str) else ""
    if (required and not value) or len(value) > REASON_MAX:
        message = _l("Give a reason of at most 500 characters.")
        raise Invalid(message, {"reason": message})
    return value


def flag(user: Any, content: Content, reason: Any) -> bool:
    """Records a member's flag; returns True when this flag hid the content."""
    require(policy.can_flag(user, content))
    text = _reason(reason)
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
    open_flags = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Flag.reporter_id))).where(
            Flag.content_type == content.type,
            Flag.content_id == content.id,
            Flag.resolved_at.is_(None),
        )
    )
    hid = open_flags >= FLAGS_TO_HIDE and content.obj.hidden_at is None
    if hid:
        content.obj.hidden_at = utcnow()
        content.obj.hidden_reason = str(
            _l("Hidden after reports from members, until a moderator decides.")
        )
        record(
            None,
            "moderation.auto_hidden",
            content.obj,
            city_id=_first_host(content),
            flags=open_flags,
        )
        if content.author_id:
            notify(content.author_id, "moderation_flagged", link=content.link, title=content.title)
    db.session.commit()
    if hid:
        events.content_moderated.send(content.obj, kind=content.type, hidden=True)
        if content.author_id:
            push_unread_count(content.author_id)
    return hid


def decide(user: Any, content: Content, *, hide: bool, reason: Any) -> None:
    """A moderator hides or restores, always with a reason the author is told."""
    require(policy.can_moderate(user, content))
    text = _reason(reason)
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
    record(
        user,
        "moderation.hidden" if hide else "moderation.restored",
        content.obj,
        city_id=city,
        reason=text,
    )
    if content.author_id:
        kind = "moderation_hidden" if hide else "moderation_restored"
        notify(content.author_id, kind, link=content.link, title=content.title, reason=text)
    db.session.commit()
    events.content_moderated.send(content.obj, kind=content.type, hidden=hide)
    if content.author_id:
        push_unread_count(content.author_id)


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
