"""What follows a case-study action, in the action's transaction: the audit row, who is told,
who follows; and the link an adapted challenge keeps to its case study.

The audit log's table of action names is extended here; the notifications' texts live with
the others in livinglab.notifications.services (the translation guard reads them there).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from livinglab import events
from livinglab.accounts.models import Role, User
from livinglab.audit.labels import ACTION_LABELS
from livinglab.audit.services import record
from livinglab.casestudies import services, signals
from livinglab.casestudies.models import KnowledgeLink
from livinglab.core.links import path_for
from livinglab.core.receivers import Receivers
from livinglab.extensions import db
from livinglab.follows.services import add_follow, follower_ids
from livinglab.notifications.services import notify_many, push_unread_counts

AUDIT_LABELS = {
    "case_study.created": _l("Case study written"),
    "case_study.edited": _l("Case study edited"),
    "case_study.published": _l("Case study published"),
    "case_study.adapted": _l("Case study adapted as a challenge"),
    "case_study.linked": _l("Case study linked to what it inspired"),
}


receivers = Receivers()


def _pushed(told: list[int]) -> None:
    """The unread counts of those told, pushed once the action is committed."""
    if told:
        events.on_commit(lambda: push_unread_counts(told))


def _link(case: Any) -> str:
    return path_for("casestudies.show", case_id=case.id)


def _watchers(case: Any, actor: Any) -> set[int]:
    """Its author and its followers, not the one who acted."""
    return (follower_ids("case_study", case.id) | case.author_ids) - {actor.id}


@receivers.on(signals.case_study_created)
def _created(case: Any, *, actor: Any) -> None:
    record(actor, "case_study.created", case, city_id=case.city_id)
    add_follow(actor.id, "case_study", case.id)


@receivers.on(signals.case_study_edited)
def _edited(case: Any, *, actor: Any) -> None:
    if case.is_published:  # drafts change freely; what the public saw leaves a trace
        record(actor, "case_study.edited", case, city_id=case.city_id)


@receivers.on(signals.case_study_submitted)
def _submitted(case: Any, *, actor: Any) -> None:
    reps = set(
        db.session.scalars(
            sa.select(User.id).where(
                User.city_id == case.city_id,
                User.role == Role.city_rep,
                User.suspended_at.is_(None),
                User.deleted_at.is_(None),
            )
        )
    )
    who = actor.display_name
    told = notify_many(
        reps - {actor.id}, "case_study_submitted", _link(case), title=case.title, name=who
    )
    _pushed(told)


@receivers.on(signals.case_study_published)
def _published(case: Any, *, actor: Any) -> None:
    record(actor, "case_study.published", case, city_id=case.city_id)
    told = case.author_ids - {actor.id}
    _pushed(notify_many(told, "case_study_published", _link(case), title=case.title))


@receivers.on(signals.case_study_adapted)
def _adapted(case: Any, *, actor: Any, challenge: Any, link: Any) -> None:
    audit = {"challenge_id": challenge.id, "origin_city_id": case.city_id}
    record(actor, "case_study.adapted", case, city_id=actor.city_id, **audit)
    told = _watchers(case, actor)
    city = actor.city.name
    _pushed(notify_many(told, "case_study_adapted", _link(case), title=case.title, city=city))


@receivers.on(signals.case_study_linked)
def _linked(case: Any, *, actor: Any, link: Any, title: str) -> None:
    target = {"target_type": link.target_type, "target_id": link.target_id}
    record(actor, "case_study.linked", case, city_id=link.city_id, **target)
    told = _watchers(case, actor)
    _pushed(notify_many(told, "case_study_linked", _link(case), title=case.title, target=title))


@receivers.on(events.challenge_proposed)
def _challenge_proposed(challenge: Any, *, actor: Any) -> None:
    """A challenge proposed as the adaptation of a case study keeps the link to it."""
    adapting = services.adapting.get()
    if adapting is None or adapting[0].id != actor.id:
        return
    case = adapting[1]
    link = KnowledgeLink(
        case_study_id=case.id,
        target_type="challenge",
        target_id=challenge.id,
        relation="adapted",
        city_id=challenge.lead_city_id,
        created_by_id=actor.id,
    )
    db.session.add(link)
    db.session.flush()
    events.send(signals.case_study_adapted, case, actor=actor, challenge=challenge, link=link)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    ACTION_LABELS.update(AUDIT_LABELS)
    receivers.connect_all()
