"""The links notifications store read exactly as they always did, and are made without a
request: a command (the scheduler, ``flask`` commands) tells members as a page does.

Each receiver is called as its event would call it, inside an app context only (what a
command has): ``url_for`` there needs SERVER_NAME and would build absolute URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace as Obj
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.notifications import subscriptions as receivers
from livinglab.notifications.models import Notification


def _idea(author_id: int) -> Obj:
    return Obj(id=41, title="Rose signs", author_id=author_id, author_ids={author_id})


def _pilot(team_id: int, pilot_id: int = 7) -> Obj:
    return Obj(id=pilot_id, title="Rose signs", team_ids={team_id}, city=Obj(name="Pavia"))


# (what happened, called with the member told and someone else who acted; the link stored)
CASES: dict[str, tuple[Callable[[int, Any], None], str]] = {
    "phase": (
        lambda told, actor: receivers._challenge_phase_changing(
            Obj(id=3, title="T", proposer_id=told, phase=Phase.open),
            actor=actor,
            previous=Phase.proposed,
            reason="",
        ),
        "/challenges/3",
    ),
    "role request": (
        lambda told, actor: receivers._role_request_decided(
            Obj(role=Role.expert), actor=actor, member=Obj(id=told), grant=True, reason=""
        ),
        "/profile",
    ),
    "role": (
        lambda told, actor: receivers._role_changing(
            Obj(id=told, role=Role.expert),
            actor=actor,
            previous=Role.participant,
            reason="",
            via="",
        ),
        "/profile",
    ),
    "invitation": (
        lambda told, actor: receivers._coauthors_invited(
            _idea(actor.id), inviter=actor, members=[Obj(id=told)]
        ),
        "/activity",
    ),
    "invitation answered": (
        lambda told, actor: receivers._coauthor_answered(_idea(told), member=actor, accept=True),
        "/ideas/41",
    ),
    "approved": (
        lambda told, actor: receivers._idea_decided(
            _idea(told), actor=actor, city=Obj(name="Pavia"), pilot=Obj(id=9), reason=""
        ),
        "/pilots/9",
    ),
    "rejected": (
        lambda told, actor: receivers._idea_decided(
            _idea(told), actor=actor, city=Obj(name="Pavia"), pilot=None, reason="No."
        ),
        "/ideas/41",
    ),
    "pilot update": (
        lambda told, actor: receivers._pilot_changing(_pilot(told), actor=actor, what="update"),
        "/pilots/7",
    ),
    "replication": (
        lambda told, actor: receivers._pilot_replicated(
            _pilot(told, 12), actor=Obj(id=actor.id, city=Obj(name="Turku")), origin=_pilot(told)
        ),
        "/pilots/12",
    ),
    "review": (
        lambda told, actor: receivers._review_created(Obj(), actor=actor, idea=_idea(told)),
        "/ideas/41#reviews",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_stored_link_reads_as_before_even_from_a_command(
    app: Flask, make_user, case: str
) -> None:
    told, acting = make_user(), make_user(Role.admin)
    tell, link = CASES[case]
    with app.app_context():  # no request, as in a command
        tell(told.id, Obj(id=acting.id, display_name=acting.display_name, city=Obj(name="Pavia")))
        stored = db.session.scalars(
            sa.select(Notification.link).where(Notification.user_id == told.id)
        ).all()
    assert stored == [link]
