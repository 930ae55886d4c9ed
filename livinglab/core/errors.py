"""Friendly error pages; the JSON API (its own issue) answers in its error shape instead.

Every handler first rolls the session back: after a database error the session (and on
PostgreSQL the connection) refuses all work until then, and the page still reads the member.
A database that cannot serve (down, unreachable, locked, out of connections) is a 503 with
Retry-After; the 500 and 503 answers fall back to a static body if the page itself fails.
"""

from __future__ import annotations

from html import escape

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from livinglab.api.errors import error_response, safe_error_response
from livinglab.database import is_unavailable
from livinglab.extensions import db, login_manager

TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("You are not allowed to do this"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not available here"),
    409: lambda: _("This cannot be done now"),
    413: lambda: _("That is too large"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("The platform is briefly unavailable"),
}

MESSAGES = {
    400: lambda: _("Please check what you sent and try again."),
    403: lambda: _("Your account does not have the right to do this."),
    404: lambda: _("This page does not exist, or it is not public."),
    405: lambda: _("This action is not available here."),
    409: lambda: _("Someone may have changed this in the meantime. Reload the page and try again."),
    413: lambda: _("The upload is larger than the platform accepts."),
    429: lambda: _("You tried too often in a short time. Please wait a minute and try again."),
    500: lambda: _("The team has been told. Please try again in a moment."),
    503: lambda: _("Please try again in a moment. If you were sending something, send it again."),
}

# The static last resort, for when the page (or even the translation) cannot be made.
_UNTRANSLATED = {
    500: ("Something went wrong on our side", "Please try again in a moment."),
    503: ("The platform is briefly unavailable", "Please try again in a moment."),
}
_STATIC_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><main><p>{status}</p><h1>{title}</h1><p>{message}</p><p><a href="/">/</a></p>'
    "</main></body></html>"
)


def _render(status: int, message: str | None = None):
    title = TITLES.get(status, TITLES[400])()
    text = message or MESSAGES.get(status, MESSAGES[400])()
    return render_template("core/error.html", status=status, title=title, message=text), status


def _safe_render(status: int) -> Response:
    """The friendly page, else a static one: this answer must never itself fail."""
    try:
        return make_response(_render(status))
    except Exception:  # noqa: BLE001 - a failing error page would become a bare 500
        current_app.logger.exception("The %s error page could not be rendered", status)
        rollback()
    try:
        title, message = TITLES[status](), MESSAGES[status]()
    except Exception:  # noqa: BLE001 - choosing the language may need the database
        title, message = _UNTRANSLATED[status]
    page = _STATIC_PAGE.format(status=status, title=escape(title), message=escape(message))
    return Response(page, status=status, mimetype="text/html")


def rollback() -> None:
    """Ends the request's failed transaction; never raises (the connection may be gone)."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - nothing to undo on a dead connection
        current_app.logger.warning("Rollback failed after an error", exc_info=True)


def unavailable() -> Response:
    """503 with Retry-After, JSON for the API, the friendly page otherwise."""
    # The page must not ask the database for the signed-in member: show it anonymous.
    g._login_user = login_manager.anonymous_user()
    response = safe_error_response(503) if _is_api() else _safe_render(503)
    response.headers["Retry-After"] = str(current_app.config.get("DB_RETRY_AFTER", 5))
    return response


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):
        rollback()
        if _is_api():
            return error_response(
                400,
                _(
                    "A session-cookie request needs its CSRF token (X-CSRFToken); or use a bearer token."
                ),
            )
        return _render(
            400,
            _(
                "This form has expired or did not come from this site. Reload the page and send it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        rollback()
        status = error.code or 500
        if status >= 500:
            # Also where Flask turns a failure outside any handler into InternalServerError.
            original = getattr(error, "original_exception", None)
            if original is not None and is_unavailable(original):
                return unavailable()
            if status == 500:
                return safe_error_response(500) if _is_api() else _safe_render(500)
        if _is_api():
            custom = error.description if error.description != _default_description(error) else None
            return error_response(status, custom)
        if status == 429 and not _is_api():
            return _too_many(error)
        # The policy's own reason ("only the lead city...") beats a generic text.
        custom = (
            error.description
            if status in (403, 409) and error.description != _default_description(error)
            else None
        )
        return _render(status, custom)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        rollback()
        if is_unavailable(error):
            app.logger.warning(
                "Database unavailable on %s %s: %s", request.method, request.path, error
            )
            return unavailable()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return safe_error_response(500) if _is_api() else _safe_render(500)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _default_description(error: HTTPException) -> str:
    return type(error).description


def _too_many(_error: HTTPException):
    # Flask-Limiter adds Retry-After and the X-RateLimit headers to this response.
    return _render(429)
