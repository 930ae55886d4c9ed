"""Duplicates at the same instant, with real threads on a real, committed database: SQLite by
default, PostgreSQL when LIVINGLAB_TEST_DATABASE_URL says so (a database of its own)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab import create_app
from livinglab.core.idempotency import IdempotencyKey
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from tests.conftest import PASSWORD, dispose, reset_database
from tests.factories import make_challenge, members_accept_terms

EMAIL = "twice@example.org"


@pytest.fixture(scope="module")
def live() -> Iterator[tuple[Flask, int]]:
    base = os.environ.get("LIVINGLAB_TEST_DATABASE_URL")
    created = None
    if base:
        created = f"livinglab_once_{uuid.uuid4().hex[:8]}"
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        url = admin.rsplit("/", 1)[0] + f"/{created}"
    else:
        import tempfile

        url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "once.sqlite3")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    reset_database(app)
    with app.app_context():
        from livinglab.accounts.models import Role, User
        from livinglab.accounts.passwords import hash_password
        from livinglab.cities.models import City

        city = db.session.scalar(sa.select(City).order_by(City.id))
        db.session.add(
            User(
                email=EMAIL,
                display_name="Twice",
                password_hash=hash_password(PASSWORD),
                city_id=city.id,
                role=Role.participant,
            )
        )
        db.session.commit()
        members_accept_terms()
        challenge_id = make_challenge()
    try:
        yield app, challenge_id
    finally:
        dispose(app)
        if created:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def at_once(calls: list[Callable]) -> list:
    """Runs the calls released together by a barrier, each in its own thread."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def count(app: Flask, statement) -> int:
    with app.app_context():
        return db.session.scalar(statement)


def comment_count(app: Flask, body: str) -> int:
    return count(app, sa.select(sa.func.count(Comment.id)).where(Comment.body == body))


def browser_tabs(app: Flask, n: int) -> list:
    """n test clients holding the same session cookie: one browser sending n requests."""
    first = app.test_client()
    assert first.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302
    cookie = first.get_cookie("session").value
    tabs = [first]
    for _ in range(n - 1):
        tab = app.test_client()
        tab.set_cookie("session", cookie)
        tabs.append(tab)
    return tabs


def test_api_duplicates_with_one_key_at_the_same_instant_write_once(live):
    app, challenge_id = live
    client = app.test_client()
    issued = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {issued.get_json()['token']}", "Idempotency-Key": "k1"}
    clients = [app.test_client() for _ in range(6)]
    body = {"body": "Sent six times at once"}
    path = f"/api/v1/challenges/{challenge_id}/comments"
    responses = at_once([lambda c=c: c.post(path, json=body, headers=headers) for c in clients])
    assert [r.status_code for r in responses] == [201] * 6
    assert len({r.get_data() for r in responses}) == 1, "every retry got the first answer"
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 5
    assert comment_count(app, body["body"]) == 1


def test_api_duplicates_without_a_key_are_separate_writes(live):
    """Two identical POSTs without a key are two comments: legitimate for an API."""
    app, challenge_id = live
    client = app.test_client()
    issued = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    path = f"/api/v1/challenges/{challenge_id}/comments"
    body = {"body": "No key, twice"}
    clients = [app.test_client() for _ in range(2)]
    responses = at_once([lambda c=c: c.post(path, json=body, headers=headers) for c in clients])
    assert [r.status_code for r in responses] == [201, 201]
    assert comment_count(app, body["body"]) == 2


def test_a_double_submitted_comment_form_stores_one_comment(live):
    app, challenge_id = live
    tabs = browser_tabs(app, 2)
    form = {
        "target_type": "challenge",
        "target_id": str(challenge_id),
        "body": "Double click",
        "submission_key": "dblclick-comment-0001",
    }
    responses = at_once([lambda t=t: t.post("/comments", data=form) for t in tabs])
    assert sorted(r.status_code for r in responses) == [302, 303]
    assert len({r.headers["Location"] for r in responses}) == 1, "both land on the one comment"
    assert comment_count(app, "Double click") == 1


def test_a_double_submitted_idea_form_stores_one_idea(live, tmp_path):
    app, challenge_id = live
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    tabs = browser_tabs(app, 3)
    form = {
        "title": "Lanterns on the bridge",
        "summary": "Students light the bridge.",
        "body": "Paper lanterns, one per city.",
        "submission_key": "dblclick-idea-000001",
    }
    path = f"/challenges/{challenge_id}/ideas/new"
    responses = at_once(
        [lambda t=t: t.post(path, data=form, content_type="multipart/form-data") for t in tabs]
    )
    assert sorted(r.status_code for r in responses) == [302, 303, 303]
    ideas = count(
        app, sa.select(sa.func.count(Idea.id)).where(Idea.title == "Lanterns on the bridge")
    )
    assert ideas == 1
    kept = count(
        app, sa.select(sa.func.count(IdempotencyKey.id)).where(IdempotencyKey.key.like("form:%"))
    )
    assert kept >= 1
