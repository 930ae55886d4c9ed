"""Once-only writes: the API's Idempotency-Key header and the forms' submission key."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from livinglab.core.idempotency import IdempotencyKey
from livinglab.database import utcnow
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from tests.conftest import PASSWORD
from tests.factories import make_challenge


def bearer(client, user) -> dict[str, str]:
    issued = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    return {"Authorization": f"Bearer {issued.get_json()['token']}"}


def comments(db_read, challenge_id: int) -> list[str]:
    return db_read(
        lambda: list(
            db.session.scalars(
                sa.select(Comment.body)
                .where(Comment.target_type == "challenge", Comment.target_id == challenge_id)
                .order_by(Comment.id)
            )
        )
    )


def post_comment(client, headers, challenge_id, body="A thought.", key=None):
    if key is not None:
        headers = {**headers, "Idempotency-Key": key}
    return client.post(
        f"/api/v1/challenges/{challenge_id}/comments", json={"body": body}, headers=headers
    )


def test_a_retried_post_returns_the_first_response_and_writes_once(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    auth = bearer(client, make_user())
    first = post_comment(client, auth, challenge_id, key="retry-1")
    again = post_comment(client, auth, challenge_id, key="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert comments(db_read, challenge_id) == ["A thought."]


def test_without_a_key_two_identical_posts_are_two_comments(client, make_user, db_read):
    """Legitimate for an API: the client says which requests are retries by sending a key."""
    challenge_id = db_read(lambda: make_challenge())
    auth = bearer(client, make_user())
    assert post_comment(client, auth, challenge_id).status_code == 201
    assert post_comment(client, auth, challenge_id).status_code == 201
    assert len(comments(db_read, challenge_id)) == 2


def test_the_same_key_for_another_request_is_refused(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    auth = bearer(client, make_user())
    post_comment(client, auth, challenge_id, body="One", key="k-2")
    other = post_comment(client, auth, challenge_id, body="Another", key="k-2")
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert comments(db_read, challenge_id) == ["One"]


def test_keys_belong_to_one_member(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    mine, theirs = bearer(client, make_user()), bearer(client, make_user())
    assert post_comment(client, mine, challenge_id, key="same").status_code == 201
    response = post_comment(client, theirs, challenge_id, key="same")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert len(comments(db_read, challenge_id)) == 2


def test_a_failed_request_frees_its_key(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    auth = bearer(client, make_user())
    empty = post_comment(client, auth, challenge_id, body="", key="fix-me")
    assert empty.status_code == 400
    fixed = post_comment(client, auth, challenge_id, body="Now with words", key="fix-me")
    assert fixed.status_code == 201, "nothing was written, so the key was not used up"
    assert comments(db_read, challenge_id) == ["Now with words"]


def test_an_expired_key_is_a_new_request(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    auth = bearer(client, make_user())
    post_comment(client, auth, challenge_id, key="old")

    def age() -> None:
        db.session.execute(
            sa.update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()

    db_read(age)
    again = post_comment(client, auth, challenge_id, key="old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert len(comments(db_read, challenge_id)) == 2


def test_a_malformed_key_is_explained(client, make_user, db_read):
    challenge_id = db_read(lambda: make_challenge())
    response = post_comment(client, bearer(client, make_user()), challenge_id, key="x" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]
    assert comments(db_read, challenge_id) == []


def test_token_answers_are_never_stored(client, make_user, db_read):
    user = make_user()
    for _ in range(2):
        issued = client.post(
            "/api/v1/tokens",
            json={"email": user.email, "password": PASSWORD},
            headers={"Idempotency-Key": "login"},
        )
        assert issued.status_code == 201
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id)))) == 0


def test_the_openapi_document_describes_the_header(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    parameter = doc["components"]["parameters"]["IdempotencyKey"]
    assert parameter["in"] == "header" and parameter["name"] == "Idempotency-Key"
    operation = doc["paths"]["/challenges/{challenge_id}/ideas"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in operation["parameters"]
    assert "422" in operation["responses"]
    assert "parameters" not in doc["paths"]["/tokens"]["post"]


def submission_key(page: str) -> str:
    found = re.search(r'name="submission_key" value="([^"]+)"', page)
    assert found, "the form carries a submission key"
    return found.group(1)


def test_a_double_submitted_comment_form_is_stored_once(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    member, _ = login_as()
    key = submission_key(member.get(f"/challenges/{challenge_id}").get_data(as_text=True))
    form = {
        "target_type": "challenge",
        "target_id": challenge_id,
        "body": "Twice clicked",
        "submission_key": key,
    }
    first = member.post("/comments", data=form)
    second = member.post("/comments", data=form)
    assert first.status_code == 302 and second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"], "to the comment made"
    assert "already sent" in member.get(second.headers["Location"]).get_data(as_text=True)
    assert comments(db_read, challenge_id) == ["Twice clicked"]
    # The same form sent again with other words is another comment.
    assert member.post("/comments", data={**form, "body": "Second thought"}).status_code == 302
    assert comments(db_read, challenge_id) == ["Twice clicked", "Second thought"]


def test_a_form_sent_back_with_errors_keeps_its_key_usable(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    member, _ = login_as()
    form = {"target_type": "challenge", "target_id": challenge_id, "submission_key": "k" * 22}
    assert member.post("/comments", data={**form, "body": ""}).status_code == 400
    assert member.post("/comments", data={**form, "body": ""}).status_code == 400
    assert member.post("/comments", data={**form, "body": "Fixed"}).status_code == 302
    assert comments(db_read, challenge_id) == ["Fixed"]


def test_idea_and_challenge_forms_carry_a_submission_key(login_as, db_read):
    challenge_id = db_read(lambda: make_challenge())
    member, _ = login_as()
    for path in ("/challenges/new", f"/challenges/{challenge_id}/ideas/new"):
        page = member.get(path).get_data(as_text=True)
        assert submission_key(page) != submission_key(member.get(path).get_data(as_text=True))


def test_a_retry_while_the_first_still_runs_waits_then_answers_409(
    app, client, make_user, db_read, monkeypatch
):
    from livinglab.api.idempotency import fingerprint

    challenge_id = db_read(lambda: make_challenge())
    user = make_user()
    auth = bearer(client, user)
    path = f"/api/v1/challenges/{challenge_id}/comments"
    with app.test_request_context(path, method="POST", json={"body": "Slow"}):
        running = fingerprint()

    def first_request_still_running() -> None:  # its claim, committed, without an answer yet
        now = utcnow()
        db.session.add(
            IdempotencyKey(
                user_id=user.id,
                key="api:slow",
                fingerprint=running,
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
        db.session.commit()

    db_read(first_request_still_running)
    monkeypatch.setitem(app.config, "IDEMPOTENCY_WAIT_SECONDS", 0.2)
    retry = post_comment(client, auth, challenge_id, body="Slow", key="slow")
    assert retry.status_code == 409
    assert retry.get_json()["error"]["code"] == "idempotency_key_in_use"
    assert comments(db_read, challenge_id) == []
