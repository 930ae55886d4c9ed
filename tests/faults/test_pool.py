"""As many requests at once as the server has threads: they queue for a database connection
(and, on SQLite, for the write lock) instead of failing; a pool that really runs dry answers
503 with Retry-After, never 500."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from livinglab.extensions import db
from livinglab.votes.models import Vote
from tests.faults.conftest import Seeded, database, postgres_url, running_server, seed

VOTERS = 200


def _all_at_once(base: str, seeded: Seeded, voters: int) -> list[requests.Response]:
    """Every member votes for one idea, all requests released at the same moment."""
    start = threading.Barrier(voters)

    def vote(n: int) -> requests.Response:
        idea = seeded.ideas[n % len(seeded.ideas)]
        headers = {"Authorization": f"Bearer {seeded.tokens[n]}"}
        start.wait()
        return requests.post(f"{base}/api/v1/ideas/{idea}/vote", headers=headers, timeout=120)

    with ThreadPoolExecutor(voters) as pool:
        return list(pool.map(vote, range(voters)))


def test_as_many_voters_as_threads_at_once_all_get_their_vote(faults_database_url, tmp_path):
    seeded = seed(faults_database_url, VOTERS)
    with running_server(faults_database_url, tmp_path, threads=VOTERS) as server:
        responses = _all_at_once(server.url, seeded, VOTERS)
        log = server.log_tail()
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: VOTERS}, f"{dict(statuses)}\n{log}"
    with database(faults_database_url):
        stored = db.session.scalar(
            sa.select(sa.func.count(Vote.id)).where(Vote.user_id.in_(seeded.user_ids))
        )
    assert stored == VOTERS


def test_a_pool_that_runs_dry_answers_503_with_retry_after(tmp_path):
    """Two connections and a short wait for 60 simultaneous voters: some must be turned away,
    and they are told to come back (503, Retry-After, the API's JSON shape)."""
    url = postgres_url()
    voters = 60
    seeded = seed(url, voters)
    tight = {
        "LIVINGLAB_DB_POOL_SIZE": "2",
        "LIVINGLAB_DB_MAX_OVERFLOW": "0",
        "LIVINGLAB_DB_POOL_TIMEOUT": "0.05",
    }
    with running_server(url, tmp_path, threads=voters, env=tight) as server:
        responses = _all_at_once(server.url, seeded, voters)
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 503}, dict(statuses)
    turned_away = [r for r in responses if r.status_code == 503]
    assert turned_away, f"the pool never ran dry: {dict(statuses)}"
    for response in turned_away:
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["error"]["code"] == "unavailable"
    with database(url):
        stored = db.session.scalar(
            sa.select(sa.func.count(Vote.id)).where(Vote.user_id.in_(seeded.user_ids))
        )
    assert stored == statuses[201]  # every vote acknowledged is stored, no other
