"""Double-submit protection for HTML forms that create things.

A form carries a hidden ``submission_key`` made when the page was rendered (the template
global ``submission_key()``). A signed-in member's POST with that key and the same content is
done once: a second identical POST (a double click, a resent form, two tabs) waits for the
first and is redirected to what it created, with a message, instead of storing it twice.

The content is part of the key, so one page's form used for two different texts (a reply
form copied by the discussion script, a form corrected after an error) still sends both.
Forms without the field, and other clients, are handled exactly as before.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from flask import Flask, Response, current_app, flash, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from livinglab.core import idempotency as store

FIELD = "submission_key"
_KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
IGNORED = {"csrf_token", FIELD}


def submission_key() -> str:
    return secrets.token_urlsafe(16)


def _content_digest() -> str:
    """What the form says (not its CSRF token): method, address, fields and file names."""
    digest = hashlib.sha256(f"{request.method} {request.full_path}".encode())
    for name in sorted(set(request.form) - IGNORED):
        for value in request.form.getlist(name):
            digest.update(f"\0{name}={value}".encode())
    for name in sorted(request.files):
        for upload in request.files.getlist(name):
            digest.update(f"\0{name}@{upload.filename}".encode())
    return digest.hexdigest()


def _before() -> ResponseReturnValue | None:
    if request.method != "POST" or request.blueprint == "api":
        return None
    nonce = request.form.get(FIELD, "")
    if not _KEY.fullmatch(nonce) or not current_user.is_authenticated:
        return None
    user_id, content = current_user.id, _content_digest()
    key = f"form:{nonce}:{content}"
    outcome = store.claim(
        user_id, key, content, current_app.config.get("IDEMPOTENCY_WAIT_SECONDS", 5)
    )
    if isinstance(outcome, store.Answer):
        flash(_("This was already sent, and it is saved once."), "info")
        return redirect(outcome.location or request.referrer or "/", 303)
    if outcome is not store.CLAIMED:  # the first is still being saved after the wait
        message = _("Your first click is still being saved. Reload the page in a moment.")
        page = render_template(
            "site/error.html", status=409, title=_("Already being sent"), message=message
        )
        return page, 409
    g.submission_claim = (user_id, key, content)
    return None


def _after(response: Response) -> Response:
    claim = g.pop("submission_claim", None)
    if claim is None:
        return response
    user_id, key, content = claim
    location = response.headers.get("Location")
    if 300 <= response.status_code < 400 and location:
        # A form that worked redirects to what it made: the duplicate goes there too.
        store.complete(
            user_id, key, content, store.Answer(response.status_code, "", None, location)
        )
    else:
        store.release(user_id, key)  # a form shown again with its errors stored nothing
    return response


def _teardown(_error: BaseException | None) -> None:
    claim = g.pop("submission_claim", None)
    if claim is not None:
        store.release(claim[0], claim[1])


def init_once(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    app.add_template_global(submission_key)
