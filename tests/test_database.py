"""The data store: migrations are the schema, partners are seeded, SQLite is set up safely;
writes queue for SQLite's lock, the pool follows the threads, a failing database is a 503."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask, g
from sqlalchemy import event

from livinglab import create_app
from livinglab.accounts import tokens
from livinglab.accounts.models import User
from livinglab.audit.models import AuditEntry, AuditLogIsAppendOnly
from livinglab.cities.models import City
from livinglab.database import write_intent
from livinglab.extensions import db
from livinglab.search.services import include_name
from tests.conftest import PASSWORD, dispose, reset_database
from tests.factories import make_challenge, members_accept_terms

FOUNDING = {
    "pavia": ("Comune di Pavia", "Italy", "it"),
    "poitiers": ("Grand Poitiers Communauté Urbaine", "France", "fr"),
    "coimbra": ("Câmara Municipal de Coimbra", "Portugal", "pt"),
    "iasi": ("Primăria Municipiului Iași", "Romania", "ro"),
    "besancon": ("Ville de Besançon", "France", "fr"),
    "hildesheim": ("Stadt Hildesheim", "Germany", "de"),
    "salamanca": ("Ayuntamiento de Salamanca", "Spain", "es"),
    "turku": ("Turun kaupunki", "Finland", "fi"),
}


def test_migrations_produce_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migration_seeds_the_eight_partners(app, db_read):
    rows = db_read(
        lambda: db.session.execute(
            sa.select(City.slug, City.municipality, City.country, City.language)
        ).all()
    )
    assert {slug: (m, c, lang) for slug, m, c, lang in rows} == FOUNDING


def test_timestamps_come_back_as_aware_utc(app, db_read):
    joined = db_read(
        lambda: db.session.scalar(sa.select(City.joined_at).where(City.slug == "pavia"))
    )
    assert joined == datetime(2022, 4, 7, 12, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(app):
    with app.app_context():
        city = db.session.scalar(sa.select(City).where(City.slug == "turku"))
        city.joined_at = datetime(2022, 4, 7)  # noqa: DTZ001 - the point of the test
        with pytest.raises(sa.exc.StatementError):
            db.session.flush()
        db.session.rollback()


def test_audit_entries_cannot_be_changed_or_deleted(app):
    with app.app_context():
        entry = AuditEntry(action="test.action", subject_type="city", subject_id=1, details={})
        db.session.add(entry)
        db.session.commit()
        entry.action = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(AuditEntry, entry.id))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/pragmas.sqlite3"}
    )
    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    dispose(app)


def test_foreign_keys_are_enforced(app):
    from livinglab.accounts.models import User

    with app.app_context():
        db.session.add(
            User(email="ghost@example.org", display_name="Ghost", password_hash="x", city_id=9999)
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_postgresql_urls_use_psycopg3(tmp_path):
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:5432/test"}
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


# --- Under real conditions: write locks, the pool, a database that fails -------------------


@pytest.fixture(scope="module")
def own_app(tmp_path_factory) -> Iterator[Flask]:
    """An app on a committed SQLite file of its own (no rolled-back outer transaction, so its
    transactions really begin), with routes that fail the way real code does."""
    path = tmp_path_factory.mktemp("own") / "own.sqlite3"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})

    @app.get("/test/integrity-error")
    def _integrity_error():
        db.session.add(
            User(email="x@example.org", display_name="X", password_hash="x", city_id=999)
        )
        db.session.flush()  # the foreign key fails; the session now refuses all work
        return "unreachable"

    @app.get("/api/v1/test/integrity-error")
    def _api_integrity_error():
        return _integrity_error()

    @app.get("/test/missing-table")
    def _missing_table():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))
        return "unreachable"

    @app.get("/test/page-breaks")
    def _page_breaks():
        g.break_the_page = True
        raise RuntimeError("a bug")

    @app.context_processor
    def _breaker() -> dict:
        if g.get("break_the_page"):
            raise RuntimeError("the error page's own template fails too")
        return {}

    reset_database(app)
    with app.app_context():
        from livinglab.accounts.models import Role
        from livinglab.accounts.passwords import hash_password
        from livinglab.cities.models import City

        pavia = db.session.scalar(sa.select(City).where(City.slug == "pavia"))
        db.session.add(
            User(
                email="member@example.org",
                display_name="Maria Member",
                password_hash=hash_password(PASSWORD),
                city_id=pavia.id,
                role=Role.participant,
            )
        )
        db.session.commit()
        members_accept_terms()
    yield app
    dispose(app)


@contextmanager
def begins(app: Flask) -> Iterator[list[str]]:
    """The BEGIN statements the app's engine sends while the block runs."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def signed_in(app: Flask):
    client = app.test_client()
    assert client.post("/login", data={"email": "member@example.org", "password": PASSWORD})
    return client


