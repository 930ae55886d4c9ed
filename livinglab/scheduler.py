"""Work the platform does by itself when time passes: periodic jobs, ``job(now) -> int``.

A domain declares its jobs with the :func:`job` decorator in a module it lists under ``jobs``
in livinglab.domains (or calls :func:`register`); each returns how many things it did. Jobs
must be safe to run again and at the same moment in several processes (the data says what is
due, and each change is made once, e.g. by a compare-and-set), because two runners exist:

- with SCHEDULER_THREAD (the embedded default), a daemon thread of each server process runs
  the jobs that are due, every SCHEDULER_POLL_SECONDS; the first request starts it, as the
  mail worker's, so ``flask db upgrade`` and the other commands start none;
- ``flask --app wsgi run-due-jobs`` runs every job once, for cron or a systemd timer in
  production (with ``LIVINGLAB_SCHEDULER_THREAD=0`` on the servers).

What a job changes on nobody's behalf is done by :data:`PLATFORM`: the audit log shows
"the platform" as its actor.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import Flask

from livinglab import domains
from livinglab.core.threads import AppThreads
from livinglab.database import is_unavailable, utcnow
from livinglab.extensions import db
from livinglab.ops import metrics

log = logging.getLogger(__name__)

JobFunction = Callable[[datetime], int]


@dataclass(frozen=True)
class PlatformActor:
    """The actor of what no person did (a deadline passed): it has no account, so the audit
    log records no member (``actor_id`` NULL, shown as "the platform") and every member who
    should hear of it is told."""

    id: None = None


PLATFORM = PlatformActor()


@dataclass(frozen=True)
class Job:
    name: str
    run: JobFunction
    every: timedelta  # how often the server's thread runs it; cron decides for the command


_JOBS: dict[str, Job] = {}


def register(name: str, run: JobFunction, every: timedelta = timedelta(minutes=1)) -> None:
    """Adds a periodic job; a second registration under one name replaces the first."""
    _JOBS[name] = Job(name, run, every)


def job(name: str, every: timedelta = timedelta(minutes=1)) -> Callable[[JobFunction], JobFunction]:
    """Declares the decorated ``fn(now) -> int`` a periodic job named ``name``."""

    def declare(run: JobFunction) -> JobFunction:
        register(name, run, every)
        return run

    return declare


def registered() -> list[Job]:
    """Every job, once the modules the domains list under ``jobs`` have declared theirs."""
    domains.job_modules()
    return sorted(_JOBS.values(), key=lambda j: j.name)


@dataclass(frozen=True)
class Outcome:
    name: str
    done: int = 0
    error: str | None = None


def run_job(scheduled: Job, now: datetime) -> Outcome:
    """Runs one job; a failure is logged, counted in /metrics and rolled back, never raised."""
    try:
        return Outcome(scheduled.name, scheduled.run(now))
    except Exception as error:  # noqa: BLE001 - one job's fault must not stop the others
        if is_unavailable(error):  # the database is down: expected, no traceback
            log.warning("The job %s cannot reach the database; it runs again later", scheduled.name)
        else:
            log.exception("The job %s failed; it runs again later", scheduled.name)
        metrics.job_failed(scheduled.name)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the database may be the fault itself
            log.debug("Rollback after the failed job %s failed", scheduled.name, exc_info=True)
        return Outcome(scheduled.name, error=f"{type(error).__name__}: {error}")


def run_jobs(jobs: Iterable[Job], now: datetime | None = None) -> list[Outcome]:
    moment = now or utcnow()
    return [run_job(scheduled, moment) for scheduled in jobs]


# --- The daemon thread of a server process ---------------------------------------------------


def _due(last_run: dict[str, float]) -> list[Job]:
    clock = time.monotonic()
    return [
        j
        for j in registered()
        if clock - last_run.get(j.name, -float("inf")) >= j.every.total_seconds()
    ]


def _loop(app: Flask, stop: threading.Event) -> None:
    """Runs the jobs that are due, then waits; the first round at once, so what fell due
    while the server was down is done when it starts."""
    poll = float(app.config.get("SCHEDULER_POLL_SECONDS", 60))
    last_run: dict[str, float] = {}  # job name -> time.monotonic() of its last start
    while not stop.is_set():
        try:
            with app.app_context():
                for scheduled in _due(last_run):
                    last_run[scheduled.name] = time.monotonic()
                    outcome = run_job(scheduled, utcnow())
                    if outcome.done:
                        log.info("The job %s did %d things", outcome.name, outcome.done)
        except Exception:  # noqa: BLE001 - the thread must outlive any fault
            log.exception("The scheduler's round failed; it tries again")
        stop.wait(timeout=poll)


_runners = AppThreads("scheduler", _loop)
_loops = _runners.running  # id(app) -> its scheduler thread in this process


def ensure_thread(app: Flask) -> None:
    """Starts this process's scheduler thread once (again in a forked child)."""
    _runners.ensure(app)


def stop_thread(app: Flask, timeout: float = 5.0) -> None:
    """Ends the app's scheduler thread after its current round (tests; a clean shutdown)."""
    _runners.stop(app, timeout)


def init_scheduler(app: Flask) -> None:
    """The ``run-due-jobs`` command, and with SCHEDULER_THREAD the thread, started by the first
    request of each server process."""

    @app.cli.command("run-due-jobs")
    @click.option("--job", "names", multiple=True, help="Only this job (repeatable).")
    def run_due_jobs(names: tuple[str, ...]) -> None:
        """Run the platform's periodic jobs once (deadlines that passed...), for cron."""
        jobs = registered()
        unknown = set(names) - {j.name for j in jobs}
        if unknown:
            known = ", ".join(j.name for j in jobs)
            raise click.UsageError(f"Unknown job {', '.join(sorted(unknown))}; jobs: {known}")
        outcomes = run_jobs(j for j in jobs if not names or j.name in names)
        for outcome in outcomes:
            click.echo(f"{outcome.name}: {outcome.error or outcome.done}")
        if any(outcome.error for outcome in outcomes):
            raise SystemExit(1)

    if not app.config.get("SCHEDULER_THREAD"):
        return

    @app.before_request
    def _start_scheduler() -> None:
        ensure_thread(app)
