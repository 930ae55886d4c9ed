"""Live-layer benchmark: thousands of watchers on one idea's room, pages measured meanwhile.

    .venv/bin/python bench/fanout.py [--watchers 500,1000,2000] [--posts 5]
                                     [--modes gevent] [--processes 1,2]

For each server mode and process count, on a fresh SQLite database with the demo (Redis
between processes): the page latency idle; then N watchers per process connect (WebSocket,
anonymous, joined to one idea's room, spread over the processes), and one member posts
comments while a reader keeps loading pages. Printed next to the goals of issue 15: fan-out
median/p95/max to every watcher, the pages' p95 with the watchers connected against idle, and
how many watchers missed a comment. Two processes get twice the watchers: they should hold
them at the latency of one process with half.

The watchers are asyncio WebSockets speaking Engine.IO 4 / Socket.IO 5 (wsproto), so 4,000 of
them cost the benchmark one thread, not 8,000: the measure is the server's. ``--modes
threading`` runs the old threaded server (gthread) for comparison; it cannot hold 2,000.
Results are written to bench/results-fanout.txt.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.watchers import PageReader, fan_out, p95  # noqa: E402
from livinglab.demo import DEMO_PASSWORD  # noqa: E402

BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("LIVINGLAB_BENCH_REDIS", "redis://127.0.0.1:6379/13")
GOALS = "goals: fan-out p95 < 150 ms to 1,000; page p95 with watchers <= 2x idle; 0 missed"


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
        "LIVINGLAB_MAIL_WORKER_THREAD": "0",
        "LIVINGLAB_SCHEDULER_THREAD": "0",
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


def start(env: dict[str, str], mode: str, processes: int, watchers: int) -> tuple[list, list]:
    """gunicorn as gunicorn.conf.py says (gevent), or the threaded worker it replaced."""
    procs, urls = [], []
    if processes > 1:
        env = {**env, "LIVINGLAB_REDIS_URL": REDIS_URL}
    worker = [] if mode == "gevent" else ["-k", "gthread", "--threads", str(watchers + 50)]
    for _ in range(processes):
        port = free_port()
        command = [str(BIN / "gunicorn"), *worker, "--bind", f"127.0.0.1:{port}", "wsgi:app"]
        procs.append(
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
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
            p.wait(timeout=30)
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
        data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
        timeout=30,
    )
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def find_room(base: str) -> str:
    return "idea:" + re.search(
        r'href="/ideas/(\d+)"', requests.get(f"{base}/search?q=the", timeout=30).text
    ).group(1)


def idle_p95(base: str, rounds: int = 40) -> float:
    reader = PageReader(base)
    reader.start()
    while len(reader.latencies) < rounds * len(reader.pages):
        time.sleep(0.05)
    reader.stopping.set()
    reader.join()
    return p95(reader.latencies[len(reader.pages) * 5 :])  # the first rounds warm up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", default="500,1000,2000", help="per process")
    parser.add_argument("--posts", type=int, default=5)
    parser.add_argument("--modes", default="gevent")
    parser.add_argument("--processes", default="1,2")
    args = parser.parse_args()
    sizes = [int(x) for x in args.watchers.split(",")]
    header = (
        f"{'mode':>8} {'procs':>5} {'watchers':>8} {'connect s':>9} {'median ms':>9} "
        f"{'p95 ms':>7} {'max ms':>7} {'missed':>6} {'page p95 idle':>13} {'watched':>8} "
        f"{'ratio':>5}"
    )
    lines = [GOALS, f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"]
    lines.append(header)
    print("\n".join(lines), flush=True)
    posters = iter(["pavia", "poitiers", "coimbra", "iasi", "besancon", "hildesheim"] * 8)
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(f"sqlite:///{tmp}/fanout.sqlite3")
        for mode in args.modes.split(","):
            for processes in (int(p) for p in args.processes.split(",")):
                procs, urls = start(env, mode, processes, max(sizes))
                try:
                    room = find_room(urls[0])
                    idle = idle_p95(urls[0])
                    for per_process in sizes:
                        watchers = per_process * processes
                        cookie = sign_in(urls[0], f"participant.{next(posters)}@demo.livinglab.eu")
                        r = asyncio.run(fan_out(urls, room, watchers, args.posts, cookie))
                        line = (
                            f"{mode:>8} {processes:>5} {watchers:>8} {r.connect_s:>9.1f} "
                            f"{statistics.median(r.latencies):>9.1f} {p95(r.latencies):>7.1f} "
                            f"{max(r.latencies):>7.1f} {r.missed:>6} {idle:>13.1f} "
                            f"{r.page_p95:>8.1f} {r.page_p95 / idle:>5.2f}"
                        )
                        print(line, flush=True)
                        lines.append(line)
                finally:
                    stop(procs)
    lines.append(f"load average at end: {os.getloadavg()[0]:.2f}")
    (ROOT / "bench" / "results-fanout.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
