"""The API blueprint: bearer tokens or session cookies (with CSRF), JSON in, JSON out."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from livinglab.api import idempotency
from livinglab.api.errors import error_response
from livinglab.core import inputs
from livinglab.errors import ServiceError
from livinglab.extensions import csrf, db, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # checked below, only for requests that ride on the session cookie


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _rate_key() -> str:
    """Per token when one is sent, else per address."""
    token = bearer_token()
    return f"token:{token[:16]}" if token else f"ip:{get_remote_address()}"


def _api_limit() -> str:
    return current_app.config.get("RATELIMIT_API", "300 per minute")


limiter.limit(_api_limit, key_func=_rate_key)(bp)


@bp.before_request
def _guard() -> Response | None:
    unsafe = request.method in ("POST", "PUT", "PATCH", "DELETE")
    if unsafe and bearer_token() is None and current_user.is_authenticated:
        csrf.protect()  # a browser's cookie must not be usable by another site
    if bearer_token() is not None and not current_user.is_authenticated:
        return error_response(401, _("This token is unknown, expired or revoked."))
    return None


# Registered after _guard: a retried POST is recognised once its member is known.
idempotency.install(bp)


class BadInput(ServiceError):
    status = 400


def body(allowed: Collection[str], required: Collection[str] = frozenset()) -> dict[str, Any]:
    """The JSON object sent, with unknown and missing fields refused by name."""
    if not request.is_json:
        raise ServiceError(_("Send JSON with the Content-Type application/json."), status=415)
    if (request.content_length or 0) > inputs.MAX_JSON_BYTES:
        raise inputs.TooLarge(_("The request is too large."))
    # The API's one JSON parser: size and nesting depth checked before json.loads recurses.
    data = inputs.loads(request.get_data(cache=True))
    if not isinstance(data, dict):
        raise BadInput(_("Send a JSON object."))
    inputs.require_clean_text(data)  # NUL or a lone surrogate in any text: 400 on its field
    fields = {name: _("Unknown field.") for name in data if name not in allowed}
    fields.update({name: _("This field is required.") for name in required if name not in data})
    if fields:
        raise BadInput(_("Please correct the marked fields."), fields)
    return data


def paging() -> tuple[int, int]:
    values: dict[str, int] = {}
    for name, default, top in (("page", 1, 100_000), ("per_page", 20, 100)):
        raw = request.args.get(name, str(default))
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= top:  # "²".isdigit()
            raise BadInput(
                _("Please correct the marked fields."),
                {name: _("A whole number from 1 to %(top)d.", top=top)},
            )
        values[name] = int(raw)
    return values["page"], values["per_page"]


def page_of(query: Select[Any], page_no: int, per_page: int) -> Pagination:
    """One page of a listing; past the last page: an empty page, not a 404."""
    return db.paginate(query, page=page_no, per_page=per_page, error_out=False)


def listing(page: Pagination, to_json: Callable[[Any], Any]) -> dict[str, Any]:
    return {
        "items": [to_json(item) for item in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def created(data: dict[str, Any], status: int = 201) -> Response:
    """A JSON answer with the status of a write (201 unless told)."""
    response = jsonify(data)
    response.status_code = status
    return response


def signed_in() -> None:
    if not current_user.is_authenticated:
        raise ServiceError(_("Please sign in first."), status=401)
