"""Events over the JSON API: the contract of issue 18, its refusals, and the OpenAPI document."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.meetings.models import Meeting, Registration
from tests.test_api import error_of, token_for
from tests.test_meetings import local


def body(**overrides) -> dict:
    start = utcnow() + timedelta(days=40)
    data = {
        "title": "Co-design in Turku",
        "description": "Sketching **together**.",
        "kind": "co_design",
        "host_city": "turku",
        "cohost_cities": ["iasi"],
        "timezone": "Europe/Helsinki",
        "starts_at": local(start, "Europe/Helsinki"),
        "ends_at": local(start + timedelta(hours=6), "Europe/Helsinki"),
        "venue_name": "Old shipyard hall",
        "online_url": "https://meet.example.org/turku",
        "spoken_languages": ["fi", "en"],
        "capacity": 1,
    }
    data.update(overrides)
    return data


@pytest.fixture
def turku(client, make_user):
    return token_for(client, make_user(Role.city_rep, "turku"))


@pytest.fixture
def event_id(client, turku) -> int:
    response = client.post("/api/v1/events", json=body(), headers=turku)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_create_read_and_list(client, turku, event_id):
    event = client.get(f"/api/v1/events/{event_id}").get_json()
    assert event["host_city"] == "turku" and event["cohost_cities"] == ["iasi"]
    assert event["timezone"] == "Europe/Helsinki"
    assert event["starts_at"].endswith(("+02:00", "+03:00"))  # local time with its offset
    assert event["online"] is True and event["online_url"] is None  # not registered
    assert event["ics_url"].endswith(f"/api/v1/events/{event_id}.ics")
    organiser = client.get(f"/api/v1/events/{event_id}", headers=turku).get_json()
    assert organiser["online_url"] == "https://meet.example.org/turku"
    listing = client.get("/api/v1/events?city=iasi").get_json()
    assert [e["id"] for e in listing["items"]] == [event_id] and listing["total"] == 1
    assert client.get("/api/v1/events?city=pavia").get_json()["total"] == 0
    past = client.get("/api/v1/events?when=past").get_json()
    assert past["total"] == 0
    wrong = client.get("/api/v1/events?kind=party&when=someday")
    assert wrong.status_code == 400 and set(error_of(wrong)["fields"]) == {"kind", "when"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": "2030-01-01T09:00", "starts_at": "2030-01-01T10:00"}, "ends_at"),
        ({"online_url": "file:///etc/passwd"}, "online_url"),
        ({"capacity": "12"}, "capacity"),  # strict: text is not a number
        ({"host_city": "pavia"}, None),  # a Turku rep cannot host in Pavia: 403
    ],
)
def test_bad_input_writes_nothing(client, turku, db_read, overrides, field):
    response = client.post("/api/v1/events", json=body(**overrides), headers=turku)
    if field is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 400 and field in error_of(response)["fields"]
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Meeting.id)))) == 0


def test_participants_do_not_create_and_other_cities_do_not_edit(client, make_user, event_id):
    member = token_for(client, make_user(Role.participant, "turku"))
    assert client.post("/api/v1/events", json=body(), headers=member).status_code == 403
    pavia = token_for(client, make_user(Role.city_rep, "pavia"))
    response = client.patch(f"/api/v1/events/{event_id}", json={"title": "Ours"}, headers=pavia)
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    assert client.get(f"/api/v1/events/{event_id}").get_json()["title"] == "Co-design in Turku"


def test_patch_changes_only_what_is_sent_and_cancels(client, turku, event_id):
    response = client.patch(
        f"/api/v1/events/{event_id}", json={"capacity": 5, "venue_name": "Logomo"}, headers=turku
    )
    assert response.status_code == 200, response.get_json()
    event = response.get_json()
    assert (event["capacity"], event["venue_name"], event["title"]) == (
        5,
        "Logomo",
        "Co-design in Turku",
    )
    no_reason = client.patch(
        f"/api/v1/events/{event_id}", json={"status": "cancelled"}, headers=turku
    )
    assert no_reason.status_code == 400 and "reason" in error_of(no_reason)["fields"]
    cancelled = client.patch(
        f"/api/v1/events/{event_id}", json={"status": "cancelled", "reason": "Ice."}, headers=turku
    )
    assert cancelled.get_json()["status"] == "cancelled"
    again = client.patch(
        f"/api/v1/events/{event_id}", json={"status": "cancelled", "reason": "Ice."}, headers=turku
    )
    assert again.status_code == 409


def test_registration_waiting_list_and_attendance(client, make_user, turku, event_id, db_read):
    first = token_for(client, make_user(Role.participant, "iasi"))
    second = token_for(client, make_user(Role.participant, "pavia"))
    one = client.post(f"/api/v1/events/{event_id}/registration", json={}, headers=first)
    assert one.status_code == 201 and one.get_json()["status"] == "confirmed"
    two = client.post(
        f"/api/v1/events/{event_id}/registration", json={"dietary_needs": "Halal"}, headers=second
    )
    assert two.status_code == 201
    assert two.get_json()["status"] == "waitlisted" and two.get_json()["waiting_position"] == 1
    twice = client.post(f"/api/v1/events/{event_id}/registration", json={}, headers=second)
    assert twice.status_code == 409
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Registration.id)))) == 2

    assert client.get(f"/api/v1/events/{event_id}/attendance", headers=first).status_code == 403
    attendance = client.get(f"/api/v1/events/{event_id}/attendance", headers=turku).get_json()
    assert (attendance["registered"], attendance["waiting"], attendance["attended"]) == (1, 1, 0)
    assert {a["dietary_needs"] for a in attendance["items"]} == {None, "Halal"}

    cancelled = client.delete(f"/api/v1/events/{event_id}/registration", headers=first)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert (
        client.delete(f"/api/v1/events/{event_id}/registration", headers=first).status_code == 404
    )
    attendance = client.get(f"/api/v1/events/{event_id}/attendance", headers=turku).get_json()
    assert [a["status"] for a in attendance["items"]] == ["confirmed"]  # the second, promoted
    assert client.get(f"/api/v1/events/{event_id}", headers=second).get_json()["online_url"]


def test_the_openapi_document_describes_events(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    paths = doc["paths"]
    assert set(paths["/events"]) == {"get", "post"}
    assert set(paths["/events/{meeting_id}"]) == {"get", "patch"}
    assert set(paths["/events/{meeting_id}/registration"]) == {"post", "delete"}
    assert set(paths["/events/{meeting_id}/attendance"]) == {"get"}
    assert set(paths["/events/{target_id}/comments"]) == {"get", "post"}
    for feed in ("/events.ics", "/events/{meeting_id}.ics", "/events/mine.ics"):
        assert "text/calendar" in paths[feed]["get"]["responses"]["200"]["content"], feed
    assert {"/export/events.csv", "/export/events.json"} <= set(paths)
    post = paths["/events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"title", "starts_at", "ends_at", "timezone", "host_city"} <= set(post["required"])
    assert "Event" in doc["components"]["schemas"]


def test_open_data_has_no_personal_data(client, make_user, event_id):
    member = token_for(client, make_user(Role.participant, "iasi", name="Ioana Secret"))
    client.post(
        f"/api/v1/events/{event_id}/registration", json={"dietary_needs": "Vegan"}, headers=member
    )
    data = client.get("/api/v1/export/events.json").get_json()
    [item] = data["items"]
    assert item["registered"] == 1 and item["host_city"] == "turku"
    text = client.get("/api/v1/export/events.csv").get_data(as_text=True)
    for secret in ("Ioana Secret", "Vegan", "meet.example.org", "@"):
        assert secret not in text and secret not in str(data)
