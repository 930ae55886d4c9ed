"""Under gevent the servers wait for SQLite's write lock in short yielding sleeps instead of
SQLite's busy timeout (which would stall every greenlet, the lock's holder too): the wait
ends as soon as the holder commits, and past the timeout it fails as SQLite would."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from livinglab import database


def _engine(path):
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"isolation_level": None})
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
        connection.exec_driver_sql("PRAGMA busy_timeout=0")  # as the cooperative servers set it
    return engine


def _hold_lock(path, seconds: float) -> threading.Thread:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def release():
        time.sleep(seconds)
        holder.execute("COMMIT")
        holder.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_the_write_lock_is_taken_once_its_holder_commits(tmp_path):
    path = tmp_path / "lock.sqlite3"
    engine = _engine(path)
    holder = _hold_lock(path, 0.3)
    started = time.monotonic()
    with engine.connect() as connection:
        database._begin_immediate(connection)
        waited = time.monotonic() - started
        connection.exec_driver_sql("COMMIT")
    holder.join()
    assert 0.25 <= waited < 2, waited


def test_past_the_busy_timeout_the_database_is_locked(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "lock.sqlite3"
    engine = _engine(path)
    holder = _hold_lock(path, 1.0)
    started = time.monotonic()
    with engine.connect() as connection, pytest.raises(sa.exc.OperationalError, match="locked"):
        database._begin_immediate(connection)
    assert time.monotonic() - started < 0.9
    holder.join()
