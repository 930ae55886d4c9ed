"""``/healthz``, ``/readyz`` and ``/metrics``: what load balancers and monitoring ask.

``/healthz`` answers as long as the process serves HTTP: constant, no database, so a restart
is only triggered by a dead process, never by a database outage (which restarts do not fix).
``/readyz`` says whether this process should get traffic now: database reachable, schema at the
code's migration head, Redis reachable (when configured), no background queue past
``LIVINGLAB_READY_MAX_BACKLOG``. ``/metrics`` is Prometheus' text format, for the holders of
``LIVINGLAB_METRICS_TOKEN`` or the addresses in ``LIVINGLAB_METRICS_ALLOW`` only (it tells how
busy the platform is and which endpoints fail).

These answers use no session (no cookie is read or set, nobody is signed in), no CSRF check and
no rate limit: a monitor polling every few seconds must neither be throttled nor be a member.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from typing import Any

import redis
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    request,
    request_started,
)
from flask.sessions import SessionInterface, SessionMixin
from flask.wrappers import Request
from flask_babel import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from livinglab.api.errors import error_response
from livinglab.extensions import csrf, db, limiter, login_manager
from livinglab.ops import metrics
from livinglab.resilience import FAST_FAIL_OPTIONS

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)
ENDPOINTS = frozenset({"ops.healthz", "ops.readyz", "ops.metrics"})
PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class _NoSessionHere(SessionInterface):
    """The app's session, never saved on these paths, nor on static files that were found: no
    cookie is set or refreshed there and no ``Vary: Cookie`` added (which would make shared
    caches keep one copy of a year-long static file per visitor)."""

    def __init__(self, inner: SessionInterface, static_prefix: str | None) -> None:
        self.inner = inner
        self.static_prefix = static_prefix

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        return self.inner.open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        path = request.path
        if path in PATHS:
            return
        if (
            self.static_prefix
            and path.startswith(self.static_prefix)
            and response.status_code < 400
        ):
            return  # (a 404 page there is a page like any other, with its form tokens)
        self.inner.save_session(app, session, response)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # the inner interface's own settings and helpers


def _anonymous(_app: Flask, **_extra: object) -> None:
    """Before every ``before_request`` function: nobody is signed in here (a bearer token sent
    to /metrics is the metrics token, not a member's)."""
    if request.endpoint in ENDPOINTS:
        g._login_user = login_manager.anonymous_user()


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: constant and cheap (also the benchmarks' baseline)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks: dict[str, dict[str, Any]] = {}
    checks["database"], checks["migrations"] = _database_checks()
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis_check()
    limit = int(current_app.config.get("READY_MAX_BACKLOG", 1000))
    for name, count in metrics.backlog_counts().items():
        ok = count is not None and count <= limit
        checks[f"backlog:{name}"] = {"ok": ok, "count": count, "max": limit}
    failing = sorted(name for name, check in checks.items() if not check["ok"])
    body: dict[str, Any] = {"status": "not ready" if failing else "ready", "checks": checks}
    if failing:
        body["failing"] = failing
        log.warning("Not ready: %s", ", ".join(failing))
    return jsonify(body), 503 if failing else 200


def metrics_page() -> Response:
    if not _may_scrape():
        return error_response(
            403, _("Metrics need the bearer token or an address in LIVINGLAB_METRICS_ALLOW.")
        )
    return Response(generate_latest(metrics.REGISTRY), content_type=CONTENT_TYPE_LATEST)


bp.add_url_rule("/metrics", endpoint="metrics", view_func=metrics_page)


def _database_checks() -> tuple[dict[str, Any], dict[str, Any]]:
    """Reachable (SELECT 1), and at the scripts' head (alembic_version against migrations/)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as error:  # noqa: BLE001 - any failure is "not ready", told by name only
        log.warning("Readiness: database check failed: %s", error)
        failed = {"ok": False, "error": type(error).__name__}
        return failed, {"ok": False, "error": "database unreachable"}
    head = set(_script_heads(current_app))
    migrations = {"ok": current == head, "database": sorted(current), "code": sorted(head)}
    return {"ok": True}, migrations


def _script_heads(app: Flask) -> tuple[str, ...]:
    """The migration scripts' heads: read once per process (the scripts do not change)."""
    state = app.extensions["livinglab_ops"]
    if "heads" not in state:
        directory = app.extensions["migrate"].directory
        state["heads"] = tuple(ScriptDirectory(directory).get_heads())
    return state["heads"]


def _redis_check() -> dict[str, Any]:
    url = current_app.config["REDIS_URL"]
    state = current_app.extensions["livinglab_ops"]
    if state.get("redis_url") != url:  # one client (and its connection pool) per process
        state["redis"] = redis.Redis.from_url(url, **FAST_FAIL_OPTIONS)
        state["redis_url"] = url
    client = state["redis"]
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure is "not ready"
        log.warning("Readiness: Redis check failed: %s", error)
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _may_scrape() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # Constant time: the comparison must not tell how much of a guess was right.
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), str(token).encode())
    ):
        return True
    return _address_allowed(request.remote_addr, current_app.extensions["livinglab_ops_allow"])


def _address_allowed(address: str | None, networks: tuple[Network, ...]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.5 is 10.0.0.5
    return any(ip in network for network in networks)


def parse_networks(value: str | None) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` -> networks; a typo stops the start, it is not ignored."""
    networks = []
    for part in (value or "").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise RuntimeError(
                    f"LIVINGLAB_METRICS_ALLOW: {part.strip()!r} is not an address or CIDR range"
                ) from None
    return tuple(networks)


def init_health(app: Flask) -> None:
    app.extensions["livinglab_ops_allow"] = parse_networks(app.config.get("METRICS_ALLOW"))
    app.extensions["livinglab_ops"] = {}  # per-app state: the scripts' heads, a Redis client
    csrf.exempt(bp)
    limiter.exempt(bp)
    app.register_blueprint(bp)
    request_started.connect(_anonymous, app)
    if not isinstance(app.session_interface, _NoSessionHere):
        static = f"{app.static_url_path}/" if app.static_folder else None
        app.session_interface = _NoSessionHere(app.session_interface, static)
