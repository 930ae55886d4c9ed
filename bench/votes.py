"""Voting benchmark: 200 members vote and withdraw at once on one challenge, against the
production server; prints votes per second and latency, then checks that stored votes,
counts and budgets are exact.

    .venv/bin/python bench/votes.py [--members 200] [--duration 20] [--threads 32]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-votes"  # noqa: S105 - a throw-away server's key
IDEAS = 10
BUDGET = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_url: str, members: int):
    """Schema, partners, members and a challenge in voting with ten ideas; session cookies."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from livinglab import create_app
    from livinglab.accounts.models import Role, User
    from livinglab.accounts.passwords import hash_password
    from livinglab.challenges.models import Challenge, ChallengeTheme, Phase
    from livinglab.cities.models import City
    from livinglab.database import utcnow
    from livinglab.extensions import db
    from livinglab.ideas.models import Idea

    app = create_app("production", {"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": db_url})
    with app.app_context():
        upgrade()
        cities = list(db.session.scalars(sa.select(City).order_by(City.id)))
        hashed = hash_password("bench-password-1")
        users = [
            User(
                email=f"voter{n}@bench.example",
                display_name=f"Voter {n}",
                password_hash=hashed,
                city_id=cities[n % len(cities)].id,
                role=Role.participant,
            )
            for n in range(members + 1)
        ]
        db.session.add_all(users)
        db.session.flush()
        challenge = Challenge(
            title="Benchmark challenge",
            summary="s",
            body="b",
            phase=Phase.voting,
            lead_city_id=cities[0].id,
            votes_per_member=BUDGET,
            published_at=utcnow(),
        )
        challenge.theme_rows = [ChallengeTheme(theme="governance")]
        db.session.add(challenge)
        db.session.flush()
        ideas = [
            Idea(
                challenge_id=challenge.id,
                author_id=users[-1].id,
                title=f"Idea {n}",
                summary="s",
                body="b",
            )
            for n in range(IDEAS)
        ]
        db.session.add_all(ideas)
        db.session.commit()
        # Signed session cookies, as the app would issue after a sign-in: the benchmark
        # measures voting, not argon2 or the sign-in rate limit.
        serializer = app.session_interface.get_signing_serializer(app)
        cookies = [
            serializer.dumps({"_user_id": f"{u.id}:{u.session_version}", "_fresh": True})
            for u in users[:-1]
        ]
        return app, challenge.id, [i.id for i in ideas], [u.id for u in users[:-1]], cookies


