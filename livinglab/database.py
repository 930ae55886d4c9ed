"""Declarative base, constraint names, UTC timestamps, per-connection SQLite settings,
the connection pool's size and which database errors mean "unavailable, try again"."""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints let migrations drop and alter them the same way on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Model(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Stores naive UTC and always hands back aware UTC, so SQLite and PostgreSQL agree."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_column(enum_cls: type, name: str) -> sa.Enum:
    """A portable enum: VARCHAR plus a CHECK constraint, storing the member values."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# Requests that may write; GET and HEAD only read (a rare bookkeeping write there, such as a
# token's last-used stamp, still works: it just is not queued ahead of time).
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Socket.IO events run inside the handshake's GET request; these only read, every other event
# (comment.create, ...) is taken to write, so a new writing event is safe by default.
READING_SOCKET_EVENTS = frozenset({"connect", "disconnect", "join", "leave"})

_write_intent: ContextVar[bool | None] = ContextVar("write_intent", default=None)


@contextmanager
def write_intent(writes: bool = True) -> Iterator[None]:
    """Overrides the guess of :func:`wants_write_lock` for transactions begun inside."""
    token = _write_intent.set(writes)
    try:
        yield
    finally:
        _write_intent.reset(token)


def wants_write_lock() -> bool:
    """Whether a transaction beginning now should take SQLite's write lock up front."""
    forced = _write_intent.get()
    if forced is not None:
        return forced
    if not has_app_context():
        return False  # a bare connection (test harness, tooling): its owner says if it writes
    if not has_request_context():
        return True  # commands, migrations, workers run in an app context: there to write
    socket_event = getattr(request, "event", None)  # set by Flask-SocketIO for each event
    if isinstance(socket_event, dict):
        return socket_event.get("message") not in READING_SOCKET_EVENTS
    return request.method not in READING_METHODS


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on every connection; real transactions.

    pysqlite's own transaction handling starts transactions late and breaks SAVEPOINT,
    so the driver is put in autocommit and SQLAlchemy emits BEGIN itself.

    A transaction that may write begins IMMEDIATE: it waits (busy timeout) for the one write
    lock before reading anything. A deferred transaction that reads, then writes, must upgrade
    its snapshot to the write lock; once another writer has committed in between, SQLite
    refuses at once with "database is locked" (SQLITE_BUSY_SNAPSHOT), which no busy timeout
    can help. Reads stay deferred: under WAL they never wait for a writer.
    """

    # Under gevent (the servers, gunicorn.conf.py) SQLite's busy timeout would wait in C and
    # stall every greenlet, the lock's holder too, until the worker is killed: there the wait
    # for the write lock is a loop of short sleeps that yield instead (_begin_immediate).
    cooperative = gevent_patched()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={0 if cooperative else BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not wants_write_lock():
            connection.exec_driver_sql("BEGIN")
        elif cooperative:
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


BUSY_TIMEOUT_MS = 10000


def gevent_patched() -> bool:
    """Whether gevent has patched the standard library in this process (the servers that
    gunicorn.conf.py and serve.py start); never in the tests' in-process servers."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and bool(monkey.is_module_patched("socket"))


def _begin_immediate(connection: Any) -> None:
    """BEGIN IMMEDIATE, waiting up to the busy timeout for the write lock in short sleeps
    (patched by gevent: they let the lock's holder finish), then "database is locked" as
    SQLite itself would say it."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except sa.exc.OperationalError as error:
            if "locked" not in str(error.orig) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def engine_options(url: str, config: dict[str, Any]) -> dict[str, Any]:
    """SQLALCHEMY_ENGINE_OPTIONS with the pool sized from the configuration.

    Options given explicitly in SQLALCHEMY_ENGINE_OPTIONS win. An in-memory SQLite database
    has a single static connection, which takes no pool size.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return options
    options.setdefault("pool_size", config["DB_POOL_SIZE"])
    options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
    options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT"])
    return options


# SQLite result codes (primary, low byte) of a database that is there but cannot serve now:
# BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN, PROTOCOL.
_SQLITE_TRANSIENT = frozenset({5, 6, 7, 8, 10, 13, 14, 15})


def is_unavailable(error: BaseException) -> bool:
    """True for a database that is down, unreachable, locked or out of connections (503);
    false for a mistake in the program or the data (500): retrying would not help those."""
    if isinstance(error, sa.exc.TimeoutError):  # no pooled connection came free in time
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if isinstance(original, sqlite3.Error):
        # sqlite3 names a missing table an OperationalError too: ask for the result code.
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and (code & 0xFF) in _SQLITE_TRANSIENT
    # psycopg: OperationalError is the server going away, refusing connections, a deadlock
    # or a cancelled statement; InterfaceError a connection already closed.
    return isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError)
