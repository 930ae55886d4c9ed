"""JSON API v1: tokens, the error shape, and the whole path of a challenge as an outside client."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from livinglab import content, create_app
from livinglab.accounts.models import ApiToken, Role
from livinglab.challenges import kinds as challenge_kinds
from livinglab.challenges.models import Challenge
from livinglab.database import utcnow
from livinglab.extensions import db
from tests.conftest import PASSWORD, dispose
from tests.email_links import confirm_address


def token_for(client, user, password: str = PASSWORD) -> dict[str, str]:
    email = user if isinstance(user, str) else user.email
    response = client.post("/api/v1/tokens", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def error_of(response) -> dict:
    data = response.get_json()
    assert set(data) == {"error"} and {"code", "message"} <= set(data["error"]), data
    return data["error"]


def test_tokens_are_stored_hashed_and_can_be_revoked(client, make_user, db_read):
    user = make_user(city="coimbra")
    headers = token_for(client, user)
    plain = headers["Authorization"].split()[1]
    stored = db_read(lambda: db.session.scalar(sa.select(ApiToken.token_hash)))
    assert plain not in stored and len(stored) == 64
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["email"] == user.email and me["city"] == "coimbra"
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"


def test_expired_tokens_and_suspended_members_are_refused(client, make_user, login_as, app):
    user = make_user()
    headers = token_for(client, user)

    def expire():
        db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    with app.app_context():
        expire()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    headers = token_for(client, user)
    admin, _ = login_as(Role.admin)
    admin.post(f"/members/{user.id}/suspend", data={"reason": "spam"})
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    response = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "not json", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"data": "{bad json", "content_type": "application/json"}, 400, "invalid"),
        ({"json": ["a", "list"]}, 400, "invalid"),
        ({"json": {"email": "x@example.org", "password": "y", "admin": True}}, 400, "invalid"),
        ({"json": {"email": 42, "password": "y"}}, 400, "invalid"),
        ({"json": {"password": "y"}}, 400, "invalid"),
    ],
)
def test_bad_requests_get_the_error_shape(client, kwargs, status, code):
    response = client.post("/api/v1/tokens", **kwargs)
    assert response.status_code == status
    assert error_of(response)["code"] == code


def test_field_errors_name_the_fields(client):
    response = client.post(
        "/api/v1/users",
        json={
            "email": "bad",
            "password": "short",
            "display_name": "x",
            "city": "atlantis",
            "profile_kind": "student",
        },
    )
    assert response.status_code == 400
    assert "email" in error_of(response)["fields"]


@pytest.mark.parametrize(
    "query",
    [
        "per_page=0",
        "per_page=-5",
        "per_page=101",
        "page=0",
        "page=abc",
        "page=99999999999999999999",
    ],
)
def test_bad_paging_is_a_400(client, query):
    response = client.get(f"/api/v1/challenges?{query}")
    assert response.status_code == 400 and error_of(response)["fields"]


def test_unknown_paths_and_methods_answer_in_the_error_shape(client):
    assert error_of(client.get("/api/v1/nothing-here"))["code"] == "not_found"
    assert error_of(client.put("/api/v1/cities"))["code"] == "method_not_allowed"
    assert error_of(client.get("/api/v1/ideas/999999"))["code"] == "not_found"


def test_cookie_requests_need_the_csrf_token_bearer_requests_do_not(
    app, login_as, monkeypatch, make_user
):
    client, _ = login_as()
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/api/v1/challenges", json={"title": "x"})
    assert response.status_code == 400 and "CSRF" in error_of(response)["message"]
    other = app.test_client()
    headers = token_for(other, make_user())
    payload = {
        "title": "Via API",
        "summary": "s",
        "body": "b",
        "themes": ["governance"],
        "lead_city": "pavia",
    }
    assert other.post("/api/v1/challenges", json=payload, headers=headers).status_code == 201


def test_an_outside_client_follows_a_challenge_from_proposal_to_pilot(
    app, client, make_user, socket_client
):
    """DESIGN.md's promise: everything a portal needs, over HTTP and one socket."""
    register = client.post(
        "/api/v1/users",
        json={
            "email": "lea@example.fr",
            "password": "une-longue-phrase",
            "display_name": "Léa",
            "city": "poitiers",
            "profile_kind": "student",
        },
    )
    assert register.status_code == 201 and register.get_json()["role"] == "participant"
    confirm_address(app, client, "lea@example.fr")  # takes part once the address is confirmed
    lea = token_for(client, "lea@example.fr", "une-longue-phrase")
    rep = token_for(client, make_user(Role.city_rep, "pavia"))
    turku_rep = token_for(client, make_user(Role.city_rep, "turku"))
    voter = token_for(client, make_user(city="iasi"))
    expert = token_for(client, make_user(Role.expert, "hildesheim"))

    proposal = {
        "title": "Ticino lights",
        "summary": "s",
        "body": "b",
        "themes": ["conservation"],
        "lead_city": "pavia",
        "cohost_cities": ["coimbra"],
    }
    challenge = client.post("/api/v1/challenges", json=proposal, headers=lea).get_json()
    assert challenge["phase"] == "proposed"
    assert (
        client.patch(
            f"/api/v1/challenges/{challenge['id']}", json={"phase": "open"}, headers=lea
        ).status_code
        == 403
    )
    assert (
        client.patch(
            f"/api/v1/challenges/{challenge['id']}", json={"phase": "open"}, headers=turku_rep
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/challenges/{challenge['id']}", json={"phase": "open"}, headers=rep
        ).get_json()["phase"]
        == "open"
    )
    assert (
        client.patch(
            f"/api/v1/challenges/{challenge['id']}", json={"phase": "voting"}, headers=turku_rep
        ).status_code
        == 403
    )

    idea = client.post(
        f"/api/v1/challenges/{challenge['id']}/ideas",
        json={"title": "Lanterns", "summary": "s", "body": "b"},
        headers=lea,
    )
    assert idea.status_code == 201
    idea_id = idea.get_json()["id"]
    watcher = socket_client()
    watcher.emit("join", {"room": f"idea:{idea_id}"}, callback=True)
    comment = client.post(
        f"/api/v1/ideas/{idea_id}/comments", json={"body": "Lovely"}, headers=voter
    )
    assert comment.status_code == 201
    assert [
        m["args"][0]["id"] for m in watcher.get_received() if m["name"] == "comment.created"
    ] == [comment.get_json()["id"]]

    assert (
        client.post(f"/api/v1/ideas/{idea_id}/vote", headers=voter).status_code == 409
    )  # not voting yet
    client.patch(f"/api/v1/challenges/{challenge['id']}", json={"phase": "voting"}, headers=rep)
    assert client.post(f"/api/v1/ideas/{idea_id}/vote", headers=lea).status_code == 403  # own idea
    assert client.post(f"/api/v1/ideas/{idea_id}/vote", headers=voter).get_json() == {
        "idea_id": idea_id,
        "votes": 1,
    }
    assert client.post(f"/api/v1/ideas/{idea_id}/vote", headers=voter).status_code == 409  # twice

    scores = {
        "heritage_value": 4,
        "feasibility": 4,
        "circularity": 3,
        "youth_involvement": 5,
        "replicability": 4,
    }
    bad = client.post(
        f"/api/v1/ideas/{idea_id}/reviews",
        json={"scores": {**scores, "feasibility": 6}, "assessment": "x", "no_conflict": True},
        headers=expert,
    )
    assert bad.status_code == 400 and "feasibility" in error_of(bad)["fields"]
    assert (
        client.post(
            f"/api/v1/ideas/{idea_id}/reviews",
            json={"scores": scores, "assessment": "Good", "no_conflict": True},
            headers=voter,
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/ideas/{idea_id}/reviews",
            json={"scores": scores, "assessment": "Good", "no_conflict": True},
            headers=expert,
        ).status_code
        == 201
    )

    client.patch(f"/api/v1/challenges/{challenge['id']}", json={"phase": "selection"}, headers=rep)
    assert (
        client.post(
            f"/api/v1/ideas/{idea_id}/decisions",
            json={"decision": "approve", "city": "coimbra"},
            headers=rep,
        ).status_code
        == 403
    )
    pilot = client.post(
        f"/api/v1/ideas/{idea_id}/decisions",
        json={"decision": "approve", "city": "pavia"},
        headers=rep,
    )
    assert pilot.status_code == 201
    pilot_id = pilot.get_json()["id"]
    milestone = client.post(
        f"/api/v1/pilots/{pilot_id}/milestones",
        json={"title": "First night", "due_date": "2027-01-15"},
        headers=lea,
    )
    assert milestone.status_code == 201, "the idea's authors are the pilot team"
    done = client.patch(
        f"/api/v1/pilots/{pilot_id}/milestones/{milestone.get_json()['id']}",
        json={"done_on": "2026-11-20", "evidence": "Photos"},
        headers=rep,
    )
    assert done.get_json()["progress"] == {"done": 1, "total": 1}
    assert (
        client.post(
            f"/api/v1/pilots/{pilot_id}/milestones", json={"title": "x"}, headers=voter
        ).status_code
        == 403
    )


