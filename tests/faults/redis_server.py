"""A private redis-server to kill on purpose, and gunicorn servers of the app that use it.

Never the shared Redis on 6379: each test run starts its own on a port of 56200-56299.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
import requests
import socketio
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PORTS = range(56200, 56300)
PG_ADMIN = os.environ.get("LIVINGLAB_FAULTS_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = "test_redisfaults"  # this suite's own database on the shared PostgreSQL


_handed_out: set[int] = set()


def free_port() -> int:
    """A port of this suite's range that nothing listens on and no earlier call handed out
    (servers are often built before any of them binds its port)."""
    for port in PORTS:
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {PORTS}")


def _wait(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling a process that is starting, not an assertion


class PrivateRedis:
    """``redis-server`` without persistence: killed, it comes back empty on the same port."""

    def __init__(self, port: int) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed")
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=2)

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(  # noqa: S603 - our own arguments
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait(self._answers, 10, f"redis-server on port {self.port}")
        return self

    def kill(self) -> None:
        """kill -9: connections drop at once, nothing is saved."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        _wait(lambda: not self._answers(), 5, "redis-server to go away")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class AppServer:
    """One gunicorn process (threads, like production) of the app with Redis configured."""

    def __init__(
        self, database_url: str, redis_url: str, log: Path, overrides: dict[str, Any]
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "LIVINGLAB_CONFIG": "development",  # the production code paths, over plain HTTP
            "LIVINGLAB_SECRET_KEY": "redis-faults-secret",
            "LIVINGLAB_DATABASE_URL": database_url,
            "LIVINGLAB_REDIS_URL": redis_url,
        }
        # gunicorn calls the factory with these literal arguments.
        self.app_spec = f"livinglab:create_app('development', {overrides!r})"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> AppServer:
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(  # noqa: S603 - our own arguments
                [
                    str(BIN / "gunicorn"),
                    "--workers=1",
                    "--threads=32",
                    f"--bind=127.0.0.1:{self.port}",
                    self.app_spec,
                ],
                cwd=ROOT,
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stop() reaches the worker
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                answered = requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
                # Ours, not another process's on the same port: gunicorn logs its bind.
                if answered and f"Listening at: {self.url}" in self.log.read_text(errors="replace"):
                    return self
            except requests.RequestException:
                pass  # still starting
            time.sleep(0.1)  # polling a process that is starting, not an assertion
        self.stop()
        raise RuntimeError(f"{self.url} did not start:\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@contextmanager
def demo_database() -> Iterator[str]:
    """``test_redisfaults``, created afresh, migrated and seeded with the demo; dropped after."""
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"
    env = {
        **os.environ,
        "LIVINGLAB_CONFIG": "development",
        "LIVINGLAB_SECRET_KEY": "redis-faults-secret",
        "LIVINGLAB_DATABASE_URL": url,
        "LIVINGLAB_REDIS_URL": "",
    }
    try:
        for args in (["db", "upgrade"], ["seed-demo"]):
            done = subprocess.run(  # noqa: S603 - our own tools
                [str(BIN / "flask"), "--app", "wsgi", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
            )
            if done.returncode:
                raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


class FromAddress(HTTPAdapter):
    """Connects from another loopback address (127.0.0.0/8), so the server sees another
    client address: rate limits are per address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


@dataclass
class Listener:
    """A socket client that keeps every ``comment.created`` it hears."""

    client: socketio.Client
    seen: set[int] = field(default_factory=set)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def heard(self, comment_id: int, timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: comment_id in self.seen, timeout)


def listener(base: str, room: str, token: str | None = None) -> Listener:
    sio = socketio.Client(reconnection=False)
    result = Listener(sio)

    @sio.on("comment.created")
    def _created(data: dict) -> None:
        with result.changed:
            result.seen.add(data["id"])
            result.changed.notify_all()

    sio.connect(
        base, auth={"token": token} if token else None, transports=["websocket"], wait_timeout=10
    )
    assert sio.call("join", {"room": room}, timeout=10)["ok"] is True
    return result
