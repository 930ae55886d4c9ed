"""Daily and weekly digests: notifications gathered per member, sent at 08:00 their time.

An entry is due at the member's next 08:00 (daily) or next Monday 08:00 (weekly) in their
time zone: the one they chose, else their partner city's. The worker turns each member's due
entries into one email, grouped by the challenge or pilot they are about.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.cities.data import TIME_ZONES
from livinglab.database import utcnow, write_intent
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.mail import outbox
from livinglab.mail.footer import footer_for
from livinglab.mail.models import Delivery, DigestEntry
from livinglab.mail.preferences import all_choices, category_of
from livinglab.notifications.models import Notification
from livinglab.notifications.services import text_of
from livinglab.pilots.models import Pilot

DIGEST_HOUR = 8
DIGESTED = (Delivery.daily, Delivery.weekly)
_SUBJECT_OF_LINK = re.compile(r"^/(challenges|ideas|pilots)/(\d+)")


def zone_of(user: User) -> ZoneInfo:
    default = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    for name in (getattr(user, "time_zone", None), TIME_ZONES.get(user.city.slug), default):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def due_at(now: datetime, zone: ZoneInfo, delivery: Delivery) -> datetime:
    """The next 08:00 in ``zone`` after ``now`` (a Monday's, for weekly), in UTC. Wall-clock
    arithmetic, so it stays 08:00 across a change to or from summer time."""
    local = now.astimezone(zone)
    target = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    step = timedelta(days=7 if delivery == Delivery.weekly else 1)
    if delivery == Delivery.weekly:
        target += timedelta(days=-target.weekday() % 7)
    if target <= local:
        target += step
    return target.astimezone(UTC)


def add_entry(
    user: User,
    kind: str,
    delivery: Delivery,
    *,
    link: str | None,
    group: str | None,
    params: dict[str, Any],
    count: int,
) -> None:
    """Keeps one entry per grouped notification until the digest goes (caller commits): a
    notification of a group already waiting says the latest, in the entry already there."""
    latest = {"params": params, "count": count, "link": link}
    if group:
        pending = db.session.scalar(
            sa.select(DigestEntry).where(
                DigestEntry.user_id == user.id,
                DigestEntry.kind == kind,
                DigestEntry.group_key == group,
            )
        )
        if pending is not None:
            for name, value in latest.items():
                setattr(pending, name, value)
            return
    due = due_at(utcnow(), zone_of(user), delivery)
    db.session.add(DigestEntry(user_id=user.id, kind=kind, group_key=group, due_at=due, **latest))


def _sections(entries: list[DigestEntry]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The entries grouped by the challenge or pilot they concern, in their order."""
    found = {e.id: _SUBJECT_OF_LINK.match(e.link or "") for e in entries}
    ids: dict[str, set[int]] = {"challenges": set(), "ideas": set(), "pilots": set()}
    for match in found.values():
        if match:
            ids[match[1]].add(int(match[2]))
    idea_challenge = dict(
        db.session.execute(
            sa.select(Idea.id, Idea.challenge_id).where(Idea.id.in_(ids["ideas"]))
        ).all()
    )
    challenge_titles = dict(
        db.session.execute(
            sa.select(Challenge.id, Challenge.title).where(
                Challenge.id.in_(ids["challenges"] | set(idea_challenge.values()))
            )
        ).all()
    )
    pilot_titles = dict(
        db.session.execute(
            sa.select(Pilot.id, Idea.title)
            .join(Idea, Idea.id == Pilot.idea_id)
            .where(Pilot.id.in_(ids["pilots"]))
        ).all()
    )
    sections: dict[tuple[str, int], tuple[str, list[tuple[str, str | None]]]] = {}
    for entry in entries:
        match = found[entry.id]
        key, heading = ("other", 0), _("Your account and other news")
        if match and match[1] == "pilots" and int(match[2]) in pilot_titles:
            key = ("pilot", int(match[2]))
            heading = _("Pilot: %(title)s", title=pilot_titles[key[1]])
        elif match:
            number = int(match[2])
            challenge_id = idea_challenge.get(number) if match[1] == "ideas" else number
            if challenge_id in challenge_titles:
                key = ("challenge", challenge_id)
                heading = _("Challenge: %(title)s", title=challenge_titles[challenge_id])
        note = Notification(kind=entry.kind, params=entry.params, count=entry.count)
        item = (text_of(note), outbox.absolute(entry.link) if entry.link else None)
        sections.setdefault(key, (heading, []))[1].append(item)
    return list(sections.values())


def _digest_email(user: User, entries: list[DigestEntry]) -> outbox.Email:
    count = len(entries)
    email = outbox.Email(
        subject=ngettext(
            "Living Lab: %(num)d new notification",
            "Living Lab: %(num)d new notifications",
            count,
        ),
        paragraphs=[
            _(
                "Hello %(name)s, here is what happened since your last digest.",
                name=user.display_name,
            )
        ],
        action=(_("Open my notifications"), outbox.external_url("notifications.index")),
        sections=_sections(entries),
    )
    footer_for(email, user, "digest")
    return email


def _queue_digest_of(user_id: int, now: datetime) -> bool:
    """One member's digest, in one transaction; False if another worker took the entries."""
    with write_intent():
        entries = list(
            db.session.scalars(
                sa.select(DigestEntry)
                .where(DigestEntry.user_id == user_id, DigestEntry.due_at <= now)
                .order_by(DigestEntry.created_at, DigestEntry.id)
            )
        )
        ids = [entry.id for entry in entries]
        taken = db.session.execute(sa.delete(DigestEntry).where(DigestEntry.id.in_(ids)))
        if not ids or getattr(taken, "rowcount", 0) != len(ids):
            db.session.rollback()
            return False
        user = db.session.get(User, user_id)
        # Choices may have changed since the entries were kept: only what is still wanted by
        # digest goes, and only to an address that is confirmed and an account that is active.
        wanted = all_choices(user_id) if user is not None else {}
        entries = [e for e in entries if wanted.get(category_of(e.kind)) in DIGESTED]
        reachable = user is not None and user.is_active and user.verified_at is not None
        sent = bool(entries) and reachable
        if sent and user is not None:
            outbox.queue_for(user, "digest", lambda: _digest_email(user, entries))
        db.session.commit()
    return sent


def queue_due_digests(now: datetime | None = None, limit: int = 200) -> int:
    """Queues the digests that are due; returns how many."""
    now = now or utcnow()
    with write_intent(False):
        user_ids = list(
            db.session.scalars(
                sa.select(DigestEntry.user_id)
                .where(DigestEntry.due_at <= now)
                .group_by(DigestEntry.user_id)
                .limit(limit)
            )
        )
        db.session.commit()
    return sum(1 for user_id in user_ids if _queue_digest_of(user_id, now))
