"""Events (issue 18): creating them, who may, registration with its waiting list, a city's
delegation, check-in, minutes and outcomes, figures, reminders and erasure, and the bad input
the issue lists, each refused with a clear message and nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
import sqlalchemy as sa
from PIL import Image

from livinglab.accounts.models import ProfileKind, Role
from livinglab.audit.models import AuditEntry
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.meetings import registrations
from livinglab.meetings.models import Meeting, Registration, RegistrationStatus
from livinglab.notifications.models import Notification
from tests.factories import make_challenge


def local(moment: datetime, zone: str = "Europe/Rome") -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def event_form(**overrides) -> dict:
    start = (utcnow() + timedelta(days=30)).replace(hour=8, minute=30, second=0, microsecond=0)
    form = {
        "title": "Workshop on circular reuse",
        "description": "Three days on **reuse**.",
        "kind": "workshop",
        "language": "en",
        "host_city": "pavia",
        "cohost_cities": ["coimbra"],
        "timezone": "Europe/Rome",
        "starts_at": local(start),
        "ends_at": local(start + timedelta(days=2, hours=8)),
        "venue_name": "Broletto",
        "venue_address": "Piazza della Vittoria, Pavia",
        "spoken_languages": ["it", "en"],
        "capacity": "3",
    }
    form.update(overrides)
    return form


def create(client, **overrides):
    return client.post("/events/new", data=event_form(**overrides))


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def count(db_read, model) -> int:
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(model)))


def notes(db_read, user_id: int, kind: str) -> list[Notification]:
    return db_read(
        lambda: list(
            db.session.scalars(
                sa.select(Notification).where(
                    Notification.user_id == user_id, Notification.kind == kind
                )
            )
        )
    )


def registration(db_read, meeting_id: int, user_id: int) -> Registration | None:
    def read():
        row = db.session.scalar(
            sa.select(Registration).where(
                Registration.event_id == meeting_id, Registration.user_id == user_id
            )
        )
        if row is not None:
            db.session.expunge(row)
        return row

    return db_read(read)


@pytest.fixture
def pavia(login_as):
    return login_as(Role.city_rep, "pavia")


@pytest.fixture
def meeting_id(pavia) -> int:
    client, _rep = pavia
    return created_id(create(client))


# --- Creating, and who may ----------------------------------------------------------------


def test_a_host_city_representative_creates_an_event_that_is_public(pavia, client, db_read):
    rep_client, rep = pavia
    meeting_id = created_id(create(rep_client))
    page = client.get(f"/events/{meeting_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Workshop on circular reuse" in html and "Hosted by Pavia" in html and "Coimbra" in html
    assert "<strong>reuse</strong>" in html  # safe Markdown
    audit = db_read(lambda: db.session.scalars(sa.select(AuditEntry.action)).all())
    assert "event.created" in audit
    listing = client.get("/events").get_data(as_text=True)
    assert f"/events/{meeting_id}" in listing


@pytest.mark.parametrize(
    ("role", "city", "status"),
    [(Role.participant, "pavia", 403), (Role.expert, "pavia", 403), (Role.city_rep, "turku", 403)],
)
def test_only_a_host_city_s_representative_or_an_admin_creates(
    login_as, db_read, role, city, status
):
    client, _ = login_as(role, city)
    response = create(client)
    assert response.status_code == status
    assert count(db_read, Meeting) == 0


def test_an_admin_creates_for_any_city(login_as):
    client, _ = login_as(Role.admin, "besancon")
    assert create(client).status_code == 302


def test_editing_an_event_of_another_city_is_forbidden_and_changes_nothing(
    meeting_id, login_as, db_read
):
    turku, _ = login_as(Role.city_rep, "turku")
    response = turku.post(f"/events/{meeting_id}/edit", data=event_form(title="Taken over"))
    assert response.status_code == 403
    assert (
        db_read(lambda: db.session.get(Meeting, meeting_id).title) == "Workshop on circular reuse"
    )
    # A co-host's representative manages it, and the change is audited.
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    response = coimbra.post(f"/events/{meeting_id}/edit", data=event_form(title="Renamed"))
    assert response.status_code == 302
    assert db_read(lambda: db.session.get(Meeting, meeting_id).title) == "Renamed"
    actions = db_read(lambda: db.session.scalars(sa.select(AuditEntry.action)).all())
    assert "event.changed" in actions


# --- Bad input: clear messages, nothing written ---------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-05-04T09:00", "starts_at": "2030-05-04T10:00"}, "ends_at", "The end must come after the start."),
        ({"online_url": "ftp://files.example.org/x"}, "online_url", "https://"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"venue_name": "", "online_url": ""}, "venue_name", "Give a place"),
        ({"starts_at": "2030-03-31T02:30"}, "starts_at", "does not exist in Europe/Rome"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone"),
        ({"capacity": "0"}, "capacity", "from 1 to 100000"),
        ({"host_city": "atlantis"}, "host_city", "Choose the host city"),
        ({"kind": "party"}, "kind", "Choose the kind"),
        ({"title": ""}, "title", "This field is required."),
    ],
)  # fmt: skip
def test_bad_event_input_is_explained_at_its_field(pavia, db_read, overrides, field, message):
    client, _ = pavia
    response = create(client, **overrides)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert count(db_read, Meeting) == 0


def test_registration_must_close_before_the_end(pavia, db_read):
    client, _ = pavia
    form = event_form()
    response = create(client, registration_closes_at=form["ends_at"][:-5] + "23:59")
    assert response.status_code == 400
    assert "Registration must close before the event ends." in response.get_data(as_text=True)
    assert count(db_read, Meeting) == 0


# --- Registration and the waiting list ------------------------------------------------------


def test_full_event_waiting_list_and_promotion_with_a_notification(pavia, login_as, db_read):
    rep_client, _ = pavia
    meeting_id = created_id(create(rep_client, capacity="1"))
    first, first_user = login_as(Role.participant, "iasi")
    second, second_user = login_as(Role.participant, "turku")
    assert first.post(f"/events/{meeting_id}/register").status_code == 302
    response = second.post(f"/events/{meeting_id}/register", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "The event is full: you are on the waiting list, in position 1." in html
    assert registration(db_read, meeting_id, second_user.id).status == RegistrationStatus.waitlisted

    # Registering twice: refused with the reason, nothing written.
    again = second.post(f"/events/{meeting_id}/register", follow_redirects=True)
    assert "You are already on the waiting list of this event." in again.get_data(as_text=True)
    assert count(db_read, Registration) == 2

    assert first.post(f"/events/{meeting_id}/registration/cancel").status_code == 302
    assert registration(db_read, meeting_id, first_user.id).status == RegistrationStatus.cancelled
    promoted = registration(db_read, meeting_id, second_user.id)
    assert promoted.status == RegistrationStatus.confirmed and promoted.promoted_at is not None
    told = notes(db_read, second_user.id, "event_promoted")
    assert len(told) == 1 and told[0].link == f"/events/{meeting_id}"
    page = second.get("/notifications/").get_data(as_text=True)
    assert "A seat became free: you are now registered for" in page


def test_registration_outside_its_window_is_refused(pavia, login_as, db_read):
    rep_client, _ = pavia
    opens = utcnow() + timedelta(days=3)
    meeting_id = created_id(create(rep_client, registration_opens_at=local(opens)))
    member, user = login_as(Role.participant, "iasi")
    response = member.post(f"/events/{meeting_id}/register", follow_redirects=True)
    assert "Registration has not opened yet." in response.get_data(as_text=True)
    assert count(db_read, Registration) == 0

    def close_it():
        meeting = db.session.get(Meeting, meeting_id)
        meeting.registration_opens_at = utcnow() - timedelta(days=2)
        meeting.registration_closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    db_read(close_it)
    response = member.post(f"/events/{meeting_id}/register", follow_redirects=True)
    assert "Registration for this event is closed." in response.get_data(as_text=True)
    assert count(db_read, Registration) == 0


def test_answers_are_kept_for_the_organisers_then_erased(pavia, login_as, db_read, app):
    rep_client, _ = pavia
    meeting_id = created_id(create(rep_client))
    member, user = login_as(Role.participant, "iasi")
    response = member.post(
        f"/events/{meeting_id}/register",
        data={"dietary_needs": "Vegetarian", "accessibility_needs": "Step-free access"},
    )
    assert response.status_code == 302
    too_long = member.post(f"/events/{meeting_id}/register", data={"dietary_needs": "x" * 501})
    assert too_long.status_code in (400, 302)  # already registered: refused either way
    row = registration(db_read, meeting_id, user.id)
    assert (row.dietary_needs, row.accessibility_needs) == ("Vegetarian", "Step-free access")
    door = rep_client.get(f"/events/{meeting_id}/check-in").get_data(as_text=True)
    assert "Diet: Vegetarian" in door and "Access: Step-free access" in door
    assert "Vegetarian" not in member.get(f"/events/{meeting_id}").get_data(as_text=True)

    ends = db_read(lambda: db.session.get(Meeting, meeting_id).ends_at)
    with app.app_context():
        assert registrations.erase_expired_answers(ends + timedelta(days=29)) == 0
        assert registrations.erase_expired_answers(ends + timedelta(days=30, seconds=1)) == 1
    row = registration(db_read, meeting_id, user.id)
    assert row.dietary_needs is None and row.accessibility_needs is None
    assert row.answers_erased_at is not None


def test_an_answer_too_long_is_refused_and_nothing_is_written(pavia, login_as, db_read):
    rep_client, _ = pavia
    meeting_id = created_id(create(rep_client))
    member, _ = login_as(Role.participant, "iasi")
    response = member.post(f"/events/{meeting_id}/register", data={"dietary_needs": "x" * 501})
    assert response.status_code == 400
    assert "Use at most 500 characters." in response.get_data(as_text=True)
    assert count(db_read, Registration) == 0


# --- A city's delegation ----------------------------------------------------------------------


def test_a_representative_registers_their_city_s_delegation(
    meeting_id, login_as, make_user, db_read
):
    coimbra, rep = login_as(Role.city_rep, "coimbra")
    ines = make_user(city="coimbra", name="Inês")
    joao = make_user(city="coimbra", name="João")
    response = coimbra.post(
        f"/events/{meeting_id}/delegation",
        data={"members": [ines.id, joao.id], "guests": "Professor Guest\n\n"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "3 people registered for Coimbra." in response.get_data(as_text=True)
    rows = db_read(
        lambda: db.session.scalars(
            sa.select(Registration).where(Registration.event_id == meeting_id)
        ).all()
    )
    assert {r.in_delegation for r in rows} == {True} and len(rows) == 3
    assert {r.status for r in rows} == {RegistrationStatus.confirmed}  # capacity 3
    assert len(notes(db_read, ines.id, "event_delegation")) == 1


def test_a_delegation_member_from_another_city_is_refused(meeting_id, login_as, make_user, db_read):
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    ines = make_user(city="coimbra")
    giulia = make_user(city="pavia", name="Giulia")
    response = coimbra.post(
        f"/events/{meeting_id}/delegation", data={"members": [ines.id, giulia.id]}
    )
    assert response.status_code == 400
    assert "Only members of Coimbra can be in its delegation: Giulia." in response.get_data(
        as_text=True
    )
    assert count(db_read, Registration) == 0


def test_a_participant_does_not_register_a_delegation(meeting_id, login_as, make_user, db_read):
    member, _ = login_as(Role.participant, "coimbra")
    other = make_user(city="coimbra")
    assert (
        member.post(f"/events/{meeting_id}/delegation", data={"members": [other.id]}).status_code
        == 403
    )
    assert count(db_read, Registration) == 0


# --- On the day and after ---------------------------------------------------------------------


def test_check_in_and_participation_figures_by_city(
    meeting_id, pavia, login_as, make_user, db_read
):
    rep_client, _ = pavia
    coimbra, _ = login_as(Role.city_rep, "coimbra")
    ines = make_user(city="coimbra", kind=ProfileKind.student)
    coimbra.post(f"/events/{meeting_id}/delegation", data={"members": [ines.id], "guests": "Guest"})
    turku, student = login_as(Role.participant, "turku", kind=ProfileKind.student)
    turku.post(f"/events/{meeting_id}/register")
    rows = db_read(
        lambda: {
            (r.user_id, r.guest_name): r.id for r in db.session.scalars(sa.select(Registration))
        }
    )
    # A participant cannot check anyone in; the organiser can, and undo it.
    assert turku.post(f"/events/{meeting_id}/check-in/{rows[(ines.id, None)]}").status_code == 403
    for key in ((ines.id, None), (student.id, None)):
        assert rep_client.post(f"/events/{meeting_id}/check-in/{rows[key]}").status_code == 302
    rep_client.get(f"/events/{meeting_id}")  # shows (and clears) the flashed messages
    door = rep_client.get(f"/events/{meeting_id}/check-in?q=gue").get_data(as_text=True)
    assert "Guest" in door and ines.display_name not in door

    csv = rep_client.get(f"/events/{meeting_id}/figures.csv").get_data(as_text=True)
    lines = set(csv.strip().splitlines())
    assert f"{meeting_id},total,all,3,2" in lines
    assert f"{meeting_id},city,coimbra,2,1" in lines
    assert f"{meeting_id},city,turku,1,1" in lines
    assert f"{meeting_id},origin,from_abroad,3,2" in lines  # Pavia hosts, in Italy
    assert f"{meeting_id},profile_kind,guest,1,0" in lines
    assert f"{meeting_id},profile_kind,student,2,2" in lines


def test_minutes_link_a_challenge_created_at_the_event(
    meeting_id, pavia, login_as, db_read, client
):
    rep_client, _ = pavia
    member, user = login_as(Role.participant, "turku")
    member.post(f"/events/{meeting_id}/register")
    challenge_id = db_read(lambda: make_challenge("pavia", title="Born at the workshop"))
    response = rep_client.post(
        f"/events/{meeting_id}/minutes", data={"minutes": "## Decisions\n\nWe *agreed*."}
    )
    assert response.status_code == 302
    assert (
        rep_client.post(
            f"/events/{meeting_id}/outcomes", data={"outcome": f"challenge:{challenge_id}"}
        ).status_code
        == 302
    )
    bad = rep_client.post(f"/events/{meeting_id}/outcomes", data={"outcome": "challenge:999999"})
    assert bad.status_code == 400 and "Choose a challenge or an idea." in bad.get_data(as_text=True)
    html = client.get(f"/events/{meeting_id}").get_data(as_text=True)
    assert "<em>agreed</em>" in html and "Born at the workshop" in html
    assert len(notes(db_read, user.id, "event_minutes")) == 1
    actions = db_read(lambda: db.session.scalars(sa.select(AuditEntry.action)).all())
    assert "event.minutes" in actions


def _png() -> BytesIO:
    out = BytesIO()
    Image.new("RGB", (40, 30), (20, 90, 160)).save(out, "PNG")
    out.seek(0)
    return out


def test_the_cover_and_minutes_photos_are_served_as_public_as_the_event(
    pavia, client, db_read, app, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    rep_client, _ = pavia
    form = event_form()
    form["cover"] = (_png(), "cover.png")
    meeting_id = created_id(
        rep_client.post("/events/new", data=form, content_type="multipart/form-data")
    )
    rep_client.post(
        f"/events/{meeting_id}/minutes",
        data={"minutes": "Photos.", "files": [(_png(), "day1.png")]},
        content_type="multipart/form-data",
    )
    cover_id, photo_id = db_read(
        lambda: (
            db.session.get(Meeting, meeting_id).cover_id,
            db.session.scalar(sa.text("select attachment_id from event_attachment")),
        )
    )
    page = client.get(f"/events/{meeting_id}").get_data(as_text=True)
    for ident in (cover_id, photo_id):
        assert f'src="/files/{ident}/' in page, "served by the uploads' one route"
        response = client.get(f"/files/{ident}/thumb")
        assert (
            response.status_code == 200 and response.headers["X-Content-Type-Options"] == "nosniff"
        )
        assert response.headers["Cache-Control"] == "private, max-age=3600", "public"
        response.close()
    # No second way in: the event's own file addresses are gone.
    assert client.get(f"/events/{meeting_id}/files/{cover_id}/thumb").status_code == 404


# --- Changes, cancellation, reminders, feeds -------------------------------------------------


def test_moving_an_event_tells_the_registrants_and_cancelling_closes_registration(
    meeting_id, pavia, login_as, db_read
):
    rep_client, _ = pavia
    member, user = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register")
    form = event_form(venue_name="Castello Visconteo")
    assert rep_client.post(f"/events/{meeting_id}/edit", data=form).status_code == 302
    assert len(notes(db_read, user.id, "event_changed")) == 1
    # A change that moves neither the time nor the place tells nobody.
    rep_client.post(f"/events/{meeting_id}/edit", data={**form, "description": "New words."})
    assert len(notes(db_read, user.id, "event_changed")) == 1

    no_reason = rep_client.post(f"/events/{meeting_id}/cancel", data={"reason": ""})
    assert no_reason.status_code == 400
    assert (
        rep_client.post(f"/events/{meeting_id}/cancel", data={"reason": "Flood."}).status_code
        == 302
    )
    assert len(notes(db_read, user.id, "event_cancelled")) == 1
    late, _ = login_as(Role.participant, "turku")
    response = late.post(f"/events/{meeting_id}/register", follow_redirects=True)
    assert "This event is cancelled." in response.get_data(as_text=True)
    actions = db_read(lambda: db.session.scalars(sa.select(AuditEntry.action)).all())
    assert "event.cancelled" in actions


def test_reminders_are_sent_once_the_day_before(pavia, login_as, db_read, app):
    rep_client, _ = pavia
    start = utcnow() + timedelta(hours=20)
    meeting_id = created_id(
        create(rep_client, starts_at=local(start), ends_at=local(start + timedelta(hours=6)))
    )
    member, user = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register")
    later = created_id(create(rep_client, title="Later"))
    member.post(f"/events/{later}/register")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["event-reminders"])
    assert result.exit_code == 0 and "Event reminders sent: 1." in result.output
    again = runner.invoke(args=["event-reminders"])
    assert "Event reminders sent: 0." in again.output
    told = notes(db_read, user.id, "event_reminder")
    assert len(told) == 1 and told[0].link == f"/events/{meeting_id}"
    erased = runner.invoke(args=["erase-event-answers"])
    assert erased.exit_code == 0 and "erased: 0" in erased.output


def test_a_personal_feed_needs_its_secret(meeting_id, login_as, client):
    member, _ = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register")
    member.post("/events/mine/calendar")
    page = member.get("/events/mine").get_data(as_text=True)
    secret = page.split("mine.ics?key=", 1)[1].split('"', 1)[0]
    feed = client.get(f"/api/v1/events/mine.ics?key={secret}")
    assert feed.status_code == 200 and "Workshop on circular reuse" in feed.get_data(as_text=True)
    assert client.get("/api/v1/events/mine.ics?key=wrong").status_code == 404
    assert client.get("/api/v1/events/mine.ics").status_code == 404
    member.post("/events/mine/calendar")  # a new address: the old one stops working
    assert client.get(f"/api/v1/events/mine.ics?key={secret}").status_code == 404


def test_the_live_room_hears_registrations(meeting_id, login_as, socket_client):
    watcher = socket_client()
    assert watcher.emit("join", {"room": f"event:{meeting_id}"}, callback=True)["ok"] is True
    member, _ = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register")
    updates = [m["args"][0] for m in watcher.get_received() if m["name"] == "event.updated"]
    assert updates == [
        {"event_id": meeting_id, "what": "registrations", "registered": 1, "waiting": 0}
    ]


def test_the_event_shows_where_it_belongs(meeting_id, client, db_read, pavia):
    for path in ("/", "/cities/pavia", "/cities/coimbra"):
        assert f"/events/{meeting_id}" in client.get(path).get_data(as_text=True), path
    assert f"/events/{meeting_id}" not in client.get("/cities/turku").get_data(as_text=True)
    rep_client, _ = pavia
    challenge_id = db_read(lambda: make_challenge("pavia"))
    linked = created_id(create(rep_client, title="Linked", challenge_ids=[str(challenge_id)]))
    html = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert f"/events/{linked}" in html and f"/events/{meeting_id}" not in html
    desk = rep_client.get("/activity").get_data(as_text=True)
    assert "My events" in desk


def test_an_online_link_is_shown_to_registered_participants_only(pavia, login_as, client):
    rep_client, _ = pavia
    url = "https://meet.example.org/room-42"
    meeting_id = created_id(create(rep_client, online_url=url))
    assert url not in client.get(f"/events/{meeting_id}").get_data(as_text=True)
    member, _ = login_as(Role.participant, "iasi")
    assert url not in member.get(f"/events/{meeting_id}").get_data(as_text=True)
    member.post(f"/events/{meeting_id}/register")
    assert url in member.get(f"/events/{meeting_id}").get_data(as_text=True)


def test_a_deleted_account_frees_its_seat(pavia, login_as, db_read, app):
    rep_client, _ = pavia
    meeting_id = created_id(create(rep_client, capacity="1"))
    first, first_user = login_as(Role.participant, "iasi")
    first.post(f"/events/{meeting_id}/register", data={"dietary_needs": "Vegan"})
    second, second_user = login_as(Role.participant, "turku")
    second.post(f"/events/{meeting_id}/register")
    from livinglab import events
    from livinglab.accounts.models import User

    with app.test_request_context():
        user = db.session.get(User, first_user.id)
        events.send(events.member_deleted, user, votes_removed=0)
        events.commit()
    gone = registration(db_read, meeting_id, first_user.id)
    assert gone.status == RegistrationStatus.cancelled and gone.dietary_needs is None
    assert registration(db_read, meeting_id, second_user.id).status == RegistrationStatus.confirmed


def test_dates_far_away_are_typing_mistakes(pavia, db_read):
    client, _ = pavia
    response = create(client, starts_at="2099-01-01T09:00", ends_at="2099-01-02T09:00")
    assert response.status_code == 400
    assert "ten years" in response.get_data(as_text=True)
    assert count(db_read, Meeting) == 0


def test_times_are_stored_in_utc_and_shown_in_the_event_s_zone(pavia, client, db_read):
    rep_client, _ = pavia
    meeting_id = created_id(
        create(rep_client, starts_at="2030-07-01T09:30", ends_at="2030-07-01T17:00")
    )
    starts = db_read(lambda: db.session.get(Meeting, meeting_id).starts_at)
    assert starts == datetime(2030, 7, 1, 7, 30, tzinfo=UTC)  # CEST, UTC+2
    html = client.get(f"/events/{meeting_id}").get_data(as_text=True)
    assert "9:30" in html and "CEST" in html
