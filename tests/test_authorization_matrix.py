"""The authorization matrix: every URL rule (each method) and every socket event, run as six
actors, compared with what DESIGN.md's rules expect. The run writes the matrix out as
``docs/authorization-matrix.md``.

Each actor's request runs inside a savepoint that is rolled back, so an allowed write never
changes what the next actor meets.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from livinglab.extensions import db, limiter, socketio
from tests.authz.expectations import CASES, EVENT_CASES, Case, EventCase
from tests.authz.world import ACTORS, World, build
from tests.conftest import PASSWORD

DOC = Path(__file__).resolve().parents[1] / "docs" / "authorization-matrix.md"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
RESULTS: dict[str, str] = {}
CODES = {"O": "allowed", "L": "sign in", "F": "403", "N": "404"}


def outcome(response) -> str:
    status = response.status_code
    assert status < 500, f"{response.request.method} {response.request.path}: {status}"
    if status == 401 or (status in (302, 303) and "/login" in response.headers.get("Location", "")):
        return "L"
    return {403: "F", 404: "N"}.get(status, "O")


def ack_outcome(ack) -> str:
    if isinstance(ack, dict) and ack.get("ok") is True:
        return "O"
    code = (ack or {}).get("error", {}).get("code")
    return {"unauthenticated": "L", "forbidden": "F", "not_found": "N"}.get(code, "O")


@pytest.fixture
def world(app: Flask, tmp_path, monkeypatch) -> World:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    with app.app_context():
        return build()


@pytest.fixture
def browsers(app: Flask, world: World) -> dict:
    """A test client per actor, signed in through the sign-in form (anonymous: not at all)."""
    clients = {"anonymous": app.test_client()}
    for actor, user in world.users.items():
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, f"{actor} could not sign in"
        clients[actor] = client
    return clients


def _isolated(run):
    """Runs one actor's attempt in a savepoint that is rolled back afterwards."""
    connection = db.session.session_factory.kw["bind"]
    savepoint = connection.begin_nested()
    limiter.reset()
    try:
        return run()
    finally:
        savepoint.rollback()


def _request(app, browsers, world, case: Case, actor: str):
    path = case.path(world)
    if case.is_api:
        client = app.test_client()
        headers = {}
        if actor != "anonymous":
            headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        send = {"json": case.data(world)} if case.method in ("POST", "PATCH", "PUT") else {}
        return client.open(path, method=case.method, headers=headers, **send)
    send = {"data": case.data(world)} if case.method == "POST" else {}
    return browsers[actor].open(path, method=case.method, **send)


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_route(case: Case, app, world, browsers):
    got = ""
    statuses = []
    for actor in ACTORS:
        response = _isolated(lambda actor=actor: _request(app, browsers, world, case, actor))
        got += outcome(response)
        statuses.append(f"{actor}={response.status_code}")
        response.close()  # file responses hold their file open until closed
    RESULTS[case.key] = got
    assert got == case.expect, (
        f"{case.key}: expected {case.expect}, got {got} ({', '.join(statuses)})"
    )


@pytest.mark.parametrize("case", EVENT_CASES, ids=[c.key for c in EVENT_CASES])
def test_socket_event(case: EventCase, app, world, browsers):
    from livinglab.setup import bind_socketio

    bind_socketio(app)
    got = ""
    for actor in ACTORS:

        def attempt(actor=actor):
            client = socketio.test_client(app, flask_test_client=browsers[actor])
            try:
                if case.event == "connect":
                    return "O" if client.is_connected() else "F"
                return ack_outcome(client.emit(case.event, case.payload(world), callback=True))
            finally:
                if client.is_connected():
                    client.disconnect()

        got += _isolated(attempt)
    RESULTS[case.key] = got
    assert got == case.expect, f"{case.key}: expected {case.expect}, got {got}"


def test_every_route_and_event_has_an_expectation(app):
    from livinglab.setup import bind_socketio

    rules = {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    covered = {f"{c.method} {c.rule}" for c in CASES}
    assert rules - covered == set(), "routes with no expectation: add them to tests/authz"
    assert covered - rules == set(), "expectations for routes that no longer exist"
    bind_socketio(app)
    events = set(socketio.server.handlers["/"]) - {"disconnect"}
    assert events == {c.event for c in EVENT_CASES}, "socket events with no expectation"


@pytest.fixture(scope="module", autouse=True)
def _write_the_matrix() -> Iterator[None]:
    yield
    if len(RESULTS) == len(CASES) + len(EVENT_CASES):  # only a full run rewrites the table
        DOC.write_text(render(RESULTS), encoding="utf-8")


def render(results: dict[str, str]) -> str:
    head = "| route or event | " + " | ".join(a.replace("_", " ") for a in ACTORS) + " | rule |\n"
    head += "|---" * (len(ACTORS) + 2) + "|\n"

    def row(key: str, why: str) -> str:
        cells = " | ".join(CODES[letter] for letter in results[key])
        return f"| `{key}` | {cells} | {why} |\n"

    lines = [
        "# Authorization matrix\n\n",
        "Written by `tests/test_authorization_matrix.py` on every full run: each URL rule (every\n",
        "method) and each Socket.IO event, tried as six actors against one small world where\n",
        "the item's own city is Pavia. *allowed* means the rule let the request through (the\n",
        "answer may still be a validation message: the tests send empty forms on purpose);\n",
        "*sign in* is a 401 or a redirect to the sign-in page; *403* forbidden; *404* not\n",
        "visible to that actor. The expectations come from the rules of `DESIGN.md`\n",
        "(`tests/authz/expectations.py`); a route or event without one fails the test.\n\n",
        f"{len(CASES)} route cases and {len(EVENT_CASES)} event cases, "
        f"{(len(CASES) + len(EVENT_CASES)) * len(ACTORS)} attempts.\n\n",
        "## HTML pages and the JSON API\n\n",
        head,
        *(row(c.key, c.why) for c in CASES),
        "\n## Socket.IO events\n\n",
        head,
        *(row(c.key, c.why) for c in EVENT_CASES),
    ]
    return "".join(lines)
