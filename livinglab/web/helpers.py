from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from livinglab.extensions import db
from livinglab.policy import Verdict


def get_or_404[T](model: type[T], ident: Any, **options: Any) -> T:
    """Loads a row by id; a missing (or non-numeric) id is a 404, never a 500."""
    obj = db.session.get(model, ident, **options)
    if obj is None:
        abort(404)
    return obj


def enforce(verdict: Verdict) -> None:
    """Aborts with the verdict's status for HTML faces (401 goes to the sign-in page)."""
    if verdict:
        return
    if verdict.status == 401:
        from flask_login import current_app

        abort(current_app.login_manager.unauthorized())
    abort(verdict.status, description=str(verdict.reason))


def on_refusal_redirect(target: str) -> str:
    """If a service refuses this action (a ServiceError other than 401/403/404), the app's one
    handler (site/errors.py) flashes its message and sends the member to ``target`` (303)."""
    g.on_refusal = ("redirect", target)
    return target


def on_refusal_render(page: Callable[[], ResponseReturnValue]) -> None:
    """If a service refuses this action, the handler flashes its message and answers with
    ``page()`` under the error's status (the page the form was on, shown again)."""
    g.on_refusal = ("render", page)


def safe_next(default: str) -> str:
    """A ``next`` target only if it stays on this site."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.netloc
        and not parts.scheme
    ):
        return target
    return default


def page_number() -> int:
    page = request.args.get("page", "1")
    if not (page.isascii() and page.isdigit()) or int(page) < 1:  # "²".isdigit() is True
        return 1
    return min(int(page), 100_000)


def not_found_message() -> str:
    return _("This page does not exist, or it is not public.")
