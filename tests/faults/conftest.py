"""Fault tests: real gunicorn servers on a real SQLite file or PostgreSQL database, driven
over HTTP, then the database itself is asked what was stored."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests
import sqlalchemy as sa
from flask import Flask

from livinglab import create_app
from livinglab.extensions import db
from tests.conftest import PASSWORD, dispose, reset_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_ADMIN = os.environ.get("LIVINGLAB_FAULTS_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_NAME = os.environ.get("LIVINGLAB_FAULTS_PG_DATABASE", "test_dbfaults")
# The ports this suite's servers may take (kept apart from other suites run at the same time).
PORTS = range(56100, 56200)
UNLIMITED = "100000 per minute"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.faults)


def free_port(exclude: tuple[int, ...] = ()) -> int:
    for port in PORTS:
        if port in exclude:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def postgres_url() -> str:
    """``test_dbfaults`` on the shared PostgreSQL, created when missing (reset by the caller)."""
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_NAME,))
            if found.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{PG_NAME}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN}: {error}")
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{PG_NAME}"


@pytest.fixture(params=["sqlite", "postgresql"])
def faults_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database with the migrations' schema: a SQLite file, or PostgreSQL."""
    if request.param == "sqlite":
        return "sqlite:///" + str(tmp_path / "faults.sqlite3")
    return postgres_url()


@dataclass
class Seeded:
    url: str
    voting_challenge: int
    open_challenge: int
    ideas: list[int]  # in the voting challenge, by a member who is not a writer
    tokens: list[str]  # one API token per writer
    user_ids: list[int] = field(default_factory=list)


def seed(url: str, members: int) -> Seeded:
    """Schema by the migrations, a challenge in voting with four ideas, an open challenge,
    and ``members`` participants each holding an API token."""
    from livinglab.accounts import tokens
    from livinglab.accounts.models import ProfileKind, Role, User
    from livinglab.accounts.passwords import hash_password
    from livinglab.challenges.models import Phase
    from livinglab.cities.models import City
    from tests.factories import make_challenge, make_idea

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    reset_database(app)
    with app.app_context():
        cities = list(db.session.scalars(sa.select(City).order_by(City.id)))
        hashed = hash_password(PASSWORD)

        def member(email: str, n: int) -> User:
            user = User(
                email=email,
                display_name=f"Member {n}",
                password_hash=hashed,
                city_id=cities[n % len(cities)].id,
                role=Role.participant,
                profile_kind=ProfileKind.student,
            )
            db.session.add(user)
            return user

        author = member("author@example.org", 0)
        users = [member(f"writer{n}@example.org", n) for n in range(members)]
        db.session.commit()
        voting = make_challenge(phase=Phase.voting, title="Voting challenge")
        opened = make_challenge(phase=Phase.open, title="Open challenge")
        ideas = [make_idea(voting, author.id, title=f"Idea {n}") for n in range(4)]
        plain = [tokens.issue(user, "faults")[0] for user in users]
        db.session.commit()
        seeded = Seeded(url, voting, opened, ideas, plain, [u.id for u in users])
    dispose(app)
    return seeded


@contextmanager
def database(url: str) -> Iterator[Flask]:
    """An app on the same database, for counting what the server stored."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            yield app
    finally:
        dispose(app)


@dataclass
class Server:
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running_server(
    database_url: str, log_dir: Path, *, threads: int = 32, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """One gunicorn process (threads, like production) of the app, per-member limits lifted:
    the tests send hundreds of writes from a few members."""
    port = free_port()
    log = log_dir / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "LIVINGLAB_CONFIG": "development",  # the production code paths, over plain HTTP
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",  # no mail written into the checkout
        "LIVINGLAB_SCHEDULER_THREAD": "0",  # the tests move phases themselves
        "LIVINGLAB_SECRET_KEY": "faults-secret",
        "LIVINGLAB_DATABASE_URL": database_url,
        "LIVINGLAB_THREADS": str(threads),
        "LIVINGLAB_TEST_OVERRIDES": json.dumps(
            {
                k: UNLIMITED
                for k in (
                    "RATELIMIT_COMMENTS",
                    "RATELIMIT_API",
                    "RATELIMIT_SIGN_IN_ACCOUNT",
                    "RATELIMIT_SIGN_IN_ADDRESS",
                )
            }
        ),
        **(env or {}),
    }
    environment.pop("LIVINGLAB_REDIS_URL", None)  # in-process limits and broadcasts
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "--workers",
                "1",
                "--threads",
                str(threads),
                "--bind",
                f"127.0.0.1:{port}",
                "tests.faults.app_for_faults:app",
            ],
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(server: Server, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{server.log_tail()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass  # still starting
        time.sleep(0.2)  # polling for readiness, not an assertion
    pytest.fail(f"{server.url} did not start:\n{server.log_tail()}")
