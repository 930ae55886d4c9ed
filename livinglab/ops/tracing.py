"""Request ids, the access log and the request metrics.

Each request gets an id: the proxy's ``X-Request-ID`` when it is a sane token (so one id
follows the request from the load balancer to here), else a new one. It is answered in the
``X-Request-ID`` header, written on every log line of the request (livinglab.ops.logs) and
shown on the 500 page, so a member's "quote this reference" finds the traceback.

The id is taken when Flask signals the request's start (before any ``before_request``
function, which may itself log or fail), and the access line is written when Flask signals the
finished response (after every ``after_request`` function, compression included), so the status
and the duration are the ones the client gets. Socket.IO traffic never reaches Flask's
dispatch: it is not in the access log (the socket gauge in ``/metrics`` counts it).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request, request_finished, request_started
from sqlalchemy import inspect as sa_inspect

from livinglab.ops import metrics

access_log = logging.getLogger("livinglab.access")

HEADER = "X-Request-ID"
# What a proxy may hand us: UUIDs, hex ids (nginx's $request_id), ULIDs, dotted or colon forms.
# Anything else (too long, spaces, quotes, newlines that would forge log lines) is replaced.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")
# View arguments that are secrets: their requests are logged by URL rule, not by path.
_SECRET_ARGS = re.compile(r"token|secret|key|code", re.IGNORECASE)


def sane_request_id(value: str | None) -> str | None:
    return value if value and _SANE.fullmatch(value) else None


def request_id() -> str:
    """This request's id, made on first use (the start signal, or an earlier log line)."""
    found = g.get("request_id")
    if found is None:
        found = g.request_id = sane_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
    return found


def _started(_app: Flask, **_extra: object) -> None:
    g.request_started_at = time.perf_counter()
    metrics.HTTP_IN_PROGRESS.inc()
    request_id()


def _torn_down(_error: BaseException | None) -> None:
    # Teardown runs for every request, answered or failed: the gauge never drifts up.
    if g.pop("request_started_at", None) is not None:
        metrics.HTTP_IN_PROGRESS.dec()


def _add_header(response: Response) -> Response:
    response.headers[HEADER] = request_id()
    return response


def _user_id() -> int | None:
    """The signed-in member's id if this request loaded one; never loads one itself (the
    database may be what just failed), nor refreshes an expired row."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    identity = sa_inspect(user, raiseerr=False)
    key = identity.identity if identity is not None else None
    return key[0] if key else None


def endpoint_label() -> str:
    """Bounded: the Flask endpoint ("ideas.show"), or "unmatched" for 404s and 405s."""
    rule = request.url_rule
    return rule.endpoint if rule is not None else "unmatched"


def logged_path() -> str:
    rule = request.url_rule
    if rule is not None and any(_SECRET_ARGS.search(name) for name in rule.arguments):
        return rule.rule  # /reset/<token>: the token stays out of the logs
    return request.path


def _finished(_app: Flask, response: Response, **_extra: object) -> None:
    try:
        started = g.get("request_started_at")
        seconds = time.perf_counter() - started if started is not None else 0.0
        endpoint = endpoint_label()
        metrics.observe_request(endpoint, response.status_code, seconds)
        user_id = _user_id()
        access_log.info(
            "%s %s %s %.1f ms from %s%s",
            request.method,
            logged_path(),
            response.status_code,
            seconds * 1000,
            request.remote_addr,
            f" user={user_id}" if user_id is not None else "",
            extra={
                "method": request.method,
                "path": logged_path(),
                "endpoint": endpoint,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
                "user_id": user_id,
                "remote_addr": request.remote_addr,
            },
        )
    except Exception:  # noqa: BLE001 - the answer is made; its log line must not break it
        access_log.warning("The access line could not be written", exc_info=True)


def init_tracing(app: Flask) -> None:
    # Signals hold weak references: module-level functions live as long as the process.
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    app.after_request(_add_header)
    app.teardown_request(_torn_down)
    app.add_template_global(request_id)
