"""Voting under load, with real concurrent requests (threads) on a real, committed database:
SQLite by default, PostgreSQL when LIVINGLAB_TEST_DATABASE_URL says so (a database of its own)."""

from __future__ import annotations

import contextlib
import os
import random
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab import create_app
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.votes.models import Vote
from livinglab.votes.services import counts
from tests.conftest import PASSWORD, dispose, reset_database
from tests.factories import make_challenge, make_idea, members_accept_terms

MEMBERS = 24
IDEAS = 4
BUDGET = 3


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[Flask, int, list[int], list[str]]]:
    """An app on its own database with a challenge in voting, four ideas and 24 members."""
    base = os.environ.get("LIVINGLAB_TEST_DATABASE_URL")
    created = None
    if base:
        created = f"livinglab_votes_{uuid.uuid4().hex[:8]}"
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        url = admin.rsplit("/", 1)[0] + f"/{created}"
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("votes") / "votes.sqlite3")
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 30, "max_overflow": 10} if base else {},
        },
    )
    reset_database(app)
    with app.app_context():
        from livinglab.accounts.models import Role, User
        from livinglab.accounts.passwords import hash_password
        from livinglab.cities.models import City

        cities = list(db.session.scalars(sa.select(City).order_by(City.id)))
        hashed = hash_password(PASSWORD)
        emails = [f"voter{n}@example.org" for n in range(MEMBERS)]
        author = User(
            email="author@example.org",
            display_name="Author",
            password_hash=hashed,
            city_id=cities[0].id,
            role=Role.participant,
        )
        db.session.add(author)
        db.session.add_all(
            User(
                email=e,
                display_name=e,
                password_hash=hashed,
                city_id=cities[n % 8].id,
                role=Role.participant,
            )
            for n, e in enumerate(emails)
        )
        db.session.commit()
        members_accept_terms()
        challenge_id = make_challenge(phase=Phase.voting)
        ideas = [make_idea(challenge_id, author.id) for _ in range(IDEAS)]
    try:
        yield app, challenge_id, ideas, emails
    finally:
        dispose(app)
        if created:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def signed_in(app: Flask, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def storm(calls: list, workers: int = 16) -> list[int]:
    """Runs the calls as simultaneously as threads allow and returns their status codes."""
    barrier = threading.Barrier(min(workers, len(calls)))

    def run(call):
        with contextlib.suppress(threading.BrokenBarrierError):  # fewer calls left than threads
            barrier.wait(timeout=5)
        return call()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def state(app: Flask, challenge_id: int) -> tuple[dict[int, int], dict[int, int], int]:
    with app.app_context():
        per_member = dict(
            db.session.execute(
                sa.select(Vote.user_id, sa.func.count())
                .where(Vote.challenge_id == challenge_id)
                .group_by(Vote.user_id)
            ).all()
        )
        rows = dict(
            db.session.execute(
                sa.select(Vote.idea_id, sa.func.count())
                .where(Vote.challenge_id == challenge_id)
                .group_by(Vote.idea_id)
            ).all()
        )
        shown = counts(list(rows))
        duplicates = db.session.scalar(
            sa.select(sa.func.count()).select_from(
                sa.select(Vote.idea_id, Vote.user_id)
                .group_by(Vote.idea_id, Vote.user_id)
                .having(sa.func.count() > 1)
                .subquery()
            )
        )
        assert shown == rows, "the count every page shows is the number of stored votes"
        return per_member, rows, duplicates


def test_one_member_clicking_everywhere_at_once_never_exceeds_the_budget(live):
    app, challenge_id, ideas, emails = live
    client = signed_in(app, emails[0])
    calls = [
        lambda i=i: client.post(f"/ideas/{ideas[i % IDEAS]}/vote").status_code for i in range(24)
    ]
    statuses = storm(calls)
    per_member, _, duplicates = state(app, challenge_id)
    assert per_member.get(_user_id(app, emails[0])) == BUDGET
    assert statuses.count(302) == BUDGET, statuses
    assert duplicates == 0


def test_many_members_voting_at_once_stay_within_budget_and_counts_are_exact(live):
    app, challenge_id, ideas, emails = live
    clients = [signed_in(app, e) for e in emails[1:]]
    calls = [
        lambda c=c, i=i: c.post(f"/ideas/{i}/vote").status_code for c in clients for i in ideas
    ]
    random.Random(7).shuffle(calls)
    statuses = storm(calls)
    per_member, rows, duplicates = state(app, challenge_id)
    assert duplicates == 0
    assert all(n <= BUDGET for n in per_member.values())
    assert statuses.count(302) == sum(rows.values()) - BUDGET  # the first test's member kept 3
    assert sorted(per_member[_user_id(app, e)] for e in emails[1:]) == [BUDGET] * len(clients)


def test_voting_and_withdrawing_interleaved_keeps_every_invariant(live):
    app, challenge_id, ideas, emails = live
    clients = [signed_in(app, e) for e in emails[:12]]
    rng = random.Random(11)
    calls = []
    for c in clients:
        for _ in range(8):
            idea = rng.choice(ideas)
            path = f"/ideas/{idea}/vote" if rng.random() < 0.5 else f"/ideas/{idea}/vote/withdraw"
            calls.append(lambda c=c, path=path: c.post(path).status_code)
    statuses = storm(calls)
    assert set(statuses) <= {302, 303}, "refusals are answered, never a 500"
    per_member, _, duplicates = state(app, challenge_id)
    assert duplicates == 0
    assert all(0 <= n <= BUDGET for n in per_member.values())


def _user_id(app: Flask, email: str) -> int:
    from livinglab.accounts.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))