def test_open_data_exports_carry_no_emails_and_votes_as_counts(
    client, login_as, make_user, db_read
):
    from livinglab.challenges.models import Phase
    from tests.factories import make_challenge, make_idea

    author = make_user(email="secret.author@example.org")
    challenge_id = db_read(lambda: make_challenge(phase=Phase.voting))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    voter, _ = login_as(city="turku")
    voter.post(f"/ideas/{idea_id}/vote")
    for dataset in ("challenges", "ideas", "pilots", "votes"):
        for fmt in ("csv", "json"):
            response = client.get(f"/api/v1/export/{dataset}.{fmt}")
            assert response.status_code == 200
            assert "@example.org" not in response.get_data(as_text=True)
    votes = client.get("/api/v1/export/votes.json").get_json()["items"]
    assert votes == [{"idea_id": idea_id, "city": "turku", "votes": 1}]


def test_the_openapi_document_lists_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in (
            "api.openapi_json",
            "api.openapi_page",
        ):
            continue
        path = rule.rule[len("/api/v1") :]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((path, method))
    expanded = set()
    for path, method in served:
        path = path.replace("<int:challenge_id>", "{challenge_id}").replace(
            "<int:idea_id>", "{idea_id}"
        )
        path = path.replace("<int:pilot_id>", "{pilot_id}").replace(
            "<int:milestone_id>", "{milestone_id}"
        )
        path = path.replace("<int:case_id>", "{case_id}")
        path = path.replace("<int:meeting_id>", "{meeting_id}")
        path = path.replace("<int:attachment_id>", "{attachment_id}")
        commentable = "<any(challenges, ideas, pilots, events, 'case-studies'):kind>"
        if commentable in path:
            for kind in ("challenges", "ideas", "pilots", "events", "case-studies"):
                expanded.add(
                    (
                        path.replace(commentable, kind).replace("<int:target_id>", "{target_id}"),
                        method,
                    )
                )
        elif (
            path.endswith(".<any(csv, json):fmt>")
            and "<any(" not in path[: -len(".<any(csv, json):fmt>")]
        ):
            for fmt in ("csv", "json"):
                expanded.add((path.replace("<any(csv, json):fmt>", fmt), method))
        elif "<any(challenges, ideas, pilots, votes, 'case-studies'):dataset>" in path:
            for dataset in ("challenges", "ideas", "pilots", "votes", "case-studies"):
                for fmt in ("csv", "json"):
                    expanded.add((f"/export/{dataset}.{fmt}", method))
        else:
            expanded.add((path, method))
    assert expanded == documented
    assert client.get("/api/v1/docs").status_code == 200


