"""Real server processes: gunicorn on PostgreSQL, sharing broadcasts through Redis."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("LIVINGLAB_SCALEOUT_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("LIVINGLAB_SCALEOUT_REDIS", "redis://127.0.0.1:6379/14")
# The throw-away database's name starts with this (runs that share a server keep apart).
DB_PREFIX = os.environ.get("LIVINGLAB_SCALEOUT_DB_PREFIX", "livinglab_scaleout")
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/scaleout/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.scaleout)


# LIVINGLAB_SCALEOUT_PORTS=58100-58199 keeps the servers in a range (machines shared by runs).
_PORTS = os.environ.get("LIVINGLAB_SCALEOUT_PORTS")
_next_port = [0]


def free_port() -> int:
    if not _PORTS:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    first, last = (int(part) for part in _PORTS.split("-"))
    for _ in range(last - first + 1):
        port = first + _next_port[0] % (last - first + 1)
        _next_port[0] += 1  # not handed out twice before the range wraps, even if not yet bound
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in LIVINGLAB_SCALEOUT_PORTS={_PORTS}")


@pytest.fixture(scope="session")
def scaleout_env() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database with the schema and demo data, and a Redis to share."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}")
    name = f"{DB_PREFIX}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    env = {
        **os.environ,
        # Development settings (CSRF on, cookies not marked Secure): the test speaks plain HTTP.
        "LIVINGLAB_CONFIG": "development",
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",  # no mail written into the checkout
        "LIVINGLAB_SCHEDULER_THREAD": "0",  # the tests move phases themselves
        "LIVINGLAB_SECRET_KEY": "scale-out-secret",
        "LIVINGLAB_DATABASE_URL": url,
        "LIVINGLAB_REDIS_URL": REDIS_URL,
        # Counters of earlier runs on the same Redis must not limit this one.
        "LIVINGLAB_RATELIMIT_PREFIX": name,
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    try:  # a failed migration or seed must not leave the database behind
        for args in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run(
                [*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
            )
        yield env
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_gunicorn(env: dict[str, str], port: int, log: Path | None = None) -> subprocess.Popen:
    """One gunicorn process of the app (threads, as in production) on a loopback port; its
    output (the app's logs) in ``log`` when given."""
    output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    process = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "50",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    if log:
        output.close()  # the child has its own copy
    return process


def wait_until_healthy(urls: list[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    for url in urls:
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass  # still starting
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not start")
            time.sleep(0.2)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def servers(scaleout_env) -> Iterator[list[str]]:
    """Two gunicorn processes of the production app on the same database and Redis."""
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(start_gunicorn(scaleout_env, port))
            urls.append(f"http://127.0.0.1:{port}")
        wait_until_healthy(urls)
        yield urls
    finally:
        stop(processes)


def signed_in_session(base: str, email: str, password: str) -> requests.Session:
    """Signs in through the real login form (CSRF token included), as a browser would."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": password},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    return session
