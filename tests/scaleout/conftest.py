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
BIN = Path(sys.executable).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/scaleout/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.scaleout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def scaleout_env() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database with the schema and demo data, and a Redis to share."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}")
    name = f"livinglab_scaleout_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    env = {
        **os.environ,
        # Development settings (CSRF on, cookies not marked Secure): the test speaks plain HTTP.
        "LIVINGLAB_CONFIG": "development",
        "LIVINGLAB_SECRET_KEY": "scale-out-secret",
        "LIVINGLAB_DATABASE_URL": url,
        "LIVINGLAB_REDIS_URL": REDIS_URL,
        # Counters of earlier runs on the same Redis must not limit this one.
        "LIVINGLAB_RATELIMIT_PREFIX": name,
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [*flask, *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
        )
    try:
        yield env
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def servers(scaleout_env) -> Iterator[list[str]]:
    """Two gunicorn processes of the production app on the same database and Redis."""
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(  # noqa: S603
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
                    env=scaleout_env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
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
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
