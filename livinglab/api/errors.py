"""The API's one error shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}

DEFAULT_MESSAGES = {
    400: lambda: _("The request is not valid."),
    401: lambda: _("Please sign in first."),
    403: lambda: _("Your account does not have the right to do this."),
    404: lambda: _("This does not exist."),
    405: lambda: _("This method is not allowed here."),
    409: lambda: _("This cannot be done now."),
    413: lambda: _("The request is too large."),
    415: lambda: _("Send JSON with the Content-Type application/json."),
    429: lambda: _("Too many requests. Please wait and try again."),
    500: lambda: _("Something went wrong on our side."),
    503: lambda: _("The service is briefly unavailable. Please try again in a moment."),
}

# Only when even the translated text cannot be had (the error page's own last resort).
_UNTRANSLATED = {
    500: "Something went wrong on our side.",
    503: "The service is briefly unavailable. Please try again in a moment.",
}


def error_response(status: int, message: Any = None, fields: dict | None = None):
    body: dict[str, Any] = {
        "code": CODES.get(status, "error"),
        "message": str(message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400])()),
    }
    if fields:
        body["fields"] = {name: str(text) for name, text in fields.items()}
    response = jsonify({"error": body})
    response.status_code = status
    return response


def safe_error_response(status: int, message: Any = None) -> Response:
    """``error_response`` that cannot fail: the last resort of the 500 and 503 handlers.

    Translating picks a language, which may ask for the signed-in member, which may need
    the database that just failed; then the body is the English text.
    """
    try:
        return error_response(status, message)
    except Exception:  # noqa: BLE001 - whatever broke, the client still gets the JSON shape
        body = {"code": CODES.get(status, "error"), "message": _UNTRANSLATED.get(status, "")}
        return Response(json.dumps({"error": body}), status=status, mimetype="application/json")
