"""The generated OpenAPI document stays compatible with the hand-written one it replaced.

``fixtures/openapi-before.json`` is the document as served before the API was described by
one schema per resource (models that validate, serialize and generate the document). Outside
clients rely on its paths, methods, parameters, response codes and request bodies: none may
disappear or change meaning. Descriptions and schema details may be richer now.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

BEFORE = Path(__file__).parent / "fixtures" / "openapi-before.json"

# Response codes a generated operation may add to the old ones, each with its reason. None yet:
# every code the models can answer was already listed (400 for invalid input on every
# operation, 422 for a reused Idempotency-Key on signed-in POSTs).
ADDED_CODES: dict[tuple[str, str], set[str]] = {}

# Optional body fields an operation may add to the old ones, each with its reason; the required
# fields stay exactly the same, so every request an old client sends means what it meant.
ADDED_FIELDS: dict[tuple[str, str], set[str]] = {
    # Issue 19: the participation profile and the GDPR consent rule, asked at registration.
    ("/users", "post"): {"age_band", "gender", "age_group", "guardian_consent"},
}


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): operation
        for path, methods in doc["paths"].items()
        for method, operation in methods.items()
    }


def _parameters(doc: dict[str, Any], operation: dict[str, Any]) -> set[tuple[str, str, bool]]:
    found = set()
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = doc["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found.add((parameter["name"], parameter["in"], bool(parameter.get("required"))))
    return found


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _body(doc: dict[str, Any], operation: dict[str, Any]) -> tuple[set[str], set[str]] | None:
    if "requestBody" not in operation:
        return None
    schema = _resolve(doc, operation["requestBody"]["content"]["application/json"]["schema"])
    return set(schema.get("properties", {})), set(schema.get("required", []))


@pytest.fixture(scope="module")
def before() -> dict[str, Any]:
    return json.loads(BEFORE.read_text(encoding="utf-8"))


@pytest.fixture
def after(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_same_operations_are_documented(before, after):
    """None disappears; new ones (case studies, statistics, events…) may be added."""
    assert set(_operations(before)) <= set(_operations(after))


def test_every_operation_keeps_its_parameters(before, after):
    old, new = _operations(before), _operations(after)
    changed = {
        key: (_parameters(before, old[key]), _parameters(after, new[key]))
        for key in old
        if key in new and _parameters(before, old[key]) != _parameters(after, new[key])
    }
    assert not changed


def test_no_response_code_disappears_or_appears_unexplained(before, after):
    old, new = _operations(before), _operations(after)
    problems = {}
    for key, operation in old.items():
        was, now = set(operation["responses"]), set(new[key]["responses"])
        if was - now or now - was - ADDED_CODES.get(key, set()):
            problems[key] = {"removed": was - now, "added": now - was}
    assert not problems


def _added_optional_fields(key: tuple[str, str], was: Any, now: Any) -> bool:
    """Whether ``now`` is ``was`` plus the optional fields ADDED_FIELDS explains, no other."""
    if was is None or now is None or key not in ADDED_FIELDS:
        return False
    (old_fields, old_required), (new_fields, new_required) = was, now
    return new_required == old_required and new_fields == old_fields | ADDED_FIELDS[key]


def test_request_bodies_take_the_same_fields(before, after):
    old, new = _operations(before), _operations(after)
    changed = {
        key: (_body(before, old[key]), _body(after, new[key]))
        for key in old
        if _body(before, old[key]) != _body(after, new[key])
        and not _added_optional_fields(key, _body(before, old[key]), _body(after, new[key]))
    }
    assert not changed


def test_the_shared_parts_are_kept(before, after):
    assert after["openapi"] == before["openapi"]
    assert after["components"]["securitySchemes"] == before["components"]["securitySchemes"]
    assert after["components"]["parameters"] == before["components"]["parameters"]
    assert after["servers"] == before["servers"]
    # Every schema clients may refer to by name is still there.
    assert set(before["components"]["schemas"]) <= set(after["components"]["schemas"])


def test_the_comparison_notices_a_change(before):
    """The helpers above must see a dropped parameter, code and body field."""
    doc = json.loads(json.dumps(before))
    operation = doc["paths"]["/challenges"]["get"]
    operation["parameters"] = operation["parameters"][1:]
    del operation["responses"]["429"]
    body = _resolve(
        doc, doc["paths"]["/tokens"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    body["required"] = ["email"]
    key = ("/challenges", "get")
    assert _parameters(doc, operation) != _parameters(before, _operations(before)[key])
    assert "429" not in operation["responses"]
    assert _body(doc, doc["paths"]["/tokens"]["post"]) != _body(
        before, _operations(before)[("/tokens", "post")]
    )
    # An explained optional field passes; the same field made required, or another one, not.
    users = ("/users", "post")
    was = _body(before, _operations(before)[users])
    fields, required = was
    assert _added_optional_fields(users, was, (fields | ADDED_FIELDS[users], required))
    assert not _added_optional_fields(users, was, (fields | {"age_band"}, required | {"age_band"}))
    assert not _added_optional_fields(users, was, (fields | ADDED_FIELDS[users] | {"x"}, required))


def test_the_models_refuse_in_the_readers_language(client, db_read, make_user):
    """Validation by the models answers the documented error shape, messages translated."""
    from livinglab.accounts.tokens import issue
    from livinglab.extensions import db

    user = make_user()
    token = db_read(lambda: issue(db.session.get(type(user), user.id), "t")[0])
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "de"}
    challenge = {"title": "T", "summary": "S", "body": "B", "lead_city": "pavia"}
    response = client.post(
        "/api/v1/challenges",
        json={**challenge, "themes": [1], "votes_per_member": "3", "hide_vote_counts": None},
        headers=headers,
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "themes": "Eine Liste von Slugs.",
        "votes_per_member": "Falscher Typ.",  # strict: "3" is not 3
        "hide_vote_counts": "Dieses Feld ist erforderlich.",  # null where a value is needed
    }


def test_events_are_documented_with_their_agenda_and_delegations(after):
    """Issue 18's operations (newer than the fixture): an event's answer holds its agenda's
    sessions (speakers, members or guests, and the items each is about) and, for whoever
    manages them, the delegations (optional: absent for everyone else); the listing searches."""
    operations = _operations(after)
    for key in (
        ("/events", "get"),
        ("/events", "post"),
        ("/events/{meeting_id}", "get"),
        ("/events/{meeting_id}", "patch"),
        ("/events/{meeting_id}/registration", "post"),
        ("/events/{meeting_id}/registration", "delete"),
        ("/events/{meeting_id}/attendance", "get"),
    ):
        assert key in operations, key
    schemas = after["components"]["schemas"]
    answer = _resolve(
        after,
        operations[("/events/{meeting_id}", "get")]["responses"]["200"]["content"][
            "application/json"
        ]["schema"],
    )
    assert {"agenda", "delegations", "links"} <= set(answer["properties"])
    assert "delegations" not in answer.get("required", [])
    session = schemas["AgendaSession"]
    assert {"speakers", "speaker_details", "links", "room"} <= set(session["required"])
    assert set(schemas["Speaker"]["properties"]) == {"member_id", "name"}
    assert {"city", "members"} <= set(schemas["Delegation"]["required"])
    assert {"registration_id", "member_id", "name", "status"} <= set(
        schemas["Delegate"]["properties"]
    )
    assert ("q", "query", False) in _parameters(after, operations[("/events", "get")])
