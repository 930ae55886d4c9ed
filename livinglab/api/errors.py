"""The API's one error shape: {"error": {"code", "message", "fields"?}}.

Codes and default messages come from the one table in livinglab.errors.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, jsonify

from livinglab.errors import default_message, error_code

# Only when even the translated text cannot be had (the error page's own last resort).
_UNTRANSLATED = {
    500: "Something went wrong on our side.",
    503: "The service is briefly unavailable. Please try again in a moment.",
}


def error_response(
    status: int, message: Any = None, fields: dict[str, Any] | None = None
) -> Response:
    body: dict[str, Any] = {
        "code": error_code(status),
        "message": str(message or default_message(status)),
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
        body = {"code": error_code(status), "message": _UNTRANSLATED.get(status, "")}
        return Response(json.dumps({"error": body}), status=status, mimetype="application/json")
