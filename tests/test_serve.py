"""``flask serve``, what ``make run`` starts: one process migrates, seeds an empty database and
serves, so a fresh machine answers within seconds and a used database is left alone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent


def _serve(database: Path, *extra: str) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {
        **os.environ,
        "LIVINGLAB_DATABASE_URL": f"sqlite:///{database}",
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",
        "LIVINGLAB_MAIL_DIR": str(database.parent / "mail"),
    }
    env.pop("LIVINGLAB_TEST_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "serve", "--port", str(port)]
        + ["--threads", "4", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
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


def _stop(process: subprocess.Popen[str]) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    output, _ = process.communicate(timeout=20)
    return output


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
    finally:
        output = _stop(process)
    assert "Demo data ready" in output, output
    assert "cityrep.pavia@demo.livinglab.eu" in output
    assert _accounts(database) == 27

    # Served again, the database keeps what it has: nothing seeded twice.
    process, port = _serve(database)
    try:
        assert _answers(port, "/healthz", time.monotonic() + 60) == 200
    finally:
        output = _stop(process)
    assert "demo data not loaded" in output, output
    assert _accounts(database) == 27


def test_serve_without_demo_leaves_the_database_empty(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    process, port = _serve(database, "--no-demo")
    try:
        assert _answers(port, "/readyz", time.monotonic() + 60) == 200
    finally:
        _stop(process)
    assert _accounts(database) == 0