class Member:
    """One member's browser: a keep-alive connection, the session cookie and a CSRF token."""

    def __init__(self, port: int, cookie: str, first_idea: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = cookie
        status, body, headers = self.request("GET", f"/ideas/{first_idea}")
        assert status == 200, status
        self._keep_cookie(headers)
        self.token = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
        self.votes: set[int] = set()
        self.uncertain = False

    def _keep_cookie(self, headers) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]

    def request(self, method: str, path: str, body: str | None = None):
        headers = {"Cookie": f"session={self.cookie}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read().decode()
        return response.status, data, response.getheaders()

    def post(self, path: str) -> int:
        try:
            status, _, headers = self.request("POST", path, f"csrf_token={self.token}")
        except (ConnectionError, http.client.HTTPException):
            # The answer was lost: whether the vote counted is unknown, so this member's
            # expected votes are no longer checked one by one (budgets and counts still are).
            self.uncertain = True
            self.conn.close()
            return -1
        self._keep_cookie(headers)
        return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--threads", type=int, default=32, help="gunicorn threads")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/votes.sqlite3"
        app, challenge_id, ideas, user_ids, cookies = prepare(db_url, args.members)
        port = free_port()
        env = {
            **os.environ,
            "LIVINGLAB_CONFIG": "production",
            "LIVINGLAB_SECRET_KEY": SECRET,
            "LIVINGLAB_DATABASE_URL": db_url,
        }
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                "1",
                "--threads",
                str(args.threads),
                "--keep-alive",
                "60",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(1)
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=5).request(
                        "GET", "/healthz"
                    )
                    break
                except OSError:
                    time.sleep(0.2)
            members = [Member(port, c, ideas[0]) for c in cookies]
            latencies: list[float] = []
            outcomes: dict[int, int] = {}
            lock = threading.Lock()
            start = threading.Barrier(len(members) + 1)
            deadline = [0.0]

            def work(member: Member, seed: int) -> None:
                rng = random.Random(seed)
                start.wait()
                while time.perf_counter() < deadline[0]:
                    idea = rng.choice(ideas)
                    withdraw = idea in member.votes
                    path = f"/ideas/{idea}/vote/withdraw" if withdraw else f"/ideas/{idea}/vote"
                    began = time.perf_counter()
                    status = member.post(path)
                    took = time.perf_counter() - began
                    if status == 302:
                        (member.votes.discard if withdraw else member.votes.add)(idea)
                    with lock:
                        latencies.append(took)
                        outcomes[status] = outcomes.get(status, 0) + 1

            threads = [threading.Thread(target=work, args=(m, n)) for n, m in enumerate(members)]
            for t in threads:
                t.start()
            deadline[0] = time.perf_counter() + args.duration
            began = time.perf_counter()
            start.wait()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=15)

        changed = outcomes.get(302, 0)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000
        lines = [
            f"{len(members)} members, {IDEAS} ideas, budget {BUDGET}, {args.duration:.0f} s, gunicorn 1 worker x {args.threads} threads, SQLite",
            f"requests: {len(latencies)} ({len(latencies) / elapsed:.1f}/s); statuses: {dict(sorted(outcomes.items()))}",
            f"votes cast or withdrawn: {changed} ({changed / elapsed:.1f}/s)",
            f"latency: median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95:.1f} ms, max {latencies[-1] * 1000:.1f} ms",
        ]
        lines.append(verify(app, challenge_id, user_ids, members))
        text = "\n".join(lines)
        print(text)
        (ROOT / "bench" / "results-votes.txt").write_text(text + "\n")
        if "MISMATCH" in text or any(s >= 500 for s in outcomes):
            raise SystemExit(1)


def verify(app, challenge_id: int, user_ids: list[int], members: list[Member]) -> str:
    """Stored votes equal what the clients were told, budgets hold, counts are the rows."""
    import sqlalchemy as sa

    from livinglab.extensions import db
    from livinglab.votes.models import Vote
    from livinglab.votes.services import counts

    with app.app_context():
        rows = db.session.execute(
            sa.select(Vote.user_id, Vote.idea_id).where(Vote.challenge_id == challenge_id)
        ).all()
        stored: dict[int, set[int]] = {}
        for user_id, idea_id in rows:
            stored.setdefault(user_id, set()).add(idea_id)
        certain = {uid for uid, m in zip(user_ids, members, strict=True) if not m.uncertain}
        expected = {
            uid: m.votes
            for uid, m in zip(user_ids, members, strict=True)
            if m.votes and uid in certain
        }
        stored_certain = {uid: v for uid, v in stored.items() if uid in certain}
        per_idea: dict[int, int] = {}
        for _, idea_id in rows:
            per_idea[idea_id] = per_idea.get(idea_id, 0) + 1
        problems = []
        if stored_certain != expected:
            problems.append("stored votes differ from what members were told")
        if len(rows) != sum(len(v) for v in stored.values()):
            problems.append("duplicate votes")
        if any(len(v) > BUDGET for v in stored.values()):
            problems.append("a budget was exceeded")
        if counts(list(per_idea)) != per_idea:
            problems.append("counts differ from stored votes")
        db.engine.dispose()
    if problems:
        return "check: MISMATCH: " + "; ".join(problems)
    lost = len(members) - len(certain)
    return (
        f"check: exact ({len(rows)} votes stored; for the {len(certain)} members whose every answer arrived, "
        f"stored = what they were told; {lost} lost an answer; no budget exceeded; no duplicate; counts = rows)"
    )


if __name__ == "__main__":
    main()
