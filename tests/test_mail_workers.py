"""Several mail workers at once on a real, committed database (SQLite by default, PostgreSQL
when LIVINGLAB_TEST_DATABASE_URL says so, in a database of its own): each message is claimed
under a lease by one worker only, so it reaches the SMTP server exactly once."""

from __future__ import annotations

import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask

from livinglab import create_app
from livinglab.extensions import db
from livinglab.mail.models import MailStatus, OutboxMessage
from livinglab.mail.outbox import Email, queue
from livinglab.mail.worker import deliver_due
from tests.conftest import dispose, reset_database
from tests.smtp import smtp_server

MESSAGES = 60
WORKERS = 4


@pytest.fixture(scope="module")
def committed(tmp_path_factory) -> Iterator[Flask]:
    base = os.environ.get("LIVINGLAB_TEST_DATABASE_URL")
    created = None
    if base:
        created = f"livinglab_mail_{uuid.uuid4().hex[:8]}"
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        url = admin.rsplit("/", 1)[0] + f"/{created}"
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("mail") / "mail.sqlite3")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    reset_database(app)
    yield app
    dispose(app)
    if created and base:
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def test_concurrent_workers_send_each_message_exactly_once(committed: Flask):
    app = committed
    with app.app_context():
        for n in range(MESSAGES):
            queue(f"member{n}@example.org", "test", Email(subject=f"Message {n}"), "en")
        db.session.commit()

    with smtp_server() as (sink, port):
        app.config.update(
            {
                "MAIL_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "MAIL_BACKEND": "smtp",
            }
        )
        from livinglab.mail import backend

        backend.configure(app)
        start = threading.Barrier(WORKERS)
        reports = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                with app.app_context():
                    while (report := deliver_due(limit=10)).sent:
                        reports.append((threading.current_thread().name, report.sent))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    ids = Counter(m["Message-ID"] for m in sink.messages)
    assert len(ids) == MESSAGES and max(ids.values()) == 1, "a message was sent twice"
    assert sum(sent for _worker, sent in reports) == MESSAGES
    assert len({worker for worker, _sent in reports}) > 1, "the workers never overlapped"
    with app.app_context():
        statuses = Counter(db.session.scalars(sa.select(OutboxMessage.status)))
    assert statuses == {MailStatus.sent: MESSAGES}


def test_the_server_process_sends_with_its_own_thread_when_configured(committed: Flask):
    """MAIL_WORKER_THREAD: the first request starts the worker thread, which sends what the
    request queued without the request waiting for it; the testing config starts none."""
    import time

    from livinglab.mail import worker

    url = committed.config["SQLALCHEMY_DATABASE_URI"].replace(
        "postgresql+psycopg://", "postgresql://"
    )
    assert not committed.config["MAIL_WORKER_THREAD"]
    committed.test_client().get("/healthz")
    assert id(committed) not in worker._threads

    with smtp_server() as (sink, port):
        server = create_app(
            "testing",
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "MAIL_WORKER_THREAD": True,
                "MAIL_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "MAIL_POLL_SECONDS": 0.2,
            },
        )
        try:
            response = server.test_client().post(
                "/password/forgot", data={"email": "nobody-here@example.org"}
            )
            assert response.status_code == 200
            assert worker._threads[id(server)].thread.is_alive()
            with server.app_context():
                queue("thread@example.org", "test", Email(subject="By the thread"), "en")
                db.session.commit()
            deadline = time.monotonic() + 10
            while not sink.to("thread@example.org") and time.monotonic() < deadline:
                time.sleep(0.05)
            assert [m["Subject"] for m in sink.to("thread@example.org")] == ["By the thread"]
        finally:
            worker.stop_thread(server)
            dispose(server)
