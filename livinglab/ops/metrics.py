"""Prometheus metrics, in one registry of the process.

Other parts report through these few functions and never touch prometheus_client themselves,
so what ``/metrics`` shows is named here: ``job_failed`` for background work that failed (the
mail worker's deliveries, ...), ``register_backlog`` for queues whose length is read at scrape
time (the mail outbox).
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter

REGISTRY = CollectorRegistry(auto_describe=True)

JOB_FAILURES = Counter(
    "livinglab_job_failures",
    "Background jobs that failed (a failed attempt, retried later, counts once).",
    ["job"],
    registry=REGISTRY,
)

# name -> a function that counts the queue now (runs inside an app context at scrape time).
BACKLOGS: dict[str, Callable[[], int]] = {}


def job_failed(job: str) -> None:
    JOB_FAILURES.labels(job=job).inc()


def register_backlog(name: str, count: Callable[[], int]) -> None:
    """A queue whose length ``/metrics`` shows and ``/readyz`` checks (e.g. ``"mail"``)."""
    BACKLOGS[name] = count
