"""Fan-out benchmark: N Socket.IO clients watch one room on the production server; one member
posts; how long until every watcher has the comment?

    .venv/bin/python bench/fanout.py [--clients 50,200,500] [--posts 5]

Runs one gunicorn process, then two processes sharing broadcasts through Redis (watchers
spread over both), on a fresh SQLite database with the demo data. Traffic stays on 127.0.0.1.
Results are printed and written to bench/results-fanout.txt.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from livinglab.demo import DEMO_PASSWORD  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("LIVINGLAB_BENCH_REDIS", "redis://127.0.0.1:6379/13")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "LIVINGLAB_CONFIG": "development",  # plain HTTP on the loopback: cookies not Secure
        "LIVINGLAB_SECRET_KEY": "bench",
        "LIVINGLAB_DATABASE_URL": db_url,
    }
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return env


def start(
    env: dict[str, str], processes: int, threads: int
) -> tuple[list[subprocess.Popen], list[str]]:
    procs, urls = [], []
    if processes > 1:
        env = {**env, "LIVINGLAB_REDIS_URL": REDIS_URL}
    for _ in range(processes):
        port = free_port()
        command = [
            str(BIN / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        procs.append(
            subprocess.Popen(
                [*command, "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    for url in urls:
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not start")
            time.sleep(0.2)
    return procs, urls


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def sign_in(base: str, email: str) -> str:
    session = requests.Session()
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"',
        session.get(f"{base}/login", timeout=30).text,
    ).group(1)
    session.post(
        f"{base}/login",
        data={
            "csrf_token": token,
            "email": email,
            "password": DEMO_PASSWORD,
        },
        timeout=30,
    )
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def find_room(base: str) -> str:
    return "idea:" + re.search(
        r'href="/ideas/(\d+)"', requests.get(f"{base}/search?q=the", timeout=30).text
    ).group(1)


class Watcher:
    def __init__(self, url: str, room: str, arrivals: dict, lock: threading.Lock):
        self.client = socketio.Client(reconnection=False)
        self.client.on("comment.created", self._on_comment)
        self.client.connect(url, transports=["websocket"], wait_timeout=30)
        ack = self.client.call("join", {"room": room}, timeout=30)
        if not ack.get("ok"):
            raise RuntimeError(ack)
        self.arrivals, self.lock = arrivals, lock

    def _on_comment(self, data: dict) -> None:
        now = time.perf_counter()
        with self.lock:
            self.arrivals.setdefault(data["id"], []).append(now)


def run(
    urls: list[str], room: str, clients: int, posts: int, poster_email: str
) -> tuple[float, float, float, int]:
    arrivals: dict[int, list[float]] = {}
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=16) as pool:
        watchers = list(
            pool.map(lambda i: Watcher(urls[i % len(urls)], room, arrivals, lock), range(clients))
        )
    poster = socketio.Client(reconnection=False)
    poster.connect(
        urls[0],
        headers={"Cookie": sign_in(urls[0], poster_email)},
        transports=["websocket"],
        wait_timeout=30,
    )
    latencies, missing = [], 0
    try:
        for n in range(posts):
            sent = time.perf_counter()
            ack = poster.call(
                "comment.create", {"room": room, "body": f"fan-out {clients} #{n}"}, timeout=30
            )
            if not ack.get("ok"):
                raise RuntimeError(ack)
            cid = ack["comment"]["id"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with lock:
                    if len(arrivals.get(cid, [])) >= clients:
                        break
                time.sleep(0.005)
            with lock:
                got = arrivals.get(cid, [])
                latencies += [(t - sent) * 1000 for t in got]
                missing += clients - len(got)
            time.sleep(0.3)
    finally:
        poster.disconnect()
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda w: w.client.disconnect(), watchers))
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    return statistics.median(latencies), p95, max(latencies), missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="50,200,500")
    parser.add_argument("--posts", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(x) for x in args.clients.split(",")]
    lines = [
        f"{'processes':>9} {'clients':>7} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'missed':>6}"
    ]
    print(lines[0], flush=True)
    cities = iter(
        ["pavia", "poitiers", "coimbra", "iasi", "besancon", "hildesheim", "salamanca", "turku"] * 4
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(f"sqlite:///{tmp}/fanout.sqlite3")
        for processes in (1, 2):
            # Threading mode holds a thread per open WebSocket: size the pool for the watchers.
            threads = max(sizes) // processes + 50
            procs, urls = start(env, processes, threads)
            try:
                room = find_room(urls[0])
                for clients in sizes:
                    # A new poster each run: members may post 10 comments a minute.
                    email = f"participant.{next(cities)}@demo.livinglab.eu"
                    median, p95, worst, missed = run(urls, room, clients, args.posts, email)
                    line = f"{processes:>9} {clients:>7} {median:>9.1f} {p95:>8.1f} {worst:>8.1f} {missed:>6}"
                    print(line, flush=True)
                    lines.append(line)
            finally:
                stop(procs)
    (ROOT / "bench" / "results-fanout.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