def test_sqlite_writes_take_the_write_lock_up_front_and_reads_do_not(own_app):
    client = signed_in(own_app)
    with begins(own_app) as read:
        assert client.get("/challenges/").status_code == 200
    assert read and set(read) == {"BEGIN"}  # under WAL a reader never waits for a writer
    with own_app.app_context():
        challenge = make_challenge()
        member = db.session.scalar(sa.select(User).where(User.email == "member@example.org"))
        token = tokens.issue(member)[0]
    with begins(own_app) as written:
        response = client.post(
            f"/api/v1/challenges/{challenge}/comments",
            json={"body": "Hi"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert written and set(written) == {"BEGIN IMMEDIATE"}
    with begins(own_app) as command, own_app.app_context():
        db.session.execute(sa.select(1))  # a command-line task or worker: there to write
        db.session.rollback()
    assert command == ["BEGIN IMMEDIATE"]
    with begins(own_app) as declared, own_app.app_context(), write_intent(False):
        db.session.execute(sa.select(1))  # a task that says it only reads
        db.session.rollback()
    assert declared == ["BEGIN"]


def test_socket_comments_take_the_write_lock_and_joining_does_not(own_app):
    from livinglab.extensions import socketio
    from livinglab.setup import bind_socketio

    bind_socketio(own_app)
    with own_app.app_context():
        room = f"challenge:{make_challenge()}"
    socket = socketio.test_client(own_app, flask_test_client=signed_in(own_app))
    try:
        with begins(own_app) as joined:
            assert socket.emit("join", {"room": room}, callback=True)["ok"] is True
        assert joined and set(joined) == {"BEGIN"}
        with begins(own_app) as posted:
            ack = socket.emit("comment.create", {"room": room, "body": "Live"}, callback=True)
        assert ack["ok"] is True, ack
        assert posted and set(posted) == {"BEGIN IMMEDIATE"}
    finally:
        socket.disconnect()


def test_a_database_error_inside_a_request_still_gets_the_friendly_500_page(own_app):
    client = signed_in(own_app)
    response = client.get("/test/integrity-error")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    # Rolled back first: the page could read the member (and their notifications) again.
    assert "Maria Member" in page
    api = client.get("/api/v1/test/integrity-error")
    assert api.status_code == 500
    assert api.get_json()["error"]["code"] == "server_error"


def test_a_programming_error_is_a_500_not_a_503(own_app):
    # SQLite calls a missing table an OperationalError too; it is still our bug, not an outage.
    response = own_app.test_client().get("/test/missing-table")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_the_500_answer_survives_its_own_page_failing(own_app):
    response = own_app.test_client().get("/test/page-breaks")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def assert_unavailable(client, bearer: bool = False) -> None:
    headers = {"Authorization": "Bearer ll_unknown"} if bearer else {}
    api = client.get("/api/v1/cities", headers=headers)
    assert api.status_code == 503, api.get_data(as_text=True)[:300]
    assert int(api.headers["Retry-After"]) > 0
    assert api.get_json()["error"]["code"] == "unavailable"
    page = client.get("/challenges/")
    assert page.status_code == 503, page.get_data(as_text=True)[:300]
    assert int(page.headers["Retry-After"]) > 0
    assert page.mimetype == "text/html"
    assert "The platform is briefly unavailable" in page.get_data(as_text=True)


def test_a_database_that_does_not_answer_is_a_503_with_retry_after():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{port}/gone"}
    )
    client = app.test_client()
    assert_unavailable(client)
    assert_unavailable(client, bearer=True)  # the token lookup itself fails
    assert client.get("/healthz").status_code == 200  # the process lives on
    dispose(app)


def test_a_missing_sqlite_file_is_a_503_and_service_resumes_when_it_is_back(tmp_path):
    folder = tmp_path / "volume"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/db.sqlite3"})
    client = app.test_client()
    assert_unavailable(client)  # the volume is not mounted: SQLite cannot open the file
    folder.mkdir()
    reset_database(app)  # the volume is back, with the database on it
    assert client.get("/api/v1/cities").status_code == 200
    assert client.get("/challenges/").status_code == 200
    dispose(app)


def test_no_free_pooled_connection_is_a_503_not_a_500(tmp_path):
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/pool.sqlite3",
            "DB_POOL_SIZE": 1,
            "DB_MAX_OVERFLOW": 0,
            "DB_POOL_TIMEOUT": 0.2,
        },
    )
    reset_database(app)
    client = app.test_client()
    with app.app_context():
        engine = db.engine
    assert engine.pool.size() == 1
    with engine.connect():  # another thread's request holds the only connection
        assert_unavailable(client)
    assert client.get("/api/v1/cities").status_code == 200
    dispose(app)


def test_the_pool_follows_the_server_threads(monkeypatch):
    from config import pool_settings

    for name in ("LIVINGLAB_DB_POOL_SIZE", "LIVINGLAB_DB_MAX_OVERFLOW", "LIVINGLAB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    assert pool_settings() == (32, 16, 10.0)
    monkeypatch.setenv("LIVINGLAB_THREADS", "8")
    assert pool_settings()[:2] == (8, 0)  # never more connections than threads
    monkeypatch.setenv("LIVINGLAB_THREADS", "200")
    assert pool_settings()[:2] == (32, 32)  # the rest queue for a connection
    monkeypatch.setenv("LIVINGLAB_DB_POOL_SIZE", "50")
    monkeypatch.setenv("LIVINGLAB_DB_POOL_TIMEOUT", "2.5")
    assert pool_settings() == (50, 50, 2.5)
    monkeypatch.setenv("LIVINGLAB_DB_POOL_SIZE", "many")
    with pytest.raises(RuntimeError, match="LIVINGLAB_DB_POOL_SIZE"):
        pool_settings()


def test_the_app_sizes_its_pool_from_the_configuration(tmp_path):
    app = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3", "DB_POOL_SIZE": 7},
    )
    with app.app_context():
        assert db.engine.pool.size() == 7
        assert db.engine.pool.timeout() == app.config["DB_POOL_TIMEOUT"]
    dispose(app)
    memory = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})  # one connection
    with memory.app_context():
        assert db.engine.dialect.name == "sqlite"
    dispose(memory)
