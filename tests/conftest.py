"""Fixtures: one database per test session built by the migrations, each test rolled back.

Set ``LIVINGLAB_TEST_DATABASE_URL`` to run the same suite on PostgreSQL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from livinglab import create_app
from livinglab.accounts.models import ProfileKind, Role, User
from livinglab.accounts.passwords import hash_password
from livinglab.cities.models import City
from livinglab.extensions import db, limiter
from livinglab.onboarding import consent

PASSWORD = "correct horse battery"


def reset_database(app: Flask) -> None:
    """An empty database, then the migrations: the schema the tests see is the one they make."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            # A fresh file: search tables and triggers are not in the models, drop_all misses them.
            path = engine.url.database
            engine.dispose()
            if path and path != ":memory:" and os.path.exists(path):
                os.remove(path)
        upgrade()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("LIVINGLAB_TEST_DATABASE_URL")
    return url or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    reset_database(app)
    yield app
    dispose(app)


def dispose(app: Flask) -> None:
    """Closes the pooled connections of an app a test made."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every session of the test joins one outer transaction that is rolled back at the end."""
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", query_cls=db.Query
    )
    monkeypatch.setattr(db, "session", scoped_session(factory, scopefunc=_app_ctx_id))
    limiter.reset()
    try:
        yield
    finally:
        # Sessions were closed by each app context's teardown; undo everything they wrote.
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def socket_client(app: Flask):
    """``socket_client(flask_client=None)``: a Socket.IO test client, signed in like that client."""
    from livinglab.extensions import socketio
    from livinglab.setup import bind_socketio

    bind_socketio(app)
    opened = []

    def connect(flask_client=None):
        client = socketio.test_client(app, flask_test_client=flask_client)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        if client.is_connected():
            client.disconnect()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app and request context for tests that call services directly (not with the client)."""
    with app.test_request_context():
        yield


@pytest.fixture
def cities(app: Flask) -> dict[str, City]:
    with app.app_context():
        found = {c.slug: c for c in db.session.scalars(sa.select(City))}
        for city in found.values():
            db.session.expunge(city)
        return found


_serial = count(1)


@pytest.fixture
def make_user(app: Flask):
    """Creates a member and returns it detached, its columns loaded (ids stay valid)."""

    def make(
        role: Role | str = Role.participant,
        city: str = "pavia",
        *,
        email: str | None = None,
        name: str | None = None,
        suspended: bool = False,
        kind: ProfileKind = ProfileKind.student,
        accepted_terms: bool = True,
    ) -> User:
        n = next(_serial)
        with app.app_context():
            city_row = db.session.scalar(sa.select(City).where(City.slug == city))
            user = User(
                email=email or f"{Role(role).value}{n}.{city}@example.org",
                display_name=name or f"{Role(role).value.title()} {n} of {city}",
                password_hash=hash_password(PASSWORD),
                city_id=city_row.id,
                role=Role(role),
                profile_kind=kind,
            )
            if suspended:
                from livinglab.database import utcnow

                user.suspended_at = utcnow()
                user.suspension_reason = "test"
            db.session.add(user)
            db.session.flush()
            if accepted_terms:  # as at registration: the current terms and privacy notice
                consent.record(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD, remember: bool = False):
        email = getattr(user_or_email, "email", user_or_email)
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> Auth:
    return Auth(client)


@pytest.fixture
def login_as(app: Flask, make_user):
    """A fresh test client signed in as a new member with the given role and city."""

    def sign_in(role: Role | str = Role.participant, city: str = "pavia", **kwargs):
        user = make_user(role, city, **kwargs)
        client = app.test_client()
        response = Auth(client).login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client, user

    return sign_in


@pytest.fixture
def db_read(app: Flask):
    """Runs a function inside an app context and returns its result, for assertions."""

    def run(fn):
        with app.app_context():
            return fn()

    return run


@pytest.fixture
def count_queries(app: Flask):
    """``with count_queries() as counted: ...`` then ``counted.n`` is the number of statements."""

    @contextmanager
    def counting():
        class Counter:
            n = 0
            statements: list[str] = []

        counter = Counter()
        counter.statements = []
        with app.app_context():
            engine = db.engine

        def before(conn, cursor, statement, parameters, context, executemany):
            if statement.strip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                return
            counter.n += 1
            counter.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
