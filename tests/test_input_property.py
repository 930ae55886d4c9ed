"""Property: whatever a client sends, it gets an answer — never a 5xx, never a silent socket.

Request bodies come from the OpenAPI document the API serves (each POST/PATCH operation's
requestBody schema), plus hostile mutations: deep nesting, lone surrogates, NUL, integers at
and past ±2**63, nulls and wrong types. Socket payloads come from the socket contract below,
which must name every client event the server handles. Derandomized, so CI sees the same cases.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livinglab.accounts.models import Role, User
from livinglab.accounts.tokens import issue
from livinglab.challenges.models import Phase
from livinglab.extensions import db
from livinglab.reviews.models import CRITERION_NAMES, Review
from tests.factories import make_challenge, make_idea

EXAMPLES = 40
CITIES = ["pavia", "coimbra", "turku", "poitiers"]
THEMES = ["conservation", "governance", "financing"]
BIG = [2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -1, 0]

# Values no schema allows and clients still send.
HOSTILE = st.sampled_from(
    [
        None,
        "\ud800",
        "a\udfffb",
        "nul\x00byte",
        "\x00",
        "",
        " ",
        True,
        False,
        1.5,
        float("1e308"),
        [],
        {},
        ["\ud800"],
        [None],
        [1, 2],
        {"a": "\x00"},
        "12",
        "²",  # str.isdigit() says yes, int() says no
        "x" * 6000,
        *BIG,
    ]
)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# --- bodies from the OpenAPI document --------------------------------------------------------


def _named(name: str, base: st.SearchStrategy) -> st.SearchStrategy:
    """Values that get past the first checks for well-known fields, so deeper code runs too."""
    known = {
        "city": st.sampled_from(CITIES),
        "lead_city": st.sampled_from(CITIES),
        "themes": st.lists(st.sampled_from(THEMES), max_size=3),
        "cohost_cities": st.lists(st.sampled_from(CITIES), max_size=2),
        "status": st.sampled_from(["running", "evaluating", "completed", "halted", "withdrawn"]),
        "phase": st.sampled_from([p.value for p in Phase]),
        "decision": st.sampled_from(["approve", "reject"]),
        "scores": st.fixed_dictionaries(
            {
                n: st.one_of(st.integers(1, 5), st.sampled_from(BIG), HOSTILE)
                for n in CRITERION_NAMES
            }
        ),
        "lessons": st.fixed_dictionaries(
            {},
            optional={
                k: st.one_of(st.text(max_size=20), HOSTILE)
                for k in ("worked", "failed", "costs", "circular_value")
            },
        ),
        "email": st.sampled_from(["new@example.org", "participant.pavia@demo.livinglab.eu"]),
        "parent_id": st.one_of(st.integers(0, 50), st.sampled_from(BIG)),
        "votes_per_member": st.one_of(st.integers(-2, 25), st.sampled_from(BIG)),
    }
    if name in known:
        return st.one_of(known[name], base)
    return base


def from_schema(schema: dict, components: dict, name: str = "") -> st.SearchStrategy:
    if "$ref" in schema:
        return from_schema(components[schema["$ref"].rsplit("/", 1)[-1]], components, name)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        return st.one_of(*(from_schema({**schema, "type": k}, components, name) for k in kind))
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.one_of(st.integers(-5, 100), st.sampled_from(BIG))
    if kind == "number":
        return st.floats(allow_nan=False)
    if kind == "string":
        if schema.get("format") == "date" or name.endswith(("_date", "_deadline", "done_on")):
            return st.one_of(st.dates().map(str), st.text(max_size=12))
        return _named(name, st.text(max_size=40))
    if kind == "array":
        return _named(name, st.lists(from_schema(schema.get("items", {}), components), max_size=4))
    properties = schema.get("properties", {})
    if not properties:
        return _named(name, st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=4))
    required = set(schema.get("required", ()))
    return st.fixed_dictionaries(
        {k: from_schema(v, components, k) for k, v in properties.items() if k in required},
        optional={
            k: from_schema(v, components, k) for k, v in properties.items() if k not in required
        },
    )


@st.composite
def mutated(draw, valid: st.SearchStrategy, names: list[str]) -> Any:
    """A schema-shaped body with one field (known or not) set to something hostile."""
    data = draw(valid)
    if not isinstance(data, dict):
        return data
    name = draw(st.sampled_from([*names, "unknown", "\ud800"]))
    data[name] = draw(st.one_of(HOSTILE, st.integers(1, 40).map(lambda d: nested(d + 30))))
    return data


RAW_BODIES = [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 5_000 + "1" + "}" * 5_000,
    "null",
    "[]",
    '"\\ud800"',
    "NaN",
    '{"body": NaN}',
    "1" * 5_000,
    '{"body": ' + "9" * 5_000 + "}",
    '{"body": "x"',
    '{"\\ud800": 1}',
]


def body_strategy(schema: dict, components: dict) -> st.SearchStrategy:
    valid = from_schema(schema, components)
    names = list(components.get(schema.get("$ref", "").rsplit("/", 1)[-1], schema)["properties"])
    as_text = st.one_of(valid, mutated(valid, names)).map(json.dumps)
    raw = st.sampled_from(RAW_BODIES)
    invalid_utf8 = st.just(b'{"body": "\xff\xfe"}')
    return st.one_of(as_text, as_text, as_text, raw, invalid_utf8)


# --- the world the requests act on ------------------------------------------------------------


@pytest.fixture
def world(app, db_read, make_user, monkeypatch) -> dict[str, Any]:
    """Things each path id leads to, and a member of each role that may act on them."""
    for name, value in (
        ("RATELIMIT_API", "100000 per minute"),
        ("RATELIMIT_SIGN_IN_ACCOUNT", "100000 per minute"),
        ("RATELIMIT_SIGN_IN_ADDRESS", "100000 per minute"),
        ("RATELIMIT_REGISTER", "100000 per hour"),
        ("RATELIMIT_COMMENTS", "100000 per minute"),
    ):
        monkeypatch.setitem(app.config, name, value)
    author = make_user(city="turku")
    people = {
        "participant": make_user(city="pavia"),
        "author": author,
        "expert": make_user(Role.expert, "hildesheim"),
        "city_rep": make_user(Role.city_rep, "pavia"),
        "cohost_rep": make_user(Role.city_rep, "coimbra"),
        "other_rep": make_user(Role.city_rep, "turku"),
        "admin": make_user(Role.admin, "pavia"),
    }
    open_id = db_read(lambda: make_challenge(lead="pavia", cohosts=("coimbra",)))
    selection_id = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.selection)
    )
    idea_id = db_read(lambda: make_idea(open_id, author.id))
    chosen_id = db_read(lambda: make_idea(selection_id, author.id))

    def review() -> dict[str, str]:
        scores = dict.fromkeys(CRITERION_NAMES, 4)
        expert_id = people["expert"].id
        db.session.add(
            Review(
                idea_id=chosen_id, expert_id=expert_id, assessment="ok", no_conflict=True, **scores
            )
        )
        db.session.commit()
        return {role: issue(db.session.get(User, u.id), "prop")[0] for role, u in people.items()}

    tokens = db_read(review)
    client = app.test_client()
    rep = {"Authorization": f"Bearer {tokens['city_rep']}"}
    approved = client.post(
        f"/api/v1/ideas/{chosen_id}/decisions",
        json={"decision": "approve", "city": "pavia"},
        headers=rep,
    )
    assert approved.status_code == 201, approved.get_json()
    pilot_id = approved.get_json()["id"]
    running = client.patch(f"/api/v1/pilots/{pilot_id}", json={"status": "running"}, headers=rep)
    assert running.status_code == 200, running.get_json()
    step = client.post(f"/api/v1/pilots/{pilot_id}/milestones", json={"title": "One"}, headers=rep)
    assert step.status_code == 201, step.get_json()
    event = client.post(
        "/api/v1/events",
        json={
            "title": "Workshop",
            "description": "On reuse.",
            "kind": "workshop",
            "host_city": "pavia",
            "timezone": "Europe/Rome",
            "starts_at": "2030-05-04T09:30",
            "ends_at": "2030-05-06T17:00",
            "venue_name": "Broletto",
        },
        headers=rep,
    )
    assert event.status_code == 201, event.get_json()
    case = client.post(
        "/api/v1/case-studies",
        json={
            "title": "Art Bonus donors",
            "summary": "s",
            "problem": "p",
            "body": "b",
            "site": {"name": "Castello Visconteo", "type": "building"},
            "themes": ["financing"],
            "models": [{"kind": "financing", "description": "Donations."}],
        },
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert case.status_code == 201, case.get_json()
    made = {"pilot": pilot_id, "milestone": step.get_json()["id"], "tokens": tokens}
    return {
        "ids": {
            "challenge_id": open_id,
            "idea_id": idea_id,
            "pilot_id": made["pilot"],
            "milestone_id": made["milestone"],
            "meeting_id": event.get_json()["id"],
            "event_id": event.get_json()["id"],  # the comments of an event
            "case_id": case.get_json()["id"],
        },
        "chosen_id": chosen_id,
        "rooms": [f"challenge:{open_id}", f"idea:{idea_id}", f"pilot:{made['pilot']}"],
        "tokens": made["tokens"],
    }


def acting_role(path: str, method: str) -> str | None:
    """A role that gets past the policy, so the body is actually read."""
    if path in ("/tokens", "/users"):
        return None
    if path == "/ideas/{idea_id}" and method == "patch":
        return "author"
    if path.endswith("/reviews"):
        return "expert"
    if path.endswith("/decisions"):
        return "cohost_rep"
    if path.endswith("/replications"):
        return "other_rep"
    if path.endswith("/comments"):
        return "participant"
    return "admin"


def run_operation(client, method: str, path: str, headers: dict, bodies, seen: dict) -> int:
    """One Hypothesis run per operation; returns the number of bodies sent."""
    sent = 0

    @given(payload=bodies)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(payload):
        nonlocal sent
        sent += 1
        response = getattr(client, method)(path, data=payload, headers=headers)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, path, payload[:300])
        assert response.is_json, (method, path, response.status_code)
        if response.status_code >= 400:
            assert response.get_json()["error"]["message"]

    send()
    return sent


def test_no_request_body_gets_a_server_error(app, client, world, capsys):
    document = client.get("/api/v1/openapi.json").get_json()
    components = document["components"]["schemas"]
    operations = 0
    cases = 0
    seen: dict[int, int] = {}
    for template, methods in document["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "patch") or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            if "application/json" not in content:
                # Files (multipart): refused types, sizes and names are tested with real files
                # in tests/test_case_study_files_api.py, not with generated JSON.
                assert set(content) == {"multipart/form-data"}, (template, set(content))
                continue
            operations += 1
            schema = content["application/json"]["schema"]
            role = acting_role(template, method)
            headers = {"Content-Type": "application/json"}
            if role:
                headers["Authorization"] = f"Bearer {world['tokens'][role]}"
            path = "/api/v1" + template
            if template.endswith(("/reviews", "/decisions")):  # the idea in selection
                path = path.replace("{idea_id}", str(world["chosen_id"]))
            kind = template.split("/")[1][:-1]  # the comments of a challenge, idea or pilot
            path = path.replace("{target_id}", str(world["ids"].get(f"{kind}_id")))
            for name, value in world["ids"].items():
                path = path.replace("{" + name + "}", str(value))
            assert "{" not in path, f"no id for {template}"

            cases += run_operation(
                client, method, path, headers, body_strategy(schema, components), seen
            )
    assert operations >= 15
    with capsys.disabled():
        print(f"\ninput property: {operations} operations, {cases} bodies, statuses {seen}")


# --- socket payloads from the socket contract -------------------------------------------------

# Client events and their payload fields (the contract in DESIGN.md, "Socket.IO").
SOCKET_CONTRACT: dict[str, dict[str, str]] = {
    "join": {"room": "room", "since": "id"},
    "leave": {"room": "room"},
    "comment.create": {"room": "room", "body": "text", "parent_id": "id", "language": "language"},
}


def test_the_contract_names_every_client_event_the_server_handles(app):
    from livinglab.extensions import socketio

    handled = {message for message, _, _ in socketio.handlers} - {"connect", "disconnect", "*"}
    assert handled == set(SOCKET_CONTRACT)


def socket_payloads(rooms: list[str]) -> st.SearchStrategy:
    hostile_rooms = [
        "idea:9223372036854775808",
        "idea:2147483648",
        "challenge:-1",
        "pilot:1e3",
        "idea:\ud800",
        "idea:\x00",
        "idea:1:2",
        "\ud800",
        2**63,
    ]
    kinds = {
        "room": st.sampled_from(rooms + hostile_rooms),
        "id": st.one_of(st.integers(0, 100), st.sampled_from(BIG), st.text(max_size=5)),
        "text": st.one_of(st.text(max_size=60), st.sampled_from(["\ud800", "a\x00b"])),
        "language": st.sampled_from(["en", "it", "xx", None]),
    }

    def for_event(event: str) -> st.SearchStrategy:
        fields = SOCKET_CONTRACT[event]
        shaped = st.fixed_dictionaries({}, optional={k: kinds[v] for k, v in fields.items()})
        broken = mutated(shaped, list(fields))
        return st.tuples(st.just(event), st.one_of(shaped, broken, HOSTILE))

    return st.one_of(*(for_event(event) for event in SOCKET_CONTRACT))


def test_every_socket_event_is_acknowledged_without_a_server_error(
    app, world, socket_client, client, capsys
):
    from livinglab.extensions import socketio

    signed_in = socketio.test_client(app, auth={"token": world["tokens"]["participant"]})
    anonymous = socket_client()
    assert signed_in.is_connected() and anonymous.is_connected()
    cases = 0

    @given(event=socket_payloads(world["rooms"]), as_member=st.booleans())
    @settings(
        max_examples=EXAMPLES * 4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def emit(event, as_member):
        nonlocal cases
        cases += 1
        name, payload = event
        socket = signed_in if as_member else anonymous
        ack = socket.emit(name, payload, callback=True)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (name, payload, ack)
        if not ack["ok"]:
            assert ack["error"]["code"] != "server_error", (name, payload, ack)
            assert ack["error"]["message"]
        assert socket.is_connected()

    try:
        emit()
    finally:
        signed_in.disconnect()
    with capsys.disabled():
        print(f"\nsocket property: {len(SOCKET_CONTRACT)} events, {cases} payloads acknowledged")
