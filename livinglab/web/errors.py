"""Friendly error pages; the JSON API answers in its error shape instead, from the same table
(livinglab.errors.ERRORS).

A service's refusal (ServiceError) reaching the app is answered here too, once for every view:
401 sends to the sign-in page; 403 and 404 are the error page; any other status flashes the
message and goes where the view said with ``on_refusal_redirect`` / ``on_refusal_render``
(core/helpers.py), else the error page shows the message. Views catch ServiceError only to put
per-field messages next to a form's fields.

Every handler first rolls the session back: after a database error the session (and on
PostgreSQL the connection) refuses all work until then, and the page still reads the member.
A database that cannot serve (down, unreachable, locked, out of connections) is a 503 with
Retry-After; the 500 and 503 answers fall back to a static body if the page itself fails.
"""

from __future__ import annotations

from html import escape

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from livinglab.api.errors import error_response, safe_error_response
from livinglab.database import is_unavailable
from livinglab.errors import ServiceError, page_message, page_title
from livinglab.extensions import db, login_manager
from livinglab.ops.tracing import request_id

# The static last resort, for when the page (or even the translation) cannot be made.
_UNTRANSLATED = {
    500: ("Something went wrong on our side", "Please try again in a moment."),
    503: ("The platform is briefly unavailable", "Please try again in a moment."),
}
_STATIC_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body><main><p>{status}</p><h1>{title}</h1><p>{message}</p><p>Reference: {reference}</p><p><a href="/">/</a></p>'
    "</main></body></html>"
)


def _render(status: int, message: str | None = None):
    title = page_title(status)
    text = message or page_message(status)
    return render_template("site/error.html", status=status, title=title, message=text), status


def _safe_render(status: int) -> Response:
    """The friendly page, else a static one: this answer must never itself fail."""
    try:
        return make_response(_render(status))
    except Exception:  # noqa: BLE001 - a failing error page would become a bare 500
        current_app.logger.exception("The %s error page could not be rendered", status)
        rollback()
    try:
        title, message = page_title(status), page_message(status)
    except Exception:  # noqa: BLE001 - choosing the language may need the database
        title, message = _UNTRANSLATED[status]
    page = _STATIC_PAGE.format(
        status=status, title=escape(title), message=escape(message), reference=request_id()
    )
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

    @app.errorhandler(ServiceError)
    def _refused(error: ServiceError):
        rollback()
        if _is_api():
            return error_response(error.status, error.message, error.fields)
        return _refusal_page(error)

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


def _refusal_page(error: ServiceError):
    status = error.status
    if status == 401:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if status == 404:  # never says why: the thing may exist and be hidden from this reader
        return _render(404)
    refusal = g.pop("on_refusal", None)
    if status == 403 or refusal is None:
        return _render(status, str(error.message))
    flash(str(error.message), "error")
    kind, target = refusal
    if kind == "redirect":
        return redirect(target, 303)  # 303: the browser follows with a GET
    return target(), status


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _default_description(error: HTTPException) -> str:
    return type(error).description or ""


def _too_many(_error: HTTPException):
    # Flask-Limiter adds Retry-After and the X-RateLimit headers to this response.
    return _render(429)
