"""Telling members what concerns them: grouped, muted by choice, live on their private room."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from livinglab import events
from livinglab.accounts.labels import role_label
from livinglab.challenges.labels import phase_label
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.mail import signals as mail_signals
from livinglab.notifications.models import Notification, NotificationMute
from livinglab.realtime import broadcast

# What each kind says. Grouped kinds are functions of ``count``, for the language's plural forms.
MESSAGES: dict[str, Any] = {
    "role_granted": _l("Your request for the role “%(role)s” was granted."),
    "role_refused": _l("Your request for the role “%(role)s” was refused: %(reason)s"),
    "role_changed": _l("An administrator changed your role to “%(role)s”."),
    "challenge_phase": _l("The challenge “%(title)s” is now in phase “%(phase)s”."),
    "challenge_declined": _l("The challenge “%(title)s” was declined: %(reason)s"),
    "coauthor_invited": _l("%(name)s invites you to co-author the idea “%(title)s”."),
    "coauthor_accepted": _l("%(name)s joined the team of your idea “%(title)s”."),
    "coauthor_declined": _l("%(name)s declined to join your idea “%(title)s”."),
    "comment_reply": lambda count, **params: ngettext(
        "%(name)s replied to your comment on “%(title)s”.",
        "%(num)d new replies to your comment on “%(title)s”, the latest by %(name)s.",
        count,
        **params,
    ),
    "comment_mention": _l("%(name)s mentioned you on “%(title)s”."),
    "comment_new": lambda count, **params: ngettext(
        "%(name)s commented on “%(title)s”.",
        "%(num)d new comments on “%(title)s”, the latest by %(name)s.",
        count,
        **params,
    ),
    "review_new": _l("%(name)s reviewed the idea “%(title)s”."),
    "idea_approved": _l("%(city)s approved the idea “%(title)s”: it becomes a pilot."),
    "idea_rejected": _l("%(city)s did not select the idea “%(title)s”: %(reason)s"),
    "pilot_updated": lambda count, **params: ngettext(
        "The pilot “%(title)s” in %(city)s has news.",
        "The pilot “%(title)s” in %(city)s has %(num)d updates.",
        count,
        **params,
    ),
    "pilot_replicated": _l("%(city)s replicates the pilot “%(title)s”."),
    "case_study_submitted": _l("%(name)s asks you to publish the case study “%(title)s”."),
    "case_study_published": _l("Your case study “%(title)s” is published."),
    "case_study_adapted": _l("%(city)s adapts the case study “%(title)s” as a challenge."),
    "case_study_linked": _l("The case study “%(title)s” inspired “%(target)s”."),
    "moderation_hidden": _l(
        "Your contribution on “%(title)s” was hidden by a moderator: %(reason)s"
    ),
    "moderation_restored": _l("Your contribution on “%(title)s” is visible again: %(reason)s"),
    "moderation_flagged": _l(
        "Your contribution on “%(title)s” was hidden after several reports; a moderator will decide."
    ),
    "moderation_needed": _l(
        "A contribution on “%(title)s” was hidden after %(num)s reports: restore it or keep it "
        "hidden."
    ),
}

# The kinds a member may switch off, grouped as the preferences page shows them.
CHOOSABLE = {
    "comment_reply": _l("Replies to my comments"),
    "comment_mention": _l("When someone mentions me with @"),
    "comment_new": _l("New comments on what I follow or wrote"),
    "challenge_phase": _l("Phase changes of challenges I follow"),
}


def notify(
    user_id: int, kind: str, link: str | None = None, group: str | None = None, **params: Any
) -> None:
    notify_many([user_id], kind, link=link, group=group, **params)


def notify_many(
    user_ids: Iterable[int],
    kind: str,
    link: str | None = None,
    group: str | None = None,
    **params: Any,
) -> list[int]:
    """Queues notifications in the current transaction (the caller commits) and returns who
    gets one. With ``group``, an unread entry of the same kind and group is counted up."""
    recipients = set(user_ids)
    if not recipients:
        return []
    if kind in CHOOSABLE:
        muted = set(
            db.session.scalars(
                sa.select(NotificationMute.user_id).where(
                    NotificationMute.kind == kind, NotificationMute.user_id.in_(recipients)
                )
            )
        )
        recipients -= muted
    existing: dict[int, Notification] = {}
    if group and recipients:
        rows = db.session.scalars(
            sa.select(Notification).where(
                Notification.user_id.in_(recipients),
                Notification.kind == kind,
                Notification.group_key == group,
                Notification.read_at.is_(None),
            )
        )
        existing = {row.user_id: row for row in rows}
    now = utcnow()
    for user_id in recipients:
        row = existing.get(user_id)
        if row is not None:
            row.count += 1
            row.params = params
            row.created_at = now
        else:
            db.session.add(
                Notification(user_id=user_id, kind=kind, params=params, link=link, group_key=group)
            )
    if recipients:  # email, immediate or in a digest, per each member's choice
        events.send(
            mail_signals.notification_created,
            kind,
            user_ids=sorted(recipients),
            link=link,
            group=group,
            params=params,
            counts={user_id: row.count for user_id, row in existing.items()},
        )
    return sorted(recipients)


def push_unread_count(user_id: int) -> None:
    """Tell the member's open pages their new unread count (after the commit)."""
    broadcast.notification(user_id, unread_count(user_id))


def push_unread_counts(user_ids: Iterable[int]) -> None:
    for user_id in user_ids:
        push_unread_count(user_id)


def text_of(note: Notification) -> str:
    template = MESSAGES.get(note.kind)
    if template is None:
        return _("You have a new notification.")
    # A missing placeholder reads as empty rather than failing the whole page.
    params: defaultdict[str, Any] = defaultdict(str, note.params)
    if "role" in params:
        params["role"] = role_label(params["role"])
    if "phase" in params:
        params["phase"] = phase_label(params["phase"])
    if callable(template):
        return template(note.count, **{k: params[k] for k in ("name", "title", "city")})
    return str(template) % params


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_group_read(kind: str, group: str) -> list[int]:
    """Marks every unread notification of this kind and group read, in the current
    transaction (the caller commits); returns whose they were. For news that is settled for
    everyone, such as a reported item one moderator has decided on."""
    rows = db.session.scalars(
        sa.select(Notification).where(
            Notification.kind == kind,
            Notification.group_key == group,
            Notification.read_at.is_(None),
        )
    ).all()
    now = utcnow()
    for row in rows:
        row.read_at = now
    return sorted({row.user_id for row in rows})


def mark_all_read(user_id: int) -> None:
    db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


def muted_kinds(user_id: int) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(NotificationMute.kind).where(NotificationMute.user_id == user_id)
        )
    )


def set_preferences(user_id: int, wanted: Iterable[str]) -> None:
    """Keeps exactly the choosable kinds not in ``wanted`` muted."""
    keep = set(wanted) & set(CHOOSABLE)
    db.session.execute(sa.delete(NotificationMute).where(NotificationMute.user_id == user_id))
    for kind in sorted(set(CHOOSABLE) - keep):
        db.session.add(NotificationMute(user_id=user_id, kind=kind))
    db.session.commit()
