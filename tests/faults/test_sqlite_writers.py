"""Concurrent writers against a real server: every write is answered (no 5xx, no surprise 4xx)
and every acknowledged write is in the database afterwards.

SQLite is the point (one write lock; a deferred transaction that read first cannot take it
once another writer has committed, and answered 500 "database is locked"); the same load on
PostgreSQL keeps both stores to one standard.
"""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
import sqlalchemy as sa

from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.votes.models import Vote
from tests.faults.conftest import Seeded, database, running_server, seed

WRITERS = 8
WRITES = 40  # per writer: ten each of idea comments, vote changes, ideas, challenge comments


@dataclass
class Outcome:
    comments: list[int] = field(default_factory=list)
    ideas: list[int] = field(default_factory=list)
    voted: dict[int, bool] = field(default_factory=dict)  # idea id -> acknowledged state
    errors: list[str] = field(default_factory=list)


def _writer(base: str, seeded: Seeded, n: int, start: threading.Barrier) -> Outcome:
    """One member's 40 writes, one after another, as an API client would send them."""
    out = Outcome()
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {seeded.tokens[n]}"
    # Comments go to one idea; votes alternate between two, each cast and withdrawn in turn,
    # so after five changes each both are voted for (within the budget of three).
    idea = seeded.ideas[n % len(seeded.ideas)]
    pair = (idea, seeded.ideas[(n + 1) % len(seeded.ideas)])
    api = f"{base}/api/v1"
    start.wait()
    for i in range(WRITES):
        kind = i % 4
        if kind == 0:
            url, method, expected = f"{api}/ideas/{idea}/comments", "POST", 201
            payload: dict | None = {"body": f"Writer {n}, comment {i} on the idea."}
        elif kind == 1:
            target = pair[(i // 4) % 2]
            voting = not out.voted.get(target, False)
            url, method, payload = (
                f"{api}/ideas/{target}/vote",
                "POST" if voting else "DELETE",
                None,
            )
            expected = 201 if voting else 200
        elif kind == 2:
            url, method, expected = f"{api}/challenges/{seeded.open_challenge}/ideas", "POST", 201
            payload = {
                "title": f"Idea {i} of writer {n}",
                "summary": "A way to reuse a heritage building.",
                "body": "Open the old granary to young artists.",
            }
        else:
            url, method, expected = (
                f"{api}/challenges/{seeded.voting_challenge}/comments",
                "POST",
                201,
            )
            payload = {"body": f"Writer {n}, comment {i} on the challenge."}
        try:
            response = http.request(method, url, json=payload, timeout=60)
        except requests.RequestException as error:
            out.errors.append(f"{method} {url}: {error!r}")
            continue
        if response.status_code != expected:
            out.errors.append(f"{method} {url}: {response.status_code} {response.text[:160]}")
            continue
        if kind == 1:
            out.voted[target] = method == "POST"
        elif kind == 2:
            out.ideas.append(response.json()["id"])
        else:
            out.comments.append(response.json()["id"])
    return out


def _hammer(base: str, seeded: Seeded) -> list[Outcome]:
    start = threading.Barrier(WRITERS)  # every writer sends its first write at the same moment
    with ThreadPoolExecutor(WRITERS) as pool:
        futures = [pool.submit(_writer, base, seeded, n, start) for n in range(WRITERS)]
        return [f.result() for f in futures]


def test_concurrent_writers_are_all_answered_and_all_stored(faults_database_url, tmp_path):
    database_url = faults_database_url
    seeded = seed(database_url, WRITERS)
    with running_server(database_url, tmp_path, threads=32) as server:
        outcomes = _hammer(server.url, seeded)
    errors = [e for o in outcomes for e in o.errors]
    statuses = Counter(e.split(": ", 1)[1].split(" ", 1)[0] for e in errors)
    assert errors == [], f"{len(errors)} of {WRITERS * WRITES} writes failed {dict(statuses)}"

    with database(database_url):
        answered_comments = sorted(c for o in outcomes for c in o.comments)
        stored_comments = sorted(
            db.session.scalars(sa.select(Comment.id).where(Comment.author_id.in_(seeded.user_ids)))
        )
        assert stored_comments == answered_comments
        assert len(stored_comments) == WRITERS * WRITES // 2

        answered_ideas = sorted(i for o in outcomes for i in o.ideas)
        stored_ideas = sorted(
            db.session.scalars(sa.select(Idea.id).where(Idea.challenge_id == seeded.open_challenge))
        )
        assert stored_ideas == answered_ideas
        assert len(stored_ideas) == WRITERS * WRITES // 4

        # Ten vote changes each, five per idea starting with a vote: both end voted for.
        expected_votes = {
            (seeded.user_ids[n], idea)
            for n, o in enumerate(outcomes)
            for idea, on in o.voted.items()
            if on
        }
        stored_votes = {
            (user_id, idea_id)
            for user_id, idea_id in db.session.execute(
                sa.select(Vote.user_id, Vote.idea_id).where(Vote.user_id.in_(seeded.user_ids))
            )
        }
        assert stored_votes == expected_votes
        assert len(stored_votes) == WRITERS * 2
