"""Page benchmark: the production server under closed-loop load, on generated data.

    .venv/bin/python bench/pages.py [--ideas 1000,20000] [--duration 10] [--concurrency 8]

For each idea count: a fresh SQLite database in a temporary folder (bench/generate.py), the
production server (gunicorn, one worker, 16 threads) on a free port of 127.0.0.1, then each
page loaded for --duration seconds by --concurrency threads, each on its own keep-alive
connection, after a short warm-up. Anonymous GETs only; every answer must be a 200.
The table is printed and written to bench/results-pages.txt. Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.generate import generate  # noqa: E402

HOST = "127.0.0.1"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
RESULTS = ROOT / "bench" / "results-pages.txt"
THREADS = 16
REQUEST_TIMEOUT = 10.0  # seconds for one request; a slower answer counts as an error
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
HEADERS = {"Accept-Language": "en", "Accept-Encoding": "identity", "User-Agent": "livinglab-bench"}


@dataclass
class Result:
    ideas: int
    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, every answered request
    ok: int = 0
    errors: int = 0  # answers other than 200, and requests without an answer
    body_bytes: int = 0
    first_error: str = ""
    error_offsets: list[float] = field(default_factory=list)  # seconds after the start

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = min(len(ordered), max(1, math.ceil(fraction * len(ordered))))
        return ordered[rank - 1] * 1000

    @property
    def kilobytes(self) -> float:
        """Average size of a 200 answer's body."""
        return self.body_bytes / self.ok / 1024 if self.ok else 0.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 2.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Server:
    """The production server as a subprocess; stopped by `stop`, whatever happened."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        env = dict(os.environ)
        env.pop("LIVINGLAB_REDIS_URL", None)  # in-process Socket.IO and limits: pages only
        env["LIVINGLAB_CONFIG"] = "production"
        env["LIVINGLAB_SECRET_KEY"] = "bench"  # noqa: S105 - a throw-away benchmark server
        env["LIVINGLAB_DATABASE_URL"] = database_url
        env["PYTHONFAULTHANDLER"] = "1"  # a crashing worker leaves its threads' stacks in the log
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        command = [str(GUNICORN), "--workers", "1", "--threads", str(THREADS)]
        command += ["--bind", f"{HOST}:{self.port}", "wsgi:app"]
        self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log()}")
            try:
                if get(self.port, "/healthz", timeout=1.0) == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer /healthz in {STARTUP_TIMEOUT:.0f} s")

    def log(self, lines: int = 30) -> str:
        if not self._log.closed:
            self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self._log.close()


def _worker(
    port: int, path: str, started_at: float, deadline: float, result: Result, lock: threading.Lock
) -> None:
    latencies: list[float] = []
    error_offsets: list[float] = []
    ok = errors = body_bytes = 0
    first_error = ""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=HEADERS)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                errors += 1
                error_offsets.append(started - started_at)
                first_error = first_error or f"{type(error).__name__}: {error}"
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
                continue
            latencies.append(time.perf_counter() - started)
            if response.status == 200:
                ok += 1
                body_bytes += len(body)
            else:
                errors += 1
                error_offsets.append(started - started_at)
                first_error = first_error or f"HTTP {response.status}"
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    finally:
        connection.close()
        with lock:
            result.latencies += latencies
            result.ok += ok
            result.errors += errors
            result.error_offsets += error_offsets
            result.body_bytes += body_bytes
            result.first_error = result.first_error or first_error


def load(port: int, path: str, ideas: int, seconds: float, concurrency: int) -> Result:
    """Closed loop: each thread sends its next request as soon as the last one is answered."""
    result = Result(ideas, path)
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=_worker, args=(port, path, started, deadline, result, lock), daemon=True
        )
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()) + REQUEST_TIMEOUT + 5)
        if thread.is_alive():
            result.errors += 1
            result.first_error = result.first_error or "a load thread did not finish"
    result.seconds = time.perf_counter() - started
    return result


def targets(data: dict) -> list[str]:
    return [
        "/healthz",
        "/challenges/",
        "/challenges/?sort=most_ideas",
        f"/challenges/{data['top_challenge_id']}",
        f"/ideas/{data['sample_idea_id']}",
        f"/search?q={data['search_word']}",
    ]


HEADER = (
    f"{'ideas':>6}  {'path':<30} {'req/s':>8} {'median ms':>10} {'p95 ms':>8} "
    f"{'errors':>6} {'requests':>8} {'KB':>6}"
)


def row(result: Result) -> str:
    return (
        f"{result.ideas:>6}  {result.path:<30} {result.rate:>8.1f} {result.percentile(0.5):>10.1f} "
        f"{result.percentile(0.95):>8.1f} {result.errors:>6} {result.requests:>8} "
        f"{result.kilobytes:>6.1f}"
    )


def bench(ideas: int, args: argparse.Namespace, results: list[Result], notes: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="livinglab-bench-") as folder:
        database_url = "sqlite:///" + str(Path(folder) / "bench.sqlite3")
        print(f"\n== {ideas} ideas: generating {database_url}", flush=True)
        data = generate(database_url, ideas, challenges=args.challenges, seed=args.seed)
        notes.append(
            f"{ideas} ideas: {data['members']} members, {data['challenges']} challenges, "
            f"{data['coauthors']} accepted co-authors; busiest challenge "
            f"{data['top_challenge_id']} has {data['top_challenge_ideas']} live ideas; "
            f"{data['search_matches']} ideas contain {data['search_word']!r}; "
            f"generated in {data['seconds']} s"
        )
        server = Server(database_url, Path(folder) / "gunicorn.log")
        try:
            server.wait_ready()
            print(f"server on {HOST}:{server.port} (pid {server.process.pid})", flush=True)
            for path in targets(data):
                status = get(server.port, path, timeout=REQUEST_TIMEOUT)
                if status != 200:
                    print(f"  {path}: HTTP {status} before the load", flush=True)
                load(server.port, path, ideas, args.warmup, args.concurrency)  # warm-up
                result = load(server.port, path, ideas, args.duration, args.concurrency)
                results.append(result)
                print(row(result), flush=True)
                if result.errors:
                    offsets = ", ".join(f"{t:.2f}" for t in sorted(result.error_offsets)[:10])
                    problem = (
                        f"{ideas} ideas, {path}: {result.errors} errors, first {result.first_error}"
                        f"; at seconds {offsets}"
                    )
                    notes.append(problem)
                    print(f"        {problem}", flush=True)
        finally:
            server.stop()
            log = server.log(100_000)
            for line in log.splitlines():
                if any(level in line for level in ("[WARNING]", "[ERROR]", "[CRITICAL]")):
                    notes.append(f"{ideas} ideas, server log: {line}")
            if "Fatal Python error" in log:
                notes.append(f"{ideas} ideas, a worker crashed: {crash_summary(log)}")
            if tracebacks := log.count("Traceback"):
                notes.append(f"{ideas} ideas: {tracebacks} tracebacks in the server log")
                print(server.log(), flush=True)


def crash_summary(log: str) -> str:
    """The fatal error and the crashing thread's innermost frames, from faulthandler's dump."""
    lines = log[log.index("Fatal Python error") :].splitlines()
    frames: list[str] = []
    if "Current thread" in log:
        start = next(i for i, line in enumerate(lines) if line.startswith("Current thread"))
        for line in lines[start + 1 : start + 6]:
            if not line.strip():
                break
            frames.append(line.strip().replace(str(ROOT) + "/", ""))
    return lines[0] + "; crashing thread, innermost first: " + " <- ".join(frames)


def machine() -> str:
    try:
        commit = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    return (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite "
        f"{sqlite3.sqlite_version}, {platform.system()} {platform.release()}; commit {commit} "
        "(plus any uncommitted changes)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", default="1000,20000", help="comma-separated idea counts")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--challenges", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    try:
        counts = [int(part) for part in args.ideas.split(",") if part.strip()]
    except ValueError:
        parser.error("--ideas takes comma-separated integers, e.g. 1000,20000")
    if not counts or min(counts) < 1 or args.duration <= 0 or args.concurrency < 1:
        parser.error("need idea counts >= 1, --duration > 0 and --concurrency >= 1")

    started = time.monotonic()
    load_before = " ".join(f"{value:.2f}" for value in os.getloadavg())
    results: list[Result] = []
    notes: list[str] = []
    failure = ""
    try:
        for ideas in counts:
            bench(ideas, args, results, notes)
    except Exception as error:  # reported in the table file too, then re-raised
        failure = f"FAILED: {type(error).__name__}: {error}"
        raise
    finally:
        lines = [
            f"# Page benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: production server "
            f"(gunicorn, 1 worker, {THREADS} threads), SQLite",
            f"# {machine()}",
            f"# closed loop: {args.concurrency} keep-alive connections, {args.duration:g} s per "
            f"page after a {args.warmup:g} s warm-up; client and server share the machine",
            f"# total {time.monotonic() - started:.0f} s; load average before the run "
            f"{load_before}, after {' '.join(f'{value:.2f}' for value in os.getloadavg())}",
            "",
            HEADER,
            *(row(result) for result in results),
            "",
            *notes,
        ]
        if failure:
            lines.append(failure)
        args.output.write_text("\n".join(lines) + "\n")
        print("\n" + "\n".join(lines), flush=True)
        print(f"written to {args.output}", flush=True)
    errors = sum(result.errors for result in results)
    if errors:
        print(f"{errors} requests failed (non-200 or no answer)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
