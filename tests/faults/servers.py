"""Real databases and real server processes for the fault tests, which kill them on purpose."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("LIVINGLAB_FAULTS_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "heritage-lab-2022"  # noqa: S105 - the documented demo password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A database of the given kind (sqlite or postgresql), migrated and seeded with the demo."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'faults.sqlite3'}"
        name = None
    else:
        name = f"livinglab_faults_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    env = server_env(url)
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    try:
        for args in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(
                [*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=180
            )
        yield url
    finally:
        if name:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        # Development settings: plain HTTP, CSRF on; API clients use bearer tokens.
        "LIVINGLAB_CONFIG": "development",
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",  # no mail written into the checkout
        "LIVINGLAB_SCHEDULER_THREAD": "0",  # the tests move phases themselves
        "LIVINGLAB_SECRET_KEY": "fault-suite-secret",
        "LIVINGLAB_DATABASE_URL": database_url,
        "LIVINGLAB_REDIS_URL": "",
        "LIVINGLAB_RATELIMIT_PREFIX": f"faults-{uuid.uuid4().hex[:8]}",
        **extra,
    }


class Server:
    """One gunicorn process group serving the app; ``kill()`` is a real SIGKILL of all of it."""

    def __init__(
        self,
        env: dict[str, str],
        threads: int = 32,
        overrides: dict | None = None,
        log: Path | None = None,
    ):
        self.env = {**env, "LIVINGLAB_TEST_OVERRIDES": json.dumps(overrides or {})}
        self.log = log
        self._log_file: Any = None
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        if self.log:
            self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "--workers=1",
                # gunicorn's control socket is one path per user: several servers would share it.
                "--no-control-socket",
                f"--threads={self.threads}",
                f"--bind=127.0.0.1:{self.port}",
                "tests.faults.app_for_faults:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self._log_file or subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so kill() reaches the worker too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass  # still starting
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
        raise RuntimeError(f"the server on {self.url} did not start\n{tail}")

    def kill(self) -> None:
        """kill -9 of the master and its worker at once: nothing gets to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def bearer(base: str, email: str, password: str = DEMO_PASSWORD) -> dict[str, Any]:
    response = requests.post(
        f"{base}/api/v1/tokens", json={"email": email, "password": password}, timeout=10
    )
    assert response.status_code == 201, response.text[:300]
    return {"Authorization": f"Bearer {response.json()['token']}"}
