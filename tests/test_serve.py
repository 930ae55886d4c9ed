"""``serve.py``, what ``make run`` starts: one process migrates, seeds an empty database and
serves (gevent, as gunicorn.conf.py says), so a fresh machine answers within seconds and a
used database is left alone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import socketio

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


def _serve(database: Path, *extra: str) -> tuple[subprocess.Popen[bytes], int]:
    """The server's output goes to a file: a pipe nobody reads while it serves would fill."""
    port = free_port()
    env = {
        **os.environ,
        "LIVINGLAB_DATABASE_URL": f"sqlite:///{database}",
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",
        "LIVINGLAB_MAIL_DIR": str(database.parent / "mail"),
    }
    env.pop("LIVINGLAB_TEST_DATABASE_URL", None)
    with open(database.parent / "serve.log", "a") as log:
        process = subprocess.Popen(
            [sys.executable, "serve.py", "--port", str(port), *extra],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, port


def _answers(port: int, path: str, deadline: float) -> int:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{path} did not answer")


def _stop(process: subprocess.Popen[bytes], database: Path) -> str:
    """Stops the server; what it printed."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    return (database.parent / "serve.log").read_text()


def _accounts(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM user").fetchone()[0])


def test_serve_migrates_seeds_an_empty_database_and_answers(tmp_path: Path) -> None:
    database = tmp_path / "fresh.sqlite3"
    process, port = _serve(database)
    try:
        deadline = time.monotonic() + 60
        assert _answers(port, "/healthz", deadline) == 200
        assert _answers(port, "/challenges/", deadline) == 200
        # The live layer answers over a real WebSocket (gevent with simple-websocket).
        client = socketio.Client(reconnection=False)
        client.connect(f"http://127.0.0.1:{port}", transports=["websocket"], wait_timeout=20)
        assert client.transport() == "websocket"
        client.disconnect()
    finally:
        output = _stop(process, database)
    assert "Demo data ready" in output, output
    assert "cityrep.pavia@demo.livinglab.eu" in output
    assert "Traceback" not in output, output
    assert _accounts(database) == 27

    # Served again, the database keeps what it has: nothing seeded twice.
    process, port = _serve(database)
    try:
        assert _answers(port, "/healthz", time.monotonic() + 60) == 200
    finally:
        output = _stop(process, database)
    assert "demo data not loaded" in output, output
    assert _accounts(database) == 27


def test_serve_without_demo_leaves_the_database_empty(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    process, port = _serve(database, "--no-demo")
    try:
        assert _answers(port, "/readyz", time.monotonic() + 60) == 200
    finally:
        _stop(process, database)
    assert _accounts(database) == 0