def test_members_manage_their_tokens_on_a_page(login_as, db_read, client):
    member, me = login_as()
    page = member.post("/profile/tokens", data={"name": "Museum portal"})
    text = page.get_data(as_text=True)
    plain = text.split('data-testid="new-token"')[1].split("<code>")[1].split("</code>")[0]
    assert (
        plain.startswith("ll_")
        and client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code
        == 200
    )
    assert plain not in member.get("/profile/tokens").get_data(as_text=True), "shown once only"
    empty = member.post("/profile/tokens", data={"name": ""})
    assert empty.status_code == 400 and 'id="token-name-error"' in empty.get_data(as_text=True)
    token_id = db_read(lambda: db.session.scalar(sa.select(ApiToken.id)))
    other, _ = login_as(city="turku")
    assert other.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert member.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_a_socket_authenticates_with_a_token(app, client, make_user, db_read):
    from livinglab.extensions import socketio
    from livinglab.setup import bind_socketio
    from tests.factories import make_challenge

    bind_socketio(app)
    challenge_id = db_read(lambda: make_challenge())
    plain = token_for(client, make_user())["Authorization"].split()[1]
    socket = socketio.test_client(app, auth={"token": plain})
    ack = socket.emit(
        "comment.create",
        {"room": f"challenge:{challenge_id}", "body": "From my app"},
        callback=True,
    )
    assert ack["ok"] is True
    socket.disconnect()
    refused = socketio.test_client(app, auth={"token": "ll_wrong"})
    assert not refused.is_connected()


def test_too_large_and_too_many_answer_in_the_error_shape(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post("/api/v1/tokens", data="x" * 4096, content_type="application/json")
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
    monkeypatch.setitem(app.config, "RATELIMIT_API", "3 per minute")
    statuses = [client.get("/api/v1/cities").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/cities")
    assert error_of(limited)["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0


def test_the_open_data_page_links_every_export(client):
    page = client.get("/open-data").get_data(as_text=True)
    assert "CC BY 4.0" in page
    for dataset in ("challenges", "ideas", "pilots", "votes"):
        assert f"/api/v1/export/{dataset}.csv" in page and f"/api/v1/export/{dataset}.json" in page


def test_the_comment_routes_follow_the_content_registry(database_url):
    """A kind registered as commentable gets ``/api/v1/<kind>s/<id>/comments`` with no change to
    the API: the routes are read from the registry when the app is built, not frozen when the
    API module was first imported (it is imported long before this test)."""
    content.register(
        "proposal",
        Challenge,
        load=challenge_kinds.load,
        title_of=lambda c: c.title,
        url_of=lambda c: f"/challenges/{c.id}",
        owner_ids=lambda c: set(),
        visible_to=lambda user, c: True,
        commentable=True,
    )
    try:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    finally:
        content.unregister("proposal")
    try:
        urls = app.url_map.bind("localhost")
        assert urls.match("/api/v1/proposals/7/comments", method="GET") == (
            "api.list_comments",
            {"kind": "proposals", "target_id": 7},
        )
        assert urls.match("/api/v1/ideas/7/comments", method="POST")[0] == "api.create_comment"
    finally:
        dispose(app)
