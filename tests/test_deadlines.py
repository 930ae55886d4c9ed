"""Deadlines that act (issue 16): a phase ends with its deadline day, votes are refused from
that moment in every face, the scheduler's job moves the challenge on as the platform, and
pages count the days down."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from livinglab import create_app, scheduler
from livinglab.accounts.models import Role
from livinglab.audit.models import AuditEntry
from livinglab.challenges import deadlines
from livinglab.challenges.models import Challenge, Phase
from livinglab.challenges.services import close_passed_phases
from livinglab.extensions import db
from livinglab.follows.models import Follow
from livinglab.notifications.models import Notification
from livinglab.votes.models import Vote
from tests.conftest import dispose, reset_database
from tests.factories import make_challenge, make_idea
from tests.test_api import error_of, token_for
from tests.test_challenges import PROPOSAL, propose

DEADLINE = date(2030, 5, 10)
CLOSES = deadlines.closes_at(DEADLINE)  # midnight ending 10 May in Brussels: 22:00 UTC


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` sets the time every deadline rule reads."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(deadlines, "now", lambda: moment)

    return set_to


def set_deadlines(db_read, challenge_id: int, **days: date | None) -> None:
    def write() -> None:
        db.session.execute(sa.update(Challenge).where(Challenge.id == challenge_id).values(**days))
        db.session.commit()

    db_read(write)


def challenge_row(db_read, challenge_id: int) -> Challenge:
    return db_read(lambda: db.session.get(Challenge, challenge_id))


@pytest.fixture
def in_voting(db_read, make_user):
    """A Pavia challenge in voting until DEADLINE, with two ideas by a Turku author."""
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(lead="pavia", phase=Phase.voting))
    set_deadlines(db_read, challenge_id, voting_deadline=DEADLINE)
    ideas = [db_read(lambda: make_idea(challenge_id, author.id)) for _ in range(2)]
    return challenge_id, ideas


def votes_of(db_read, user_id: int) -> int:
    return db_read(
        lambda: db.session.scalar(sa.select(sa.func.count(Vote.id)).where(Vote.user_id == user_id))
    )


# --- The moment a day ends ------------------------------------------------------------------


def test_a_deadline_day_ends_at_midnight_in_the_platform_zone(app):
    with app.app_context():
        assert deadlines.closes_at(DEADLINE).isoformat() == "2030-05-11T00:00:00+02:00"
        late_on_the_day = datetime.fromisoformat("2030-05-10T21:59:59+00:00")
        assert deadlines.today(late_on_the_day) == DEADLINE
        assert deadlines.today(CLOSES) == DEADLINE + timedelta(days=1)


@pytest.mark.parametrize(
    ("moment", "days_left", "closed", "today"),
    [
        (CLOSES - timedelta(days=9, seconds=1), 9, False, False),
        (CLOSES - timedelta(seconds=1), 0, False, True),
        (CLOSES + timedelta(seconds=1), -1, True, False),
    ],
)
def test_the_countdown_of_the_current_phase(app, moment, days_left, closed, today):
    with app.app_context():
        challenge = Challenge(phase=Phase.voting, voting_deadline=DEADLINE)
        left = deadlines.countdown(challenge, moment)
        assert left is not None
        assert (left.days_left, left.closed, left.closes_today) == (days_left, closed, today)
        assert deadlines.countdown(Challenge(phase=Phase.voting), moment) is None
        assert deadlines.countdown(Challenge(phase=Phase.closed, voting_deadline=DEADLINE)) is None


# --- Votes refused once voting closed, in every face ----------------------------------------


def test_a_vote_one_second_before_the_deadline_counts(login_as, db_read, in_voting, clock):
    _, ideas = in_voting
    clock(CLOSES - timedelta(seconds=1))
    member, me = login_as(city="iasi")
    assert member.post(f"/ideas/{ideas[0]}/vote").status_code == 302
    assert votes_of(db_read, me.id) == 1


def test_a_vote_one_second_after_the_deadline_is_refused_with_the_day(
    login_as, db_read, in_voting, clock
):
    challenge_id, ideas = in_voting
    clock(CLOSES - timedelta(seconds=1))
    member, me = login_as(city="iasi")
    assert member.post(f"/ideas/{ideas[0]}/vote").status_code == 302
    clock(CLOSES + timedelta(seconds=1))
    response = member.post(f"/ideas/{ideas[1]}/vote")
    assert response.status_code == 303
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "Voting closed on May 10, 2030." in page
    # Nor can the vote cast in time be withdrawn any more: the vote is over.
    response = member.post(f"/ideas/{ideas[0]}/vote/withdraw")
    assert response.status_code == 303
    assert votes_of(db_read, me.id) == 1
    assert challenge_row(db_read, challenge_id).phase == Phase.voting  # not moved yet
    # The pages say so instead of offering a button or a budget.
    listing = member.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert 'data-testid="vote-refusal"' in listing and "Voting closed on May 10, 2030." in listing
    assert 'data-testid="vote"' not in listing and "votes left" not in listing
    assert "Closed on May 10, 2030" in listing


def test_the_api_refuses_a_late_vote_with_a_409_that_says_when(
    client, make_user, db_read, in_voting, clock
):
    _, ideas = in_voting
    member = make_user(city="coimbra")
    headers = token_for(client, member)
    clock(CLOSES - timedelta(seconds=1))
    assert client.post(f"/api/v1/ideas/{ideas[0]}/vote", headers=headers).status_code == 201
    clock(CLOSES + timedelta(seconds=1))
    response = client.post(f"/api/v1/ideas/{ideas[1]}/vote", headers=headers)
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and error["message"] == "Voting closed on May 10, 2030."
    response = client.delete(f"/api/v1/ideas/{ideas[0]}/vote", headers=headers)
    assert response.status_code == 409
    assert votes_of(db_read, member.id) == 1


def test_the_closing_day_reads_in_the_readers_language(login_as, in_voting, clock):
    _, ideas = in_voting
    clock(CLOSES + timedelta(seconds=1))
    member, _ = login_as(city="pavia")
    member.set_cookie("lang", "it")
    response = member.post(f"/ideas/{ideas[0]}/vote")
    assert response.status_code == 303
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    refusal = page[page.index('class="flash flash-error"') :].split("</p>", 1)[0]
    assert "10 maggio 2030" in refusal  # the refusal's date, in the reader's language


def test_ideas_are_refused_after_the_ideas_deadline(login_as, db_read, clock):
    challenge_id = db_read(lambda: make_challenge(phase=Phase.open))
    set_deadlines(db_read, challenge_id, ideas_deadline=DEADLINE)
    student, _ = login_as(city="turku")
    clock(CLOSES - timedelta(seconds=1))
    assert student.get(f"/challenges/{challenge_id}/ideas/new").status_code == 200
    clock(CLOSES + timedelta(seconds=1))
    response = student.get(f"/challenges/{challenge_id}/ideas/new")
    assert response.status_code == 409
    assert "Ideas could be submitted until May 10, 2030." in response.get_data(as_text=True)


def test_a_deadline_that_has_passed_is_refused_at_its_field(login_as, db_read, clock):
    clock(CLOSES + timedelta(days=3))  # 14 May 2030
    student, _ = login_as(city="pavia")
    response = propose(student, voting_deadline="2030-05-12")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="voting_deadline-error"' in page and "This day has passed" in page
    assert 'value="2030-05-12"' in page  # what was typed stays

    # A challenge in voting keeps its ideas deadline of the past when it is edited.
    challenge_id = db_read(lambda: make_challenge(phase=Phase.voting))
    set_deadlines(db_read, challenge_id, ideas_deadline=date(2030, 4, 1))
    rep, _ = login_as(Role.city_rep, "pavia")
    data = {**PROPOSAL, "themes": ["conservation"], "ideas_deadline": "2030-04-01"}
    assert rep.post(f"/challenges/{challenge_id}/edit", data=data).status_code == 302
    late = {**data, "voting_deadline": "2030-05-13"}
    response = rep.post(f"/challenges/{challenge_id}/edit", data=late)
    assert response.status_code == 400 and 'id="voting_deadline-error"' in response.get_data(
        as_text=True
    )
    assert challenge_row(db_read, challenge_id).voting_deadline is None


# --- The scheduler's job ----------------------------------------------------------------------


def follow(db_read, user_id: int, challenge_id: int) -> None:
    def write() -> None:
        db.session.add(Follow(user_id=user_id, target_type="challenge", target_id=challenge_id))
        db.session.commit()

    db_read(write)


def test_the_job_moves_a_passed_phase_once_as_the_platform_and_tells_followers(
    db_read, make_user, in_voting
):
    challenge_id, _ = in_voting
    follower = make_user(city="salamanca")
    follow(db_read, follower.id, challenge_id)
    untouched = db_read(lambda: make_challenge(phase=Phase.voting))  # no deadline
    later = db_read(lambda: make_challenge(phase=Phase.voting))
    set_deadlines(db_read, later, voting_deadline=DEADLINE + timedelta(days=1))

    assert db_read(lambda: close_passed_phases(CLOSES - timedelta(seconds=1))) == 0
    assert challenge_row(db_read, challenge_id).phase == Phase.voting
    assert db_read(lambda: close_passed_phases(CLOSES + timedelta(seconds=1))) == 1
    assert db_read(lambda: close_passed_phases(CLOSES + timedelta(seconds=2))) == 0  # idempotent
    assert challenge_row(db_read, challenge_id).phase == Phase.selection
    assert challenge_row(db_read, untouched).phase == Phase.voting
    assert challenge_row(db_read, later).phase == Phase.voting

    entries = db_read(
        lambda: db.session.scalars(
            sa.select(AuditEntry).where(
                AuditEntry.subject_type == "challenge", AuditEntry.subject_id == challenge_id
            )
        ).all()
    )
    assert [(e.action, e.actor_id) for e in entries] == [("challenge.phase_changed", None)]
    assert entries[0].details == {
        "previous": "voting",
        "phase": "selection",
        "reason": "voting_deadline 2030-05-10",
    }
    told = db_read(
        lambda: db.session.scalars(
            sa.select(Notification).where(Notification.user_id == follower.id)
        ).all()
    )
    assert [(n.kind, n.params.get("phase")) for n in told] == [("challenge_phase", "selection")]


def test_the_job_catches_up_on_every_deadline_that_passed(db_read):
    challenge_id = db_read(lambda: make_challenge(phase=Phase.open))
    set_deadlines(
        db_read,
        challenge_id,
        ideas_deadline=DEADLINE - timedelta(days=14),
        voting_deadline=DEADLINE,
        selection_deadline=DEADLINE + timedelta(days=14),
    )
    assert db_read(lambda: close_passed_phases(CLOSES + timedelta(seconds=1))) == 2
    assert challenge_row(db_read, challenge_id).phase == Phase.selection
    actions = db_read(
        lambda: db.session.scalars(
            sa.select(AuditEntry.details["phase"].as_string())
            .where(AuditEntry.subject_id == challenge_id, AuditEntry.subject_type == "challenge")
            .order_by(AuditEntry.id)
        ).all()
    )
    assert actions == ["voting", "selection"]


def test_a_phase_moved_by_hand_meanwhile_is_left_alone(login_as, db_read, in_voting):
    challenge_id, _ = in_voting
    rep, _ = login_as(Role.city_rep, "pavia")
    assert rep.post(f"/challenges/{challenge_id}/phase/selection").status_code == 302
    assert db_read(lambda: close_passed_phases(CLOSES + timedelta(seconds=1))) == 0
    assert challenge_row(db_read, challenge_id).phase == Phase.selection


def test_other_domains_register_jobs_and_one_failure_stops_no_other(db_read, monkeypatch):
    scheduler.registered()  # every domain's jobs declared in the real registry before the copy
    monkeypatch.setattr(scheduler, "_JOBS", dict(scheduler._JOBS))
    ran: list[datetime] = []

    @scheduler.job("a-test-reminder")
    def remind(now: datetime) -> int:
        ran.append(now)
        return 3

    def broken(now: datetime) -> int:
        raise RuntimeError("no luck")

    scheduler.register("a-broken-job", broken)
    names = [j.name for j in db_read(scheduler.registered)]
    assert {"challenge-deadlines", "a-test-reminder", "a-broken-job"} <= set(names)
    outcomes = {
        o.name: o for o in db_read(lambda: scheduler.run_jobs(scheduler.registered(), CLOSES))
    }
    assert outcomes["a-test-reminder"].done == 3 and ran == [CLOSES]
    assert outcomes["a-broken-job"].error == "RuntimeError: no luck"
    assert outcomes["challenge-deadlines"].error is None


def test_run_due_jobs_is_the_command_for_cron(app, db_read, in_voting, clock):
    challenge_id, _ = in_voting
    runner = app.test_cli_runner()
    result = runner.invoke(args=["run-due-jobs", "--job", "challenge-deadlines"])
    assert result.exit_code == 0 and "challenge-deadlines: 0" in result.output
    assert challenge_row(db_read, challenge_id).phase == Phase.voting  # its deadline is to come
    set_deadlines(db_read, challenge_id, voting_deadline=date(2020, 1, 1))
    result = runner.invoke(args=["run-due-jobs"])
    assert result.exit_code == 0 and "challenge-deadlines: 1" in result.output
    assert challenge_row(db_read, challenge_id).phase == Phase.selection
    assert runner.invoke(args=["run-due-jobs", "--job", "nonsense"]).exit_code == 2


def test_the_testing_config_starts_no_scheduler_thread(app, client):
    assert not app.config["SCHEDULER_THREAD"]
    client.get("/healthz")
    assert id(app) not in scheduler._loops


def test_the_server_thread_moves_passed_phases_when_configured(tmp_path):
    """SCHEDULER_THREAD: the first request starts the thread, whose first round moves what
    is due at once (deadlines that passed while the server was down)."""
    server = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'scheduler.sqlite3'}",
            "SCHEDULER_THREAD": True,
            "SCHEDULER_POLL_SECONDS": 0.1,
        },
    )
    reset_database(server)
    with server.app_context():
        challenge_id = make_challenge(phase=Phase.voting)
        db.session.execute(
            sa.update(Challenge)
            .where(Challenge.id == challenge_id)
            .values(voting_deadline=date(2020, 1, 1))
        )
        db.session.commit()
    try:
        assert server.test_client().get("/challenges/").status_code == 200
        assert scheduler._loops[id(server)].thread.is_alive()
        deadline = time.monotonic() + 10
        phase = Phase.voting
        while phase == Phase.voting and time.monotonic() < deadline:
            time.sleep(0.05)
            with server.app_context():
                phase = db.session.get(Challenge, challenge_id).phase
        assert phase == Phase.selection
    finally:
        scheduler.stop_thread(server)
        dispose(server)
    assert id(server) not in scheduler._loops
