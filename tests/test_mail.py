"""Email that is never lost: the outbox commits with its cause, a worker sends it to a real SMTP
server (aiosmtpd on 127.0.0.1), a server that refuses or hangs costs a retry, never a message."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab.accounts.models import User
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.mail import backend
from livinglab.mail.models import OutboxMessage
from livinglab.mail.outbox import Email, queue
from livinglab.mail.signals import member_registering
from livinglab.mail.worker import backoff, deliver_due
from livinglab.ops import metrics
from tests.smtp import body_of, hanging_server, mail_to, smtp_server

REGISTRATION = {
    "email": "Lucia.Bianchi@Example.org",
    "display_name": "Lucia Bianchi",
    "password": "mosaici-di-pavia",
    "confirm_password": "mosaici-di-pavia",
    "city": "pavia",
    "profile_kind": "student",
    "preferred_language": "",
    "accept_terms": "y",
}


def outbox(db_read) -> list[OutboxMessage]:
    def rows():
        found = list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in found:
            db.session.expunge(row)
        return found

    return db_read(rows)


def queue_plain(db_read, n: int = 1, to: str = "reader{}@example.org") -> None:
    def add():
        for i in range(n):
            queue(to.format(i), "test", Email(subject=f"Message {i}", paragraphs=["Hi"]), "en")
        db.session.commit()

    db_read(add)


def failures() -> float:
    return metrics.REGISTRY.get_sample_value("livinglab_job_failures_total", {"job": "mail"}) or 0


# --- Queued with the cause, sent by the worker ------------------------------------------------


def test_registration_queues_the_confirmation_and_the_worker_delivers_it(app, client, db_read):
    response = client.post("/register", data=REGISTRATION)
    assert response.status_code == 302
    [row] = outbox(db_read)
    assert (row.kind, row.to_address, row.status) == (
        "verify_email",
        "lucia.bianchi@example.org",
        "queued",
    )

    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        report = db_read(deliver_due)
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [message] = sink.messages
    assert message["To"] == "lucia.bianchi@example.org"
    assert message["Message-ID"] == row.headers["Message-ID"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message  # an account email, not a notification
    text, html = body_of(message), body_of(message, "html")
    assert "/verify-email/" in text and 'href="http://localhost/verify-email/' in html
    [sent] = outbox(db_read)
    assert (sent.status, sent.attempts, sent.sent_at is not None) == ("sent", 1, True)


def test_an_action_that_rolls_back_queues_no_email(app, client, db_read):
    def broken(sender, **kwargs):
        raise RuntimeError("a later receiver fails")

    member_registering.connect(broken)
    try:
        assert client.post("/register", data=REGISTRATION).status_code == 500
    finally:
        member_registering.disconnect(broken)
    assert outbox(db_read) == []
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(sa.func.count(User.id)).where(User.email == "lucia.bianchi@example.org")
            )
        )
        == 0
    )


def test_the_request_never_waits_on_smtp(app, client, db_read, make_user):
    member = make_user(email="waits@example.org")
    with (
        hanging_server() as (_conns, port),
        mail_to(app, f"smtp://127.0.0.1:{port}", MAIL_SMTP_TIMEOUT=5),
    ):
        started = time.monotonic()
        response = client.post("/password/forgot", data={"email": member.email})
        took = time.monotonic() - started
    assert response.status_code == 200
    assert took < 1.0, f"the request took {took:.1f}s: it waited on the mail server"
    assert [row.to_address for row in outbox(db_read)] == ["waits@example.org"]


# --- Refusals and outages cost attempts, never messages ----------------------------------------


def test_a_server_answering_451_keeps_messages_queued_then_delivers_them(app, db_read):
    queue_plain(db_read, 3)
    before = failures()
    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        sink.refuse_data = "451 4.3.0 Try again later"
        report = db_read(deliver_due)
        assert (report.sent, report.retried, report.failed) == (0, 3, 0)
        rows = outbox(db_read)
        assert {r.status for r in rows} == {"queued"} and {r.attempts for r in rows} == {1}
        assert all("451" in r.last_error for r in rows)
        assert all(r.next_attempt_at > utcnow() + timedelta(seconds=50) for r in rows)
        assert db_read(deliver_due).sent == 0  # not due yet: nothing is tried early
        assert failures() == before + 3

        sink.refuse_data = None
        later = utcnow() + timedelta(minutes=2)
        report = db_read(lambda: deliver_due(now=later))
    assert report.sent == 3
    assert sorted(m["Subject"] for m in sink.messages) == ["Message 0", "Message 1", "Message 2"]
    assert {(r.status, r.attempts) for r in outbox(db_read)} == {("sent", 2)}


def test_a_refused_recipient_is_retried_with_backoff_and_kept_as_failed(app, db_read, runner):
    app.config["MAIL_MAX_ATTEMPTS"] = 4
    queue_plain(db_read, 1)
    now = utcnow()
    waits = []
    try:
        with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
            sink.refuse_rcpt = "550 5.1.1 Mailbox unavailable"
            for attempt in range(1, 5):
                report = db_read(lambda at=now: deliver_due(now=at))
                [row] = outbox(db_read)
                assert row.attempts == attempt
                if attempt < 4:
                    assert (report.retried, row.status) == (1, "queued")
                    waits.append(round((row.next_attempt_at - utcnow()).total_seconds() / 60))
                    now = row.next_attempt_at
            assert (report.failed, row.status) == (1, "failed")
            assert "550" in row.last_error
            assert db_read(lambda: deliver_due(now=now + timedelta(days=1))).sent == 0
    finally:
        app.config["MAIL_MAX_ATTEMPTS"] = 10
    assert waits == [1, 2, 4]  # minutes: the wait doubles
    listed = runner.invoke(args=["mail-outbox"])
    assert "failed: 1" in listed.output and "550 5.1.1" in listed.output
    requeued = runner.invoke(args=["mail-outbox", "--retry-failed"])
    assert "1 failed messages queued again" in requeued.output
    assert [(r.status, r.attempts) for r in outbox(db_read)] == [("queued", 0)]


def test_backoff_is_capped(app):
    with app.app_context():
        assert backoff(1) == timedelta(minutes=1)
        assert backoff(5) == timedelta(minutes=16)
        assert backoff(30) == timedelta(hours=6)


def test_a_server_that_never_answers_times_out_and_loses_nothing(app, db_read):
    queue_plain(db_read, 4)
    with (
        hanging_server() as (conns, port),
        mail_to(app, f"smtp://127.0.0.1:{port}", MAIL_SMTP_TIMEOUT=0.5),
    ):
        started = time.monotonic()
        report = db_read(deliver_due)
        took = time.monotonic() - started
        assert conns, "the worker never connected"
    # The outage stops the round at the first message: the others are not even tried.
    assert (report.sent, report.retried) == (0, 1)
    assert took < 3, f"one timeout should cost about 0.5 s, not {took:.1f} s"
    rows = outbox(db_read)
    assert [r.attempts for r in rows] == [1, 0, 0, 0]
    assert "timed out" in rows[0].last_error.lower()

    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        report = db_read(lambda: deliver_due(now=utcnow() + timedelta(minutes=2)))
    assert report.sent == 4 and len(sink.messages) == 4
    assert {r.status for r in outbox(db_read)} == {"sent"}


def test_a_closed_port_is_an_outage_too(app, db_read):
    from tests.smtp import free_port

    queue_plain(db_read, 2)
    with mail_to(app, f"smtp://127.0.0.1:{free_port()}"):
        report = db_read(deliver_due)
    assert (report.sent, report.retried) == (0, 1)
    assert [r.status for r in outbox(db_read)] == ["queued", "queued"]


# --- Leases: several workers, one delivery ------------------------------------------------------


def test_a_held_lease_is_respected_and_an_expired_one_is_taken_over(app, db_read):
    queue_plain(db_read, 2)
    rows = outbox(db_read)

    def lease(row_id, until):
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == row_id)
            .values(lease_until=until, lease_owner="another-worker")
        )
        db.session.commit()

    db_read(lambda: lease(rows[0].id, utcnow() + timedelta(minutes=5)))  # being sent elsewhere
    db_read(lambda: lease(rows[1].id, utcnow() - timedelta(seconds=1)))  # that worker died
    with smtp_server() as (sink, port), mail_to(app, f"smtp://127.0.0.1:{port}"):
        assert db_read(deliver_due).sent == 1
    assert [m["Subject"] for m in sink.messages] == ["Message 1"]
    assert [r.status for r in outbox(db_read)] == ["queued", "sent"]


# --- Where mail goes ---------------------------------------------------------------------------


def test_without_smtp_url_mail_is_written_to_a_folder(app, db_read, tmp_path, runner):
    queue_plain(db_read, 2)
    folder = tmp_path / "mail"
    with mail_to(app, None, MAIL_FILE_DIR=str(folder)):
        assert runner.invoke(args=["mail-info"]).output.strip() == (
            f"Mail: written to {folder} (set LIVINGLAB_SMTP_URL to send it)"
        )
        result = runner.invoke(args=["deliver-mail", "--once"])
    assert "2 sent, 0 to retry, 0 given up" in result.output
    written = "".join(p.read_text() for p in folder.iterdir())
    assert "Subject: Message 0" in written and "Subject: Message 1" in written


def test_smtp_urls_are_read_and_a_bad_one_stops_the_start():
    assert backend.smtp_settings("smtp://ops%40city.eu:s3cr%2Ft@relay.city.eu:2525?starttls=1") == {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "relay.city.eu",
        "MAIL_PORT": 2525,
        "MAIL_USERNAME": "ops@city.eu",
        "MAIL_PASSWORD": "s3cr/t",
        "MAIL_USE_TLS": True,
        "MAIL_USE_SSL": False,
    }
    implicit = backend.smtp_settings("smtps://u:p@relay.city.eu")
    assert (implicit["MAIL_PORT"], implicit["MAIL_USE_SSL"], implicit["MAIL_USE_TLS"]) == (
        465,
        True,
        False,
    )
    assert backend.smtp_settings("smtp://relay.city.eu?starttls=yes")["MAIL_PORT"] == 587
    assert backend.smtp_settings("smtp://relay.city.eu")["MAIL_PORT"] == 25
    for bad in ("http://relay.city.eu", "smtp://", "smtp://u:hunter2@relay:port"):
        with pytest.raises(RuntimeError) as refused:
            backend.smtp_settings(bad)
        assert "hunter2" not in str(refused.value)


def test_the_outbox_is_a_backlog_of_the_metrics(app, db_read):
    queue_plain(db_read, 3)
    assert db_read(metrics.BACKLOGS["mail"]) == 3


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()
