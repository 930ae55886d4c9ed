"""Challenges: propose, publish with co-hosts, decline, move through phases — and who may not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.challenges.models import Challenge, Phase
from livinglab.extensions import db
from livinglab.notifications.models import Notification
from tests.factories import make_challenge

PROPOSAL = {
    "title": "Lights for the Ticino bridge",
    "summary": "Young artists relight the covered bridge.",
    "body": "The **Ponte Coperto** deserves a night life.",
    "themes": ["youth-engagement", "conservation"],
    "lead_city": "pavia",
    "votes_per_member": "3",
}


def challenge_row(db_read, challenge_id: int) -> Challenge:
    return db_read(lambda: db.session.get(Challenge, challenge_id))


def challenge_count(db_read) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(Challenge.id))))


def propose(client, **changes):
    return client.post("/challenges/new", data={**PROPOSAL, **changes})


def test_a_student_proposes_and_the_lead_rep_publishes_with_a_cohost(login_as, db_read, client):
    student, me = login_as(city="pavia")
    response = propose(student)
    assert response.status_code == 302
    challenge_id = int(response.headers["Location"].rsplit("/", 1)[1])
    row = challenge_row(db_read, challenge_id)
    assert row.phase == Phase.proposed and row.proposer_id == me.id
    assert client.get(f"/challenges/{challenge_id}").status_code == 404, "a proposal is not public"

    rep, rep_user = login_as(Role.city_rep, "pavia")
    edit = rep.post(
        f"/challenges/{challenge_id}/edit", data={**PROPOSAL, "cohost_cities": ["coimbra"]}
    )
    assert edit.status_code == 302
    assert rep.post(f"/challenges/{challenge_id}/phase/open").status_code == 302
    row = challenge_row(db_read, challenge_id)
    assert row.phase == Phase.open and row.published_at is not None
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "Ponte Coperto" in page and 'data-testid="cohost">Coimbra' in page
    entry = db_read(
        lambda: db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "challenge.published")
        )
    )
    assert (entry.actor_id, entry.subject_id) == (rep_user.id, challenge_id)
    kinds = db_read(
        lambda: db.session.scalars(
            sa.select(Notification.kind).where(Notification.user_id == me.id)
        ).all()
    )
    assert kinds == ["challenge_phase"]


def test_declining_needs_a_reason_the_proposer_sees(login_as, db_read):
    student, _ = login_as(city="turku")
    challenge_id = int(propose(student, lead_city="turku").headers["Location"].rsplit("/", 1)[1])
    rep, _ = login_as(Role.city_rep, "turku")
    assert rep.post(f"/challenges/{challenge_id}/decline", data={"reason": ""}).status_code == 400
    assert challenge_row(db_read, challenge_id).phase == Phase.proposed
    assert (
        rep.post(
            f"/challenges/{challenge_id}/decline",
            data={"reason": "Already covered by challenge 2."},
        ).status_code
        == 302
    )
    page = student.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "Already covered by challenge 2." in page
    assert "was declined: Already covered by challenge 2." in student.get(
        "/notifications/"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "city", "status"),
    [
        (Role.city_rep, "salamanca", 403),
        (Role.city_rep, "coimbra", 403),  # a co-host, not the lead
        (Role.participant, "pavia", 403),
        (Role.expert, "pavia", 403),
        (Role.admin, "turku", 302),
        (Role.city_rep, "pavia", 302),
    ],
)
def test_only_the_lead_city_or_an_admin_moves_the_phase(login_as, db_read, role, city, status):
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.open)
    )
    client, _ = login_as(role, city)
    assert client.post(f"/challenges/{challenge_id}/phase/voting").status_code == status
    expected = Phase.voting if status == 302 else Phase.open
    assert challenge_row(db_read, challenge_id).phase == expected


def test_anonymous_phase_change_goes_to_sign_in(client, db_read):
    challenge_id = db_read(lambda: make_challenge())
    assert client.post(f"/challenges/{challenge_id}/phase/voting").status_code == 302
    assert challenge_row(db_read, challenge_id).phase == Phase.open


@pytest.mark.parametrize(
    ("start", "target"), [(Phase.open, "closed"), (Phase.voting, "open"), (Phase.closed, "open")]
)
def test_a_phase_cannot_be_skipped_or_undone(login_as, db_read, start, target):
    challenge_id = db_read(lambda: make_challenge(lead="hildesheim", phase=start))
    rep, _ = login_as(Role.city_rep, "hildesheim")
    response = rep.post(f"/challenges/{challenge_id}/phase/{target}")
    assert response.status_code == 409
    assert "cannot move to" in response.get_data(as_text=True)
    assert challenge_row(db_read, challenge_id).phase == start


def test_unknown_phase_or_challenge_is_404(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    rep, _ = login_as(Role.city_rep, "pavia")
    assert rep.post(f"/challenges/{challenge_id}/phase/banana").status_code == 404
    assert rep.post("/challenges/987654/phase/voting").status_code == 404


def test_every_phase_change_is_audited(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge(lead="iasi"))
    rep, _ = login_as(Role.city_rep, "iasi")
    for phase in ("voting", "selection", "closed"):
        assert rep.post(f"/challenges/{challenge_id}/phase/{phase}").status_code == 302
    actions = db_read(
        lambda: db.session.scalars(
            sa.select(AuditEntry.details).where(
                AuditEntry.subject_id == challenge_id,
                AuditEntry.action == "challenge.phase_changed",
            )
        ).all()
    )
    assert [(d["previous"], d["phase"]) for d in actions] == [
        ("open", "voting"),
        ("voting", "selection"),
        ("selection", "closed"),
    ]


def test_votes_per_member_freezes_when_voting_opens(login_as, db_read):
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", phase=Phase.voting, themes=("conservation",))
    )
    rep, _ = login_as(Role.city_rep, "pavia")
    data = {**PROPOSAL, "themes": ["conservation"], "votes_per_member": "5"}
    response = rep.post(f"/challenges/{challenge_id}/edit", data=data)
    assert response.status_code == 409
    assert "frozen once voting has opened" in response.get_data(as_text=True)
    assert challenge_row(db_read, challenge_id).votes_per_member == 3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "t" * 161}, "title", "Field cannot be longer than 160 characters."),
        ({"themes": []}, "themes", "Choose one to three themes."),
        (
            {"themes": ["financing", "governance", "conservation", "youth-engagement"]},
            "themes",
            "Choose one to three themes.",
        ),
        ({"themes": ["astrology"]}, "themes", "is not a valid choice"),
        ({"lead_city": "atlantis"}, "lead_city", "Not a valid choice."),
        ({"cohost_cities": ["gotham"]}, "cohost_cities", "is not a valid choice"),
        ({"votes_per_member": "0"}, "votes_per_member", "Number must be between 1 and 20."),
        ({"votes_per_member": "five"}, "votes_per_member", "Not a valid integer value."),
        (
            {"ideas_deadline": "2027-05-01", "voting_deadline": "2027-04-01"},
            "selection_deadline",
            "Deadlines must follow the phases",
        ),
        ({"ideas_deadline": "31/02/2027"}, "ideas_deadline", "Not a valid date value."),
    ],
)
def test_bad_proposals_are_explained_and_nothing_is_written(
    login_as, db_read, changes, field, message
):
    client, _ = login_as()
    before = challenge_count(db_read)
    response = propose(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page and message in page
    assert challenge_count(db_read) == before


def test_a_proposer_may_edit_only_until_publication(login_as, db_read):
    student, _ = login_as(city="pavia")
    challenge_id = int(propose(student).headers["Location"].rsplit("/", 1)[1])
    assert (
        student.post(
            f"/challenges/{challenge_id}/edit", data={**PROPOSAL, "title": "Renamed"}
        ).status_code
        == 302
    )
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(f"/challenges/{challenge_id}/phase/open")
    assert (
        student.post(
            f"/challenges/{challenge_id}/edit", data={**PROPOSAL, "title": "Again"}
        ).status_code
        == 403
    )
    assert challenge_row(db_read, challenge_id).title == "Renamed"


def test_following_a_challenge(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    client, _ = login_as()
    client.post(f"/challenges/{challenge_id}/follow")
    client.post(f"/challenges/{challenge_id}/follow")  # twice: still one follow
    page = client.get("/activity").get_data(as_text=True)
    assert page.count(f'/challenges/{challenge_id}"') == 1
    client.post(f"/challenges/{challenge_id}/follow", data={"action": "unfollow"})
    assert f'/challenges/{challenge_id}"' not in client.get("/activity").get_data(as_text=True)
