"""Calendar feeds (iCalendar) and times across time zones and daylight-saving changes.

An event is typed in its own zone's wall-clock time; it is stored in UTC; the feeds write it
back in that zone (with the zone's definition), so a calendar anywhere shows the same
moment. Tests use the EU's changes of 2027: clocks go forward on 28 March and back on
31 October.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from livinglab.accounts.models import Role
from livinglab.extensions import db
from livinglab.meetings.inputs import local_to_utc
from livinglab.meetings.models import AgendaItem, Meeting
from tests.test_meetings import create, created_id, event_form

ROME = ZoneInfo("Europe/Rome")


def events_in(body: bytes) -> list:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def rep(login_as):
    client, _ = login_as(Role.city_rep, "pavia")
    return client


def test_an_event_across_the_spring_change_keeps_its_wall_clock_times(rep, client, db_read):
    meeting_id = created_id(create(rep, starts_at="2027-03-26T09:30", ends_at="2027-03-29T17:00"))
    starts, ends = db_read(
        lambda: (
            db.session.get(Meeting, meeting_id).starts_at,
            db.session.get(Meeting, meeting_id).ends_at,
        )
    )
    assert starts == datetime(2027, 3, 26, 8, 30, tzinfo=UTC)  # CET, UTC+1
    assert ends == datetime(2027, 3, 29, 15, 0, tzinfo=UTC)  # CEST, UTC+2

    response = client.get(f"/api/v1/events/{meeting_id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.get_data()
    assert b"DTSTART;TZID=Europe/Rome:20270326T093000" in body
    assert b"DTEND;TZID=Europe/Rome:20270329T170000" in body
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:Europe/Rome" in body
    [event] = events_in(body)
    assert event.decoded("dtstart").astimezone(UTC) == starts
    assert event.decoded("dtend").astimezone(UTC) == ends
    # Read in Helsinki, the same moments: 10:30 EET and 18:00 EEST.
    helsinki = ZoneInfo("Europe/Helsinki")
    assert event.decoded("dtstart").astimezone(helsinki).strftime("%H:%M") == "10:30"
    assert event.decoded("dtend").astimezone(helsinki).strftime("%H:%M") == "18:00"


def test_an_agenda_session_after_the_change_is_at_its_local_time(rep, db_read):
    meeting_id = created_id(create(rep, starts_at="2027-03-26T09:30", ends_at="2027-03-29T17:00"))
    response = rep.post(
        f"/events/{meeting_id}/agenda",
        data={
            "title": "Monday",
            "starts_at": "2027-03-29T09:30",
            "ends_at": "2027-03-29T11:00",
        },
    )
    assert response.status_code == 302
    session = db_read(lambda: db.session.scalar(sa.select(AgendaItem)))
    assert session.starts_at == datetime(2027, 3, 29, 7, 30, tzinfo=UTC)
    outside = rep.post(
        f"/events/{meeting_id}/agenda",
        data={
            "title": "Too late",
            "starts_at": "2027-03-30T09:30",
            "ends_at": "2027-03-30T11:00",
        },
    )
    assert outside.status_code == 400
    assert "A session takes place within the event" in outside.get_data(as_text=True)


def test_the_hour_that_does_not_exist_is_refused_and_the_repeated_one_is_the_first(app):
    with app.test_request_context():
        errors: dict = {}
        assert local_to_utc("2027-03-28T02:30", ROME, "starts_at", errors) is None
        assert "does not exist" in str(errors["starts_at"])
        errors = {}
        # 31 October 2027, 02:30 happens twice in Rome: first at +02:00.
        moment = local_to_utc("2027-10-31T02:30", ROME, "starts_at", errors)
        assert moment == datetime(2027, 10, 31, 0, 30, tzinfo=UTC) and not errors
        # A time with its own offset is taken as it is.
        moment = local_to_utc("2027-10-31T02:30+01:00", ROME, "starts_at", errors)
        assert moment == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)


def test_an_event_in_the_autumn_change_spans_one_hour_more(rep, client, db_read):
    meeting_id = created_id(create(rep, starts_at="2027-10-30T20:00", ends_at="2027-10-31T08:00"))
    meeting = db_read(lambda: db.session.get(Meeting, meeting_id))
    assert meeting.ends_at - meeting.starts_at == timedelta(hours=13)
    [event] = events_in(client.get(f"/api/v1/events/{meeting_id}.ics").get_data())
    # (Python subtracts two times of one zone by their wall clocks: compare them in UTC.)
    span = event.decoded("dtend").astimezone(UTC) - event.decoded("dtstart").astimezone(UTC)
    assert span == timedelta(hours=13)


def test_city_all_and_personal_feeds(rep, login_as, client):
    pavia_id = created_id(create(rep, title="In Pavia"))
    turku, _ = login_as(Role.city_rep, "turku")
    turku_id = created_id(
        create(
            turku,
            title="In Turku",
            host_city="turku",
            cohost_cities=[],
            timezone="Europe/Helsinki",
            online_url="https://meet.example.org/turku",
        )
    )
    titles = {str(e["summary"]) for e in events_in(client.get("/api/v1/events.ics").get_data())}
    assert titles == {"In Pavia", "In Turku"}
    coimbra = client.get("/api/v1/events.ics?city=coimbra").get_data()  # Coimbra co-hosts
    assert {str(e["summary"]) for e in events_in(coimbra)} == {"In Pavia"}
    assert client.get("/api/v1/events.ics?city=atlantis").status_code == 404

    member, _ = login_as(Role.participant, "iasi")
    member.post(f"/events/{turku_id}/register")
    member.post("/events/mine/calendar")
    page = member.get("/events/mine").get_data(as_text=True)
    secret = page.split("mine.ics?key=", 1)[1].split('"', 1)[0]
    body = client.get(f"/api/v1/events/mine.ics?key={secret}").get_data()
    [mine] = events_in(body)
    assert str(mine["summary"]) == "In Turku"
    assert b"DTSTART;TZID=Europe/Helsinki:" in body
    # The online link: in the member's own feed (a confirmed seat), never in a public one.
    assert "https://meet.example.org/turku" in str(mine["description"])
    public = client.get(f"/api/v1/events/{turku_id}.ics").get_data()
    assert b"meet.example.org" not in public
    assert pavia_id != turku_id


def test_a_cancelled_event_is_cancelled_in_the_calendar(rep, client):
    meeting_id = created_id(create(rep))
    rep.post(f"/events/{meeting_id}/cancel", data={"reason": "Strike."})
    [event] = events_in(client.get(f"/api/v1/events/{meeting_id}.ics").get_data())
    assert str(event["status"]) == "CANCELLED"


def test_every_partner_zone_and_the_form_default(rep):
    page = rep.get("/events/new").get_data(as_text=True)
    assert '<option value="Europe/Rome" selected>' in page
    assert event_form()["timezone"] == "Europe/Rome"
