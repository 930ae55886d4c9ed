"""Email as a side effect: receivers of before-commit events that queue messages.

Each is declared with the event it answers and connected by :func:`connect_all`
(livinglab.mail.wiring.init_mail). They run inside the action's
transaction, so an email is queued if and only if what caused it commits.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from livinglab import events
from livinglab.accounts.models import User
from livinglab.accounts.recovery_services import queue_verification
from livinglab.core.receivers import Receivers
from livinglab.extensions import db
from livinglab.mail import digests, outbox
from livinglab.mail.footer import footer_for
from livinglab.mail.models import Delivery, DigestEntry, MailPreference, MailStatus, OutboxMessage
from livinglab.mail.preferences import category_of, choices_of
from livinglab.mail.signals import member_registering, notification_created
from livinglab.notifications.models import Notification
from livinglab.notifications.services import text_of

SUBJECT_MAX = 150

receivers = Receivers()
connect_all = receivers.connect_all


def _notification_email(user: User, kind: str, link: str | None, params: dict, count: int):
    text = text_of(Notification(kind=kind, params=params, count=count))
    subject = text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 1].rstrip() + "…"
    email = outbox.Email(
        subject=subject,
        paragraphs=[_("Hello %(name)s,", name=user.display_name), text],
        action=(
            _("Open it on the Living Lab"),
            outbox.absolute(link) if link else outbox.external_url("notifications.index"),
        ),
    )
    footer_for(email, user, category_of(kind))
    return email


def _queued_of_group(user_id: int, key: str) -> int | None:
    """A message of this group still waiting for its first attempt, if any."""
    return db.session.scalar(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.user_id == user_id,
            OutboxMessage.dedupe_key == key,
            OutboxMessage.status == MailStatus.queued,
            OutboxMessage.attempts == 0,
            OutboxMessage.lease_until.is_(None),
        )
    )


def _send_now(user: User, kind: str, link: str | None, group: str | None, params: dict, count: int):
    def build() -> outbox.Email:
        return _notification_email(user, kind, link, params, count)

    key = f"{kind}:{group}"[:120] if group else None
    if key:
        # Ten replies in a minute make one email saying "10 new replies", not ten emails.
        waiting = _queued_of_group(user.id, key)
        if waiting is not None and outbox.replace_queued(waiting, user, build):
            return
    outbox.queue_for(user, "notification", build, dedupe_key=key)


@receivers.on(notification_created)
def _notification_created(
    kind: str,
    *,
    user_ids: list[int],
    link: str | None,
    group: str | None,
    params: dict[str, Any],
    counts: dict[int, int],
) -> None:
    choices = choices_of(user_ids, category_of(kind))
    wanted = [user_id for user_id, delivery in choices.items() if delivery != Delivery.in_app]
    if not wanted:
        return
    # Only confirmed addresses of active accounts get email; the in-app entry is there anyway.
    members = db.session.scalars(
        sa.select(User).where(
            User.id.in_(wanted),
            User.verified_at.is_not(None),
            User.suspended_at.is_(None),
            User.deleted_at.is_(None),
        )
    )
    for member in members:
        delivery, count = choices[member.id], counts.get(member.id, 1)
        if delivery == Delivery.immediate:
            _send_now(member, kind, link, group, params, count)
        else:
            digests.add_entry(
                member, kind, delivery, link=link, group=group, params=params, count=count
            )


@receivers.on(member_registering)
def _member_registering(user: User) -> None:
    if user.verified_at is None:
        queue_verification(user)


@receivers.on(events.member_deleted)
def _member_deleted(user: User, *, votes_removed: int) -> None:
    """The member's mail goes with their personal data: queued, sent and failed messages
    (they hold the address and what was written to it), digest entries and choices."""
    for model in (OutboxMessage, DigestEntry, MailPreference):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    user.time_zone = None
