"""kill -9 of a real server in the middle of a stream of API writes, on SQLite and PostgreSQL.

What a client was told was stored (a 2xx with the new row's id) must be there after the
restart, exactly as sent; what was cut off may be missing, but never half-written.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.faults.servers import Server, bearer, demo_database, server_env

pytestmark = pytest.mark.faults

WRITERS = ("participant.pavia", "participant.turku", "expert.coimbra", "participant.iasi")
KILLS = 2


@dataclass
class Acknowledged:
    comments: dict[int, str] = field(default_factory=dict)
    ideas: dict[int, str] = field(default_factory=dict)
    cut_off: int = 0  # requests that died with the server: no answer, no promise
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _writer(
    server_url: list[str], headers: dict, targets: tuple[int, int], stop: threading.Event, ack
) -> None:
    """Alternates comments and ideas until told to stop; records what the server acknowledged."""
    challenge_for_comments, open_challenge = targets
    n = 0
    while not stop.is_set():
        n += 1
        marker = uuid.uuid4().hex
        base = server_url[0]
        try:
            if n % 2:
                response = requests.post(
                    f"{base}/api/v1/challenges/{challenge_for_comments}/comments",
                    json={"body": f"comment {marker}"},
                    headers=headers,
                    timeout=10,
                )
            else:
                response = requests.post(
                    f"{base}/api/v1/challenges/{open_challenge}/ideas",
                    json={
                        "title": f"Idea {marker}",
                        "summary": "Written while the server may die.",
                        "body": f"body {marker}",
                    },
                    headers=headers,
                    timeout=10,
                )
        except requests.RequestException:
            with ack.lock:
                ack.cut_off += 1
            time.sleep(0.2)  # the server is down; the test restarts it
            continue
        with ack.lock:
            if response.status_code == 201:
                row = response.json()
                (ack.comments if n % 2 else ack.ideas)[row["id"]] = marker
            else:
                ack.errors.append(f"{response.status_code} {response.text[:200]}")


def _wait_for_writes(ack: Acknowledged, count: int, timeout: float = 60) -> None:
    """Returns once ``count`` more writes have been acknowledged."""
    with ack.lock:
        goal = len(ack.comments) + len(ack.ideas) + count
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ack.lock:
            if len(ack.comments) + len(ack.ideas) >= goal or ack.errors:
                return
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} writes acknowledged in {timeout} s")


def _targets(base: str, headers: dict) -> tuple[int, int]:
    listing = requests.get(
        f"{base}/api/v1/challenges", params={"phase": "open"}, headers=headers, timeout=10
    ).json()
    open_challenge = listing["items"][0]["id"]
    return open_challenge, open_challenge


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_no_acknowledged_write_is_lost_when_the_server_is_killed(kind: str, tmp_path: Path):
    with demo_database(kind, tmp_path) as url:
        overrides = {"RATELIMIT_ENABLED": False}
        log = tmp_path / "server.log"
        server = Server(server_env(url), threads=16, overrides=overrides, log=log).start()
        live = [server.url]
        try:
            tokens = [bearer(server.url, f"{who}@demo.livinglab.eu") for who in WRITERS]
            targets = _targets(server.url, tokens[0])
            ack, stop = Acknowledged(), threading.Event()
            threads = [
                threading.Thread(target=_writer, args=(live, headers, targets, stop, ack))
                for headers in tokens
            ]
            for thread in threads:
                thread.start()
            for _ in range(KILLS):
                _wait_for_writes(ack, 20)  # with writes in flight...
                server.kill()
                server = Server(server.env, threads=16, overrides=overrides, log=log)
                server.start()
                live[0] = server.url
            _wait_for_writes(ack, 20)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        finally:
            server.stop()

        assert not ack.errors, ack.errors[:5]
        assert len(ack.comments) >= 10 and len(ack.ideas) >= 10, (len(ack.comments), len(ack.ideas))
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.connect() as conn:
                comments = dict(conn.execute(sa.text("SELECT id, body FROM comment")).all())
                ideas = dict(conn.execute(sa.text("SELECT id, body FROM idea")).all())
                # Half-written would be an idea without its author's follow, written together.
                orphans = conn.execute(
                    sa.text(
                        "SELECT count(*) FROM idea WHERE body LIKE 'body %' AND NOT EXISTS ("
                        "SELECT 1 FROM follow f "
                        "WHERE f.target_type = 'idea' AND f.target_id = idea.id "
                        "AND f.user_id = idea.author_id)"
                    )
                ).scalar_one()
                if kind == "sqlite":
                    assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
        finally:
            engine.dispose()
        lost_comments = [i for i, m in ack.comments.items() if comments.get(i) != f"comment {m}"]
        lost_ideas = [i for i, m in ack.ideas.items() if ideas.get(i) != f"body {m}"]
        assert not lost_comments and not lost_ideas, (lost_comments, lost_ideas)
        assert orphans == 0
        print(
            f"\n{kind}: {KILLS} kill -9, {len(ack.comments)} comments and {len(ack.ideas)} ideas "
            f"acknowledged and found, {ack.cut_off} requests cut off"
        )
