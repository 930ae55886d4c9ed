"""Friendly error pages; the JSON API (its own issue) answers in its error shape instead."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from livinglab.api.errors import error_response

TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("You are not allowed to do this"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not available here"),
    409: lambda: _("This cannot be done now"),
    413: lambda: _("That is too large"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong on our side"),
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
}


def _render(status: int, message: str | None = None):
    title = TITLES.get(status, TITLES[400])()
    text = message or MESSAGES.get(status, MESSAGES[400])()
    return render_template("core/error.html", status=status, title=title, message=text), status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error: CSRFError):
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
        status = error.code or 500
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
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return error_response(500) if _is_api() else _render(500)


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _default_description(error: HTTPException) -> str:
    return type(error).description


def _too_many(_error: HTTPException):
    # Flask-Limiter adds Retry-After and the X-RateLimit headers to this response.
    return _render(429)
