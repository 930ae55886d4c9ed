"""Decisions by host cities, pilots through their lifecycle, replication, the library."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.ideas.models import Idea, IdeaStatus
from livinglab.pilots.models import (
    Decision,
    Indicator,
    IndicatorValue,
    Milestone,
    Pilot,
    PilotStatus,
)
from livinglab.reviews.models import Review
from tests.factories import make_challenge, make_idea

# The lessons' names, the same in the form, the API's ``lessons`` object and its errors.
LESSONS = {
    "worked": "Students ran it.",
    "failed": "Winter evenings.",
    "costs": "4,000 € from the city.",
    "circular_value": "Reused stalls.",
}


@pytest.fixture
def selected(db_read, make_user):
    """An idea of a Pavia–Coimbra challenge in selection, reviewed once."""
    author = make_user(city="turku", name="Aino Virtanen")
    expert = make_user(Role.expert, "hildesheim")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.selection)
    )
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))

    def review():
        db.session.add(
            Review(
                idea_id=idea_id,
                expert_id=expert.id,
                heritage_value=4,
                feasibility=4,
                circularity=4,
                youth_involvement=4,
                replicability=4,
                assessment="ok",
                no_conflict=True,
            )
        )
        db.session.commit()

    db_read(review)
    return idea_id, author, challenge_id


def decide(client, idea_id, city, decision, reason=""):
    return client.post(
        f"/ideas/{idea_id}/decisions", data={"city": city, "decision": decision, "reason": reason}
    )


def pilots(db_read):
    return db_read(lambda: db.session.scalars(sa.select(Pilot).order_by(Pilot.id)).all())


def test_approval_in_pavia_and_rejection_in_coimbra(login_as, db_read, selected, client):
    idea_id, author, _ = selected
    pavia, _ = login_as(Role.city_rep, "pavia")
    response = decide(pavia, idea_id, "pavia", "approve")
    assert response.status_code == 302 and response.headers["Location"].startswith("/pilots/")
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    assert decide(coimbra, idea_id, "coimbra", "reject", "").status_code == 400
    assert decide(coimbra, idea_id, "coimbra", "reject", "No budget this year.").status_code == 302
    [pilot] = pilots(db_read)
    assert (pilot.city_id, pilot.status) == (db_read(lambda: pilot.city_id), PilotStatus.planned)
    assert db_read(lambda: db.session.get(Idea, idea_id).status) == IdeaStatus.approved
    log = client.get("/decisions").get_data(as_text=True)
    assert "No budget this year." in log and "approved" in log and "rejected" in log
    assert "No budget this year." not in client.get("/decisions?city=pavia").get_data(as_text=True)
    idea_page = client.get(f"/ideas/{idea_id}").get_data(as_text=True)
    assert "see the pilot" in idea_page and "No budget this year." in idea_page
    actions = db_read(
        lambda: sorted(
            db.session.scalars(
                sa.select(AuditEntry.action).where(AuditEntry.action.like("decision.%"))
            )
        )
    )
    assert actions == ["decision.approved", "decision.rejected"]
    notes = author_notes(db_read, author.id)
    assert sorted(notes) == ["idea_approved", "idea_rejected"]


def author_notes(db_read, user_id):
    from livinglab.notifications.models import Notification

    return db_read(
        lambda: list(
            db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user_id))
        )
    )


@pytest.mark.parametrize(
    ("role", "rep_city", "for_city", "status"),
    [
        (Role.city_rep, "turku", "turku", 403),  # not a host city
        (Role.city_rep, "pavia", "coimbra", 403),  # not their own city
        (Role.expert, "pavia", "pavia", 403),
        (Role.admin, "pavia", "pavia", 403),
        (Role.city_rep, "pavia", "atlantis", 400),
    ],
)
def test_who_may_decide(login_as, db_read, selected, role, rep_city, for_city, status):
    idea_id, *_ = selected
    client, _ = login_as(role, rep_city)
    assert decide(client, idea_id, for_city, "approve").status_code == status
    assert pilots(db_read) == []


def test_decisions_need_selection_a_review_and_happen_once(login_as, db_read, make_user):
    author = make_user(city="turku")
    voting = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    unreviewed = db_read(lambda: make_challenge(lead="pavia", phase=Phase.selection))
    a = db_read(lambda: make_idea(voting, author.id))
    b = db_read(lambda: make_idea(unreviewed, author.id))
    rep, _ = login_as(Role.city_rep, "pavia")
    for idea_id, message in ((a, "selection phase"), (b, "at least one expert review")):
        response = rep.post(
            f"/ideas/{idea_id}/decisions", data={"city": "pavia", "decision": "approve"}
        )
        assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert pilots(db_read) == []


def test_a_second_decision_for_the_same_city_is_refused(login_as, db_read, selected):
    idea_id, *_ = selected
    rep, _ = login_as(Role.city_rep, "pavia")
    decide(rep, idea_id, "pavia", "approve")
    response = decide(rep, idea_id, "pavia", "reject", "changed my mind")
    assert response.status_code == 409
    assert "already decided" in response.get_data(as_text=True)
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Decision.id)))) == 1


@pytest.fixture
def pilot(login_as, db_read, selected):
    idea_id, author, _ = selected
    rep, rep_user = login_as(Role.city_rep, "pavia")
    decide(rep, idea_id, "pavia", "approve")
    return pilots(db_read)[0].id, rep, author


def test_a_pilot_runs_through_milestones_and_an_indicator_to_completion(
    pilot, db_read, client, login_as
):
    pilot_id, rep, _ = pilot
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "running"}).status_code == 302
    for title in ("Stalls built", "First market night"):
        assert (
            rep.post(
                f"/pilots/{pilot_id}/milestones", data={"title": title, "due_date": "2026-12-01"}
            ).status_code
            == 302
        )
    ids = db_read(
        lambda: db.session.scalars(
            sa.select(Milestone.id).where(Milestone.pilot_id == pilot_id)
        ).all()
    )
    page = client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    assert "0 of 2 milestones done" in page
    rep.post(
        f"/pilots/{pilot_id}/milestones/{ids[0]}/done",
        data={"done_on": "2026-11-20", "evidence": "Photos in the update"},
    )
    assert "1 of 2 milestones done" in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    rep.post(
        f"/pilots/{pilot_id}/indicators",
        data={"name": "Visitors", "unit": "people", "baseline": "0", "target": "500"},
    )
    indicator = db_read(lambda: db.session.scalar(sa.select(Indicator.id)))
    for on, value in (("2026-11-01", "120"), ("2026-11-15", "260,5")):
        assert (
            rep.post(
                f"/pilots/{pilot_id}/indicators/{indicator}/values",
                data={"measured_on": on, "value": value},
            ).status_code
            == 302
        )
    assert db_read(
        lambda: db.session.scalars(
            sa.select(IndicatorValue.value).order_by(IndicatorValue.measured_on)
        ).all()
    ) == [120, 260.5]
    assert '<svg class="sparkline"' in client.get(f"/pilots/{pilot_id}").get_data(as_text=True)
    rep.post(
        f"/pilots/{pilot_id}/milestones/{ids[1]}/done",
        data={"done_on": "2026-11-22", "evidence": "Done"},
    )
    rep.post(f"/pilots/{pilot_id}/status", data={"status": "evaluating"})
    response = rep.post(f"/pilots/{pilot_id}/status", data={"status": "completed"})
    assert response.status_code == 400 and 'id="complete-worked-error"' in response.get_data(
        as_text=True
    )
    assert (
        rep.post(f"/pilots/{pilot_id}/status", data={"status": "completed", **LESSONS}).status_code
        == 302
    )
    library = client.get("/good-practices").get_data(as_text=True)
    assert "Students ran it." in library and "4,000 € from the city." in library
    timeline = (
        client.get(f"/pilots/{pilot_id}").get_data(as_text=True).split('data-testid="timeline"')[1]
    )
    for step in (
        "Challenge published",
        "Idea submitted",
        "expert review",
        "Approved as a pilot in Pavia",
        "Milestone done: Stalls built",
        "Completed",
    ):
        assert step in timeline, step


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("milestones", {"title": "", "due_date": ""}, "title"),
        ("milestones", {"title": "x", "due_date": "2026-02-31"}, "due_date"),
        ("milestones", {"title": "x", "due_date": "1850-01-01"}, "due_date"),
        ("indicators", {"name": "Visitors", "unit": "people", "baseline": "lots"}, "baseline"),
        ("indicators", {"name": "", "unit": "people"}, "name"),
        ("updates", {"body": ""}, "body"),
    ],
)
def test_bad_pilot_input_is_explained_at_the_field_and_nothing_is_written(
    pilot, db_read, path, data, field
):
    pilot_id, rep, _ = pilot
    before = db_read(
        lambda: (
            db.session.scalar(sa.select(sa.func.count(Milestone.id))),
            db.session.scalar(sa.select(sa.func.count(Indicator.id))),
        )
    )
    response = rep.post(f"/pilots/{pilot_id}/{path}", data=data)
    assert response.status_code == 400
    key = {"milestones": "milestone", "indicators": "indicator", "updates": "update"}[path]
    assert f'id="{key}-{field}-error"' in response.get_data(as_text=True)
    after = db_read(
        lambda: (
            db.session.scalar(sa.select(sa.func.count(Milestone.id))),
            db.session.scalar(sa.select(sa.func.count(Indicator.id))),
        )
    )
    assert after == before


def test_an_indicator_value_must_be_a_number(pilot, db_read):
    pilot_id, rep, _ = pilot
    rep.post(f"/pilots/{pilot_id}/indicators", data={"name": "Visitors", "unit": "people"})
    indicator = db_read(lambda: db.session.scalar(sa.select(Indicator.id)))
    for bad in ("many", "nan", "inf", "1e400", ""):
        response = rep.post(
            f"/pilots/{pilot_id}/indicators/{indicator}/values",
            data={"measured_on": "2026-11-01", "value": bad},
        )
        assert response.status_code == 400, bad
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(IndicatorValue.id)))) == 0


def test_status_jumps_the_lifecycle_does_not_allow(pilot, db_read):
    pilot_id, rep, _ = pilot
    response = rep.post(f"/pilots/{pilot_id}/status", data={"status": "completed", **LESSONS})
    assert response.status_code == 409
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "halted"}).status_code == 400, (
        "halting needs a reason"
    )
    assert rep.post(f"/pilots/{pilot_id}/status", data={"status": "flying"}).status_code == 400
    assert db_read(lambda: db.session.get(Pilot, pilot_id).status) == PilotStatus.planned


def test_who_manages_a_pilot(pilot, login_as, db_read, app):
    pilot_id, _, author = pilot
    for role, city in (
        (Role.city_rep, "coimbra"),
        (Role.participant, "pavia"),
        (Role.expert, "hildesheim"),
    ):
        other, _ = login_as(role, city)
        assert other.post(f"/pilots/{pilot_id}/milestones", data={"title": "x"}).status_code == 403
    team = app.test_client()
    team.post("/login", data={"email": author.email, "password": "correct horse battery"})
    assert (
        team.post(f"/pilots/{pilot_id}/milestones", data={"title": "By the team"}).status_code
        == 302
    )


def test_replication_into_another_city(pilot, login_as, db_read, client):
    pilot_id, rep, _ = pilot
    turku, _ = login_as(Role.city_rep, "turku")
    assert turku.post(f"/pilots/{pilot_id}/replicate").status_code == 409, (
        "a planned pilot is not replicated yet"
    )
    rep.post(f"/pilots/{pilot_id}/milestones", data={"title": "Stalls built"})
    rep.post(
        f"/pilots/{pilot_id}/indicators",
        data={"name": "Visitors", "unit": "people", "target": "500"},
    )
    rep.post(f"/pilots/{pilot_id}/status", data={"status": "running"})
    assert rep.post(f"/pilots/{pilot_id}/replicate").status_code == 403, "not into its own city"
    response = turku.post(f"/pilots/{pilot_id}/replicate")
    assert response.status_code == 302
    copy = pilots(db_read)[-1]
    assert copy.origin_id == pilot_id and copy.status == PilotStatus.planned
    titles = db_read(
        lambda: db.session.scalars(
            sa.select(Milestone.title).where(Milestone.pilot_id == copy.id)
        ).all()
    )
    assert titles == ["Stalls built"]
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(Indicator.target).where(Indicator.pilot_id == copy.id)
            )
        )
        == 500
    )
    assert turku.post(f"/pilots/{pilot_id}/replicate").status_code == 409, "once per city"
    assert (
        "Turku"
        in client.get(f"/pilots/{pilot_id}")
        .get_data(as_text=True)
        .split('data-testid="replicas"')[1][:400]
    )
    participant, _ = login_as(Role.participant, "iasi")
    assert participant.post(f"/pilots/{pilot_id}/replicate").status_code == 403


def test_pilot_changes_are_broadcast(pilot, socket_client):
    pilot_id, rep, _ = pilot
    watcher = socket_client()
    assert watcher.emit("join", {"room": f"pilot:{pilot_id}"}, callback=True)["ok"] is True
    rep.post(f"/pilots/{pilot_id}/status", data={"status": "running"})
    events = [m["args"][0] for m in watcher.get_received() if m["name"] == "pilot.updated"]
    assert events == [{"pilot_id": pilot_id, "what": "status", "status": "running"}]


def test_pilot_lists_and_unknown_ids(pilot, client):
    pilot_id, rep, _ = pilot
    assert f'/pilots/{pilot_id}"' in client.get("/pilots?city=pavia&status=planned").get_data(
        as_text=True
    )
    assert f'/pilots/{pilot_id}"' not in client.get("/pilots?city=turku").get_data(as_text=True)
    assert client.get("/pilots/999999").status_code == 404
    assert rep.post("/pilots/999999/milestones", data={"title": "x"}).status_code == 404
    assert rep.post(f"/pilots/{pilot_id}/milestones/999999/done", data={}).status_code == 404
