"""Events (issue 18), what follows an event's life: the minutes' attachments and photos through
the uploads' one route, the audit log with links to the event, a member's registrations in
their data export and gone with their account, events in the full-text search, the reminder
the day before and the news of a changed time or place (notification and email)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from livinglab import content
from livinglab.accounts.models import Role, User
from livinglab.audit.models import AuditEntry
from livinglab.audit.queries import subject_link
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.mail.models import OutboxMessage
from livinglab.meetings.models import (
    CalendarKey,
    Meeting,
    MeetingFile,
    MeetingReminder,
    Registration,
    RegistrationStatus,
)
from livinglab.meetings.reminders import send_due_reminders
from livinglab.search.services import matching_ids
from livinglab.uploads.models import Attachment
from tests.conftest import PASSWORD
from tests.test_meetings import (
    _png,
    create,
    created_id,
    event_form,
    local,
    notes,
    registration,
)


@pytest.fixture
def pavia(login_as):
    return login_as(Role.city_rep, "pavia")


def _pdf(text: str = "minutes") -> tuple:
    return (BytesIO(b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"), f"{text}.pdf")


def verified(db_read, user_id: int) -> None:
    """Email goes to confirmed addresses only."""

    def confirm():
        db.session.get(User, user_id).verified_at = utcnow()
        db.session.commit()

    db_read(confirm)


def in_romanian(app, msgid: str) -> str:
    """The catalogue's Romanian for an English text, as a Iași member's email speaks it."""
    with app.test_request_context(), force_locale("ro"):
        return str(gettext(msgid))


def mails_to(db_read, user_id: int) -> list[str]:
    return db_read(
        lambda: list(
            db.session.scalars(
                sa.select(OutboxMessage.subject)
                .where(OutboxMessage.user_id == user_id)
                .order_by(OutboxMessage.id)
            )
        )
    )


# --- The minutes' attachments and photos -------------------------------------------------


@pytest.fixture
def uploads_dir(app, tmp_path, monkeypatch) -> Path:
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    return tmp_path


def test_minutes_files_go_through_the_uploads_and_are_served_by_their_route(
    pavia, client, db_read, uploads_dir
):
    rep, _ = pavia
    meeting_id = created_id(create(rep))
    response = rep.post(
        f"/events/{meeting_id}/minutes",
        data={"minutes": "Day one.", "files": [(_png(), "day1.png"), _pdf()]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    photo, document = db_read(
        lambda: [
            (a.id, a.original_name, a.kind)
            for a in db.session.scalars(sa.select(Attachment).order_by(Attachment.id))
        ]
    )
    page = client.get(f"/events/{meeting_id}").get_data(as_text=True)
    assert f'/files/{photo[0]}/thumb"' in page and f'/files/{document[0]}/minutes.pdf"' in page
    download = client.get(f"/files/{document[0]}/minutes.pdf")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in download.headers["Content-Security-Policy"]
    download.close()
    stored = {p.name for p in uploads_dir.rglob("*") if p.is_file()}
    assert len(stored) == 3, "the photo, its thumbnail and the PDF"

    # The organiser takes the photo off: its row and its files go, nobody is served it.
    visitor_before = client.get(f"/files/{photo[0]}/thumb")
    assert visitor_before.status_code == 200
    visitor_before.close()
    assert rep.post(f"/events/{meeting_id}/files/{photo[0]}/delete").status_code == 302
    assert client.get(f"/files/{photo[0]}/thumb").status_code == 404
    assert db_read(lambda: db.session.get(Attachment, photo[0])) is None
    assert len([p for p in uploads_dir.rglob("*") if p.is_file()]) == 1
    actions = db_read(lambda: list(db.session.scalars(sa.select(AuditEntry.action))))
    assert "event.files" in actions and "event.minutes" in actions


def test_another_city_removes_no_file_and_a_refused_file_leaves_nothing(
    pavia, login_as, db_read, uploads_dir
):
    rep, _ = pavia
    meeting_id = created_id(create(rep))
    rep.post(
        f"/events/{meeting_id}/minutes",
        data={"minutes": "x", "files": [(_png(), "a.png")]},
        content_type="multipart/form-data",
    )
    photo_id = db_read(lambda: db.session.scalar(sa.select(MeetingFile.attachment_id)))
    turku, _ = login_as(Role.city_rep, "turku")
    assert turku.post(f"/events/{meeting_id}/files/{photo_id}/delete").status_code == 403
    assert rep.post(f"/events/{meeting_id}/files/999999/delete").status_code == 404
    before = sorted(p.name for p in uploads_dir.rglob("*") if p.is_file())

    # A good image then a file that is not one: the request is refused as a whole.
    response = rep.post(
        f"/events/{meeting_id}/minutes",
        data={"minutes": "y", "files": [(_png(), "b.png"), (BytesIO(b"MZ\x90\x00"), "virus.exe")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Only PNG, JPEG, WebP images or PDF documents" in response.get_data(as_text=True)
    assert sorted(p.name for p in uploads_dir.rglob("*") if p.is_file()) == before
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Attachment.id)))) == 1
    assert db_read(lambda: db.session.get(Meeting, meeting_id).minutes) == "x"


def test_a_cover_that_is_no_image_is_refused_without_a_trace(pavia, db_read, uploads_dir):
    rep, _ = pavia
    form = event_form()
    form["cover"] = _pdf("cover")
    response = rep.post("/events/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "The cover must be an image." in response.get_data(as_text=True)
    assert not [p for p in uploads_dir.rglob("*") if p.is_file()]
    assert db_read(lambda: db.session.scalar(sa.select(sa.func.count(Meeting.id)))) == 0


# --- The audit log ---------------------------------------------------------------------------


def test_creation_changes_and_cancellation_are_audited_with_a_link_to_the_event(pavia, login_as):
    rep, _ = pavia
    meeting_id = created_id(create(rep))
    rep.post(f"/events/{meeting_id}/edit", data=event_form(venue_name="Castello"))
    rep.post(f"/events/{meeting_id}/cancel", data={"reason": "The hall is flooded."})
    admin, _ = login_as(Role.admin, "turku")
    page = admin.get("/admin/audit").get_data(as_text=True)
    for action in ("event.created", "event.changed", "event.cancelled"):
        row = page.split(f'data-action="{action}"', 1)[1].split("</tr>", 1)[0]
        assert f'href="/events/{meeting_id}"' in row, action
    assert "Event cancelled" in page and "Event changed" in page
    # The Pavia representative reads their city's log, links included.
    assert f'href="/events/{meeting_id}"' in rep.get("/admin/audit").get_data(as_text=True)


def test_any_kind_that_declares_its_page_is_linked_from_the_log(app):
    """The log asks the content registry: a new kind needs no entry in livinglab/audit."""

    class Gizmo:
        id = 4

    content.register(
        "gizmo",
        Gizmo,
        load=lambda ids: {},
        title_of=lambda g: "",
        owner_ids=lambda g: set(),
        visible_to=lambda u, g: True,
        page=("meetings.show", "meeting_id"),
    )
    try:
        with app.test_request_context():
            entry = AuditEntry(action="gizmo.made", subject_type="gizmo", subject_id=4)
            assert subject_link(entry) == "/events/4"
            assert subject_link(AuditEntry(subject_type="nothing", subject_id=4)) is None
            for kind in content.kinds():
                assert kind.page is not None or kind.name == "comment", kind.name
    finally:
        content.unregister("gizmo")


# --- A member's data: exported, and gone with the account --------------------------------


def test_the_export_holds_one_s_registrations_and_nobody_else_s_answers(pavia, login_as, db_read):
    rep, _ = pavia
    meeting_id = created_id(create(rep))
    member, user = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register", data={"dietary_needs": "Vegetarian"})
    member.post("/events/mine/calendar")
    data = json.loads(member.get("/profile/data.json").get_data(as_text=True))
    [mine] = data["records"]["event_registration"]
    assert (mine["event_id"], mine["status"], mine["dietary_needs"]) == (
        meeting_id,
        "confirmed",
        "Vegetarian",
    )
    assert "secret" not in data["records"]["event_calendar_key"][0], "a secret is never exported"

    # The organiser checked the member in: the organiser's export names the row, not the answer.
    reg_id = db_read(lambda: db.session.scalar(sa.select(Registration.id)))
    assert rep.post(f"/events/{meeting_id}/check-in/{reg_id}").status_code == 302
    theirs = json.loads(rep.get("/profile/data.json").get_data(as_text=True))
    rows = theirs["records"]["event_registration"]
    assert [r["id"] for r in rows] == [reg_id]
    assert "Vegetarian" not in json.dumps(theirs)


def test_deleting_the_account_frees_seats_keeps_the_past_anonymous(pavia, login_as, db_read):
    rep, _ = pavia
    past_id = created_id(create(rep, title="Earlier"))
    coming_id = created_id(create(rep, capacity="1"))
    member, user = login_as(Role.participant, "iasi", name="Ioana Test")
    for meeting_id in (past_id, coming_id):
        member.post(f"/events/{meeting_id}/register", data={"dietary_needs": "No nuts"})
    member.post("/events/mine/calendar")
    waiting, waiting_user = login_as(Role.participant, "turku")
    waiting.post(f"/events/{coming_id}/register")

    def end_the_first():  # the first event took place
        meeting = db.session.get(Meeting, past_id)
        meeting.starts_at = utcnow() - timedelta(days=3)
        meeting.ends_at = utcnow() - timedelta(days=2)
        db.session.commit()

    db_read(end_the_first)
    response = member.post("/profile/delete", data={"password": PASSWORD, "confirmation": "DELETE"})
    assert response.status_code == 302
    past = registration(db_read, past_id, user.id)
    assert past.status == RegistrationStatus.confirmed and past.dietary_needs is None
    assert registration(db_read, coming_id, user.id).status == RegistrationStatus.cancelled
    assert registration(db_read, coming_id, waiting_user.id).status == RegistrationStatus.confirmed
    assert len(notes(db_read, waiting_user.id, "event_promoted")) == 1
    assert db_read(lambda: db.session.get(CalendarKey, user.id)) is None
    check_in = rep.get(f"/events/{past_id}/check-in").get_data(as_text=True)
    assert "Former member" in check_in and "Ioana Test" not in check_in


# --- The full-text search ----------------------------------------------------------------------


def found(db_read, query: str) -> set[int]:
    return db_read(lambda: set(db.session.scalars(matching_ids("event", query))))


def test_events_are_found_by_title_description_place_and_minutes(pavia, client, db_read):
    rep, _ = pavia
    first = created_id(create(rep, title="Lantern workshop", venue_name="Castello Visconteo"))
    second = created_id(create(rep, description="We restore **frescoes** in Iași."))
    assert found(db_read, "lantern") == {first}
    assert found(db_read, "visconteo") == {first}
    assert found(db_read, "FRESCOES Iași") == {second}, "every word, any case"
    assert found(db_read, "frescoes lantern") == set()
    rep.post(f"/events/{second}/minutes", data={"minutes": "We chose the scaffolding firm."})
    assert found(db_read, "scaffolding") == {second}
    rep.post(
        f"/events/{first}/edit",
        data=event_form(title="Mosaic workshop"),
    )
    assert found(db_read, "lantern") == set() and found(db_read, "mosaic") == {first}

    page = client.get("/search?q=scaffolding").get_data(as_text=True)
    results = page.split('data-testid="event-results"', 1)[1].split("</section>", 1)[0]
    assert f"/events/{second}" in results and f"/events/{first}" not in results
    listing = client.get("/events?q=mosaic").get_data(as_text=True)
    assert f"/events/{first}" in listing and f"/events/{second}" not in listing
    api = client.get("/api/v1/events?q=frescoes").get_json()
    assert [e["id"] for e in api["items"]] == [second]
    assert client.get("/api/v1/events?q=%22%28*").status_code == 200


# --- Reminders and changes of time or place --------------------------------------------------


def test_the_reminder_the_day_before_is_sent_once_in_app_and_by_email(
    pavia, login_as, db_read, app
):
    rep, _ = pavia
    start = utcnow() + timedelta(hours=20)
    meeting_id = created_id(
        create(
            rep,
            starts_at=local(start),
            ends_at=local(start + timedelta(hours=6)),
            capacity="1",
        )
    )
    member, user = login_as(Role.participant, "iasi")
    verified(db_read, user.id)
    member.post(f"/events/{meeting_id}/register")
    waiting, waiting_user = login_as(Role.participant, "turku")
    waiting.post(f"/events/{meeting_id}/register")
    now = utcnow()
    with app.app_context():
        assert send_due_reminders(now - timedelta(days=2)) == 0, "too early"
        assert send_due_reminders(now) == 1
        assert send_due_reminders(now) == 0, "never twice"
        assert send_due_reminders(now + timedelta(hours=1)) == 0
    [note] = notes(db_read, user.id, "event_reminder")
    assert note.link == f"/events/{meeting_id}"
    when = db_read(lambda: db.session.get(Meeting, meeting_id).local_start)
    assert note.params["when"] == f"{when:%Y-%m-%d %H:%M} {when.tzname()}"
    assert note.params["where"] == "Broletto"
    assert not notes(db_read, waiting_user.id, "event_reminder"), "a waiting place is no seat"
    [subject] = mails_to(db_read, user.id)
    # In the member's language (a Iași member reads Romanian), with the title and the place.
    assert subject.startswith(
        in_romanian(app, "Reminder: “%(title)s” begins on %(when)s, %(where)s.")[:7]
    )
    assert "Workshop on circular reuse" in subject and "Broletto" in subject

    # Moved to another day within the next one: reminded again, for the new start.
    moved = start + timedelta(hours=2)
    rep.post(
        f"/events/{meeting_id}/edit",
        data=event_form(
            starts_at=local(moved), ends_at=local(moved + timedelta(hours=6)), capacity="1"
        ),
    )
    with app.app_context():
        assert send_due_reminders(utcnow()) == 1
    assert len(notes(db_read, user.id, "event_reminder")) == 2
    assert (
        db_read(lambda: db.session.scalar(sa.select(sa.func.count()).select_from(MeetingReminder)))
        == 2
    )


def test_a_cancelled_event_reminds_nobody_and_the_cli_runs_it(pavia, login_as, db_read, app):
    rep, _ = pavia
    start = utcnow() + timedelta(hours=10)
    meeting_id = created_id(
        create(rep, starts_at=local(start), ends_at=local(start + timedelta(hours=2)))
    )
    member, user = login_as(Role.participant, "iasi")
    member.post(f"/events/{meeting_id}/register")
    rep.post(f"/events/{meeting_id}/cancel", data={"reason": "Strike."})
    result = app.test_cli_runner().invoke(args=["event-reminders"])
    assert result.exit_code == 0 and "Event reminders sent: 0." in result.output
    assert not notes(db_read, user.id, "event_reminder")


def test_a_new_time_or_place_is_told_at_once_by_email(pavia, login_as, db_read, app):
    rep, _ = pavia
    meeting_id = created_id(create(rep))
    member, user = login_as(Role.participant, "iasi")
    verified(db_read, user.id)
    member.post(f"/events/{meeting_id}/register")
    assert (
        rep.post(
            f"/events/{meeting_id}/edit", data=event_form(venue_name="Castello Visconteo")
        ).status_code
        == 302
    )
    [note] = notes(db_read, user.id, "event_changed")
    assert note.params["where"] == "Castello Visconteo"
    [subject] = mails_to(db_read, user.id)
    moved_text = in_romanian(app, "“%(title)s” has moved: it now begins on %(when)s, %(where)s.")
    assert moved_text.split("%(when)s")[0].split("”")[-1] in subject
    assert "Castello Visconteo" in subject
    # Other changes (the description) tell nobody and send nothing.
    rep.post(
        f"/events/{meeting_id}/edit",
        data=event_form(venue_name="Castello Visconteo", description="More words."),
    )
    assert len(mails_to(db_read, user.id)) == 1
    # The member can choose to hear of these on the platform only.
    member.post("/profile/email-notifications", data={"category_events": "in_app"})
    rep.post(f"/events/{meeting_id}/edit", data=event_form(venue_name="Broletto"))
    assert len(notes(db_read, user.id, "event_changed")) == 2
    assert len(mails_to(db_read, user.id)) == 1


def test_the_scheduler_runs_the_reminders_as_a_job(pavia, login_as, db_read, app):
    """The same reminders through the periodic jobs (the server's thread or cron's
    ``run-due-jobs``), not only through their own command."""
    rep, _ = pavia
    start = utcnow() + timedelta(hours=12)
    meeting_id = created_id(
        create(rep, starts_at=local(start), ends_at=local(start + timedelta(hours=2)))
    )
    member, user = login_as(Role.participant, "iasi")
    verified(db_read, user.id)
    member.post(f"/events/{meeting_id}/register")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["run-due-jobs", "--job", "event-reminders"])
    assert result.exit_code == 0, result.output
    [note] = notes(db_read, user.id, "event_reminder")
    assert note.link == f"/events/{meeting_id}"
    assert runner.invoke(args=["run-due-jobs", "--job", "event-reminders"]).exit_code == 0
    assert len(notes(db_read, user.id, "event_reminder")) == 1, "never twice"
