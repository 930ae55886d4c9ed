"""Errors the services and read sides raise, and the one table every face answers them from.

A face never decides what a status means: the HTML error pages (web/errors.py), the API's
error shape (api/errors.py) and the socket acknowledgements (realtime/acks.py) all read
``ERRORS`` for the code, the default message and the page's title.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from livinglab.policy import Verdict


@dataclass(frozen=True)
class ErrorKind:
    code: str  # the machine-readable code of the API and socket error shape
    message: Callable[[], str]  # the API's and sockets' default message
    title: Callable[[], str] | None = None  # the HTML error page's heading
    page_message: Callable[[], str] | None = None  # the HTML error page's default text


# Texts are lambdas: each is translated in the reader's language when an error is answered.
ERRORS: dict[int, ErrorKind] = {
    400: ErrorKind(
        "invalid",
        lambda: _("The request is not valid."),
        lambda: _("This request could not be understood"),
        lambda: _("Please check what you sent and try again."),
    ),
    401: ErrorKind("unauthenticated", lambda: _("Please sign in first.")),
    403: ErrorKind(
        "forbidden",
        lambda: _("Your account does not have the right to do this."),
        lambda: _("You are not allowed to do this"),
        lambda: _("Your account does not have the right to do this."),
    ),
    404: ErrorKind(
        "not_found",
        lambda: _("This does not exist."),
        lambda: _("Page not found"),
        lambda: _("This page does not exist, or it is not public."),
    ),
    405: ErrorKind(
        "method_not_allowed",
        lambda: _("This method is not allowed here."),
        lambda: _("This action is not available here"),
        lambda: _("This action is not available here."),
    ),
    409: ErrorKind(
        "conflict",
        lambda: _("This cannot be done now."),
        lambda: _("This cannot be done now"),
        lambda: _("Someone may have changed this in the meantime. Reload the page and try again."),
    ),
    413: ErrorKind(
        "too_large",
        lambda: _("The request is too large."),
        lambda: _("That is too large"),
        lambda: _("The upload is larger than the platform accepts."),
    ),
    415: ErrorKind(
        "unsupported_media_type", lambda: _("Send JSON with the Content-Type application/json.")
    ),
    429: ErrorKind(
        "rate_limited",
        lambda: _("Too many requests. Please wait and try again."),
        lambda: _("Too many attempts"),
        lambda: _("You tried too often in a short time. Please wait a minute and try again."),
    ),
    500: ErrorKind(
        "server_error",
        lambda: _("Something went wrong on our side."),
        lambda: _("Something went wrong on our side"),
        lambda: _("The team has been told. Please try again in a moment."),
    ),
    503: ErrorKind(
        "unavailable",
        lambda: _("The service is briefly unavailable. Please try again in a moment."),
        lambda: _("The platform is briefly unavailable"),
        lambda: _("Please try again in a moment. If you were sending something, send it again."),
    ),
}


def error_code(status: int) -> str:
    kind = ERRORS.get(status)
    return kind.code if kind else "error"


def default_message(status: int) -> str:
    """The API's and sockets' text for a status that came without its own message."""
    return (ERRORS.get(status) or ERRORS[400]).message()


def page_title(status: int) -> str:
    """The HTML error page's heading; statuses without a page of their own read as a 400."""
    kind = ERRORS.get(status)
    return (kind.title if kind and kind.title else ERRORS[400].title)()  # type: ignore[misc]


def page_message(status: int) -> str:
    kind = ERRORS.get(status)
    text = kind.page_message if kind and kind.page_message else ERRORS[400].page_message
    return text()  # type: ignore[misc]


class ServiceError(Exception):
    status = 400

    def __init__(
        self, message: Any, fields: dict[str, Any] | None = None, status: int | None = None
    ):
        super().__init__(str(message))
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


class Invalid(ServiceError):
    """Input that cannot be accepted; ``fields`` maps a field name to its message."""

    status = 400


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    """Unknown, or not visible to this reader: the read side's loaders raise it."""

    status = 404

    def __init__(self, message: Any = None):
        super().__init__(message or default_message(404))


class Denied(ServiceError):
    """A policy refusal; keeps the verdict's status (401, 403, 404 or 409)."""

    def __init__(self, verdict: Verdict):
        super().__init__(verdict.reason, status=verdict.status)
        self.verdict = verdict


def require(verdict: Verdict) -> None:
    if not verdict:
        raise Denied(verdict)
