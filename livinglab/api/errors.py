"""The API's one error shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from typing import Any

from flask import jsonify
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
