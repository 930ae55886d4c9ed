"""Prometheus metrics, in one registry of the process.

Other parts report through these few functions and never touch prometheus_client themselves,
so what ``/metrics`` shows is named here: ``job_failed`` for background work that failed (the
mail worker's deliveries, ...), ``register_backlog`` for queues whose length is read at scrape
time (the mail outbox), ``observe_request`` for every HTTP answer (livinglab.ops.tracing).

Open Socket.IO connections are read at scrape time from the Socket.IO server's own list of the
clients connected to this process, so no connect/disconnect handler has to count them (a
counter kept by handlers drifts whenever one path forgets to decrement; the list cannot).

One gunicorn process serves many threads, so the default (single-process) collectors are right;
several processes are scraped one by one (each answers for itself).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from livinglab.extensions import db, socketio

log = logging.getLogger(__name__)

# No "<name>_created" series next to every counter: a scraper gets the process start elsewhere.
disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)

JOB_FAILURES = Counter(
    "livinglab_job_failures",
    "Background jobs that failed (a failed attempt, retried later, counts once).",
    ["job"],
    registry=REGISTRY,
)

# Labelled by the Flask endpoint ("ideas.show"), never the raw path, and by the status class
# ("2xx"): a bounded set of series however many ids and bad URLs are requested.
HTTP_REQUESTS = Counter(
    "livinglab_http_requests",
    "HTTP requests answered, by Flask endpoint and status class.",
    ["endpoint", "status"],
    registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "livinglab_http_request_duration_seconds",
    "Time from the start of the request to the finished response, by endpoint and status class.",
    ["endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

# Requests being served now: near the server's thread count, new ones wait for a thread.
HTTP_IN_PROGRESS = Gauge(
    "livinglab_http_requests_in_progress",
    "HTTP requests being served by this process now.",
    registry=REGISTRY,
)

# name -> a function that counts the queue now (runs inside an app context at scrape time).
BACKLOGS: dict[str, Callable[[], int]] = {}


def job_failed(job: str) -> None:
    JOB_FAILURES.labels(job=job).inc()


def register_backlog(name: str, count: Callable[[], int]) -> None:
    """A queue whose length ``/metrics`` shows and ``/readyz`` checks (e.g. ``"mail"``)."""
    BACKLOGS[name] = count


def observe_request(endpoint: str, status: int, seconds: float) -> None:
    status_class = f"{status // 100}xx"
    HTTP_REQUESTS.labels(endpoint=endpoint, status=status_class).inc()
    HTTP_LATENCY.labels(endpoint=endpoint, status=status_class).observe(seconds)


def open_sockets() -> int:
    """Connections to this process now (one per browser tab, whatever namespaces it joined)."""
    # socketio.server: the server bound last (tests bind a new one per app)
    manager = getattr(socketio.server, "manager", None)
    if manager is None:
        return 0
    connections: set[str] = set()
    for namespace in list(manager.get_namespaces()):
        connections.update(eio_sid for _sid, eio_sid in manager.get_participants(namespace, None))
    return len(connections)


def pool_state() -> dict[str, int] | None:
    """The app's database pool now (SQLAlchemy's QueuePool); None outside an app or for SQLite
    pools that do not count."""
    from flask import has_app_context

    if not has_app_context():
        return None
    pool = db.engine.pool
    try:
        return {
            "size": int(pool.size()),  # type: ignore[attr-defined]
            "checked_out": int(pool.checkedout()),  # type: ignore[attr-defined]
            "idle": int(pool.checkedin()),  # type: ignore[attr-defined]
            "overflow": max(int(pool.overflow()), 0),  # type: ignore[attr-defined]
        }
    except AttributeError:
        return None


def backlog_counts() -> dict[str, int | None]:
    """Each registered queue's length now; None for one that could not be counted."""
    counts: dict[str, int | None] = {}
    for name, count in sorted(BACKLOGS.items()):
        try:
            counts[name] = int(count())
        except Exception:  # noqa: BLE001 - one broken queue must not hide the others
            log.warning("The %s backlog could not be counted", name, exc_info=True)
            counts[name] = None
    return counts


class _ScrapeTime(Collector):
    """Values read when ``/metrics`` is scraped: open sockets, backlogs, the database pool."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without describe(), registering would call collect() at import, outside any app.
        yield GaugeMetricFamily("livinglab_socket_connections", "")
        yield GaugeMetricFamily("livinglab_backlog", "", labels=["queue"])
        yield GaugeMetricFamily("livinglab_db_pool_connections", "", labels=["state"])
        yield GaugeMetricFamily("livinglab_db_pool_size", "")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        sockets = GaugeMetricFamily(
            "livinglab_socket_connections",
            "Socket.IO clients connected to this process now.",
        )
        try:
            sockets.add_metric([], open_sockets())
        except Exception:  # noqa: BLE001 - a scrape must not fail for one value
            log.warning("Open sockets could not be counted", exc_info=True)
        yield sockets
        backlog = GaugeMetricFamily(
            "livinglab_backlog",
            "Items waiting in each background queue (e.g. the mail outbox).",
            labels=["queue"],
        )
        for name, value in backlog_counts().items():
            if value is not None:
                backlog.add_metric([name], value)
        yield backlog
        pool = pool_state()
        if pool is not None:
            connections = GaugeMetricFamily(
                "livinglab_db_pool_connections",
                "Database connections of this process's pool, in use (checked_out) or idle.",
                labels=["state"],
            )
            connections.add_metric(["checked_out"], pool["checked_out"])
            connections.add_metric(["idle"], pool["idle"])
            yield connections
            yield GaugeMetricFamily(
                "livinglab_db_pool_size",
                "Connections the pool keeps (LIVINGLAB_DB_POOL_SIZE); more are opened up to "
                "LIVINGLAB_DB_MAX_OVERFLOW, then requests wait for one.",
                value=pool["size"],
            )


REGISTRY.register(_ScrapeTime())
