"""The ``Idempotency-Key`` header on API POSTs: a retried request gets the first response.

Semantics follow the IETF draft (draft-ietf-httpapi-idempotency-key-header) rather than
Stripe's 400, because its two statuses tell a client apart what it must do:

- the same key, the same member and the same request (method, path, body) within 24 hours:
  the first response (status and body) is returned again, marked ``Idempotent-Replayed:
  true``, and nothing is written a second time;
- the same key for a different request: 422 ``idempotency_key_reused`` (a client bug: do not
  retry, use a new key);
- the same key while the first request is still running: the retry waits for the first answer
  (a few seconds), then, if there is none yet, 409 ``idempotency_key_in_use`` (retry later).

Only answers that wrote something (2xx) are kept. A failed request writes nothing, so its key
is freed and a retry runs again (a corrected retry may keep the key). Keys are scoped per member and apply to signed-in requests; ``POST /tokens`` is
left out because its answer holds a secret that must never be stored.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from livinglab.api.errors import error_response
from livinglab.core import idempotency as store

HEADER = "Idempotency-Key"
MAX_KEY = 255
EXEMPT = {"api.create_token"}
KEPT_BYTES = 1_000_000  # an answer larger than this is not kept (none of ours comes close)


def _error(status: int, message: str, *, code: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.full_path, request.content_type or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _replay(answer: store.Answer) -> Response:
    response = Response(answer.body, status=answer.status_code, content_type=answer.content_type)
    if answer.location:
        response.headers["Location"] = answer.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def before() -> Response | None:
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or request.endpoint in EXEMPT:
        return None
    if not current_user.is_authenticated:
        return None  # nothing to scope the key by; the request is handled as usual
    if not 1 <= len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
        return error_response(
            400,
            _("Please correct the marked fields."),
            {HEADER: _("Send 1 to 255 printable ASCII characters.")},
        )
    user_id, scoped, fp = current_user.id, f"api:{key}", fingerprint()
    outcome = store.claim(
        user_id, scoped, fp, current_app.config.get("IDEMPOTENCY_WAIT_SECONDS", 5)
    )
    if isinstance(outcome, store.Answer):
        return _replay(outcome)
    if outcome is store.MISMATCH:
        return _error(
            422,
            _("This Idempotency-Key was used for a different request. Use a new key."),
            code="idempotency_key_reused",
        )
    if outcome is store.IN_PROGRESS:
        return _error(
            409,
            _("A request with this Idempotency-Key is still being processed. Retry later."),
            code="idempotency_key_in_use",
        )
    g.idempotency_claim = (user_id, scoped, fp)
    return None


def _answer_to_keep(response: Response) -> store.Answer | None:
    """A success small enough to keep is replayed to retries; anything else is not kept."""
    body = response.get_data(as_text=True) if not response.is_streamed else None
    if 200 <= response.status_code < 300 and body is not None and len(body) <= KEPT_BYTES:
        location = response.headers.get("Location")
        return store.Answer(response.status_code, body, response.content_type, location)
    return None


def after(response: Response) -> Response:
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        store.settle(claim, _answer_to_keep(response))
    return response


def teardown(_error: BaseException | None) -> None:
    """An exception skipped :func:`after`: free the key so a retry runs again."""
    store.release_unanswered(g.pop("idempotency_claim", None))


def install(bp: Blueprint) -> None:
    """Hooks the header into the API blueprint (after its authentication guard)."""
    bp.before_request(before)
    bp.after_request(after)
    bp.teardown_request(teardown)
