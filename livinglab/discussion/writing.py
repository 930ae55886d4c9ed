"""Aids for writing, as JSON for static/js/editor.js and pickers.js: the preview of a Markdown
text rendered exactly as the pages render it, and the people an @mention may name in a thread.

Members only, rate-limited per member; the preview is a POST, so it carries the CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user

from livinglab import policy
from livinglab.accounts import directory
from livinglab.api.errors import error_response
from livinglab.discussion import queries
from livinglab.discussion.targets import parse_room, readable, resolve
from livinglab.extensions import limiter
from livinglab.text import render_markdown
from livinglab.web.helpers import page_number

bp = Blueprint("writing", __name__)

# The longest Markdown text the platform keeps (an event's minutes).
MAX_PREVIEW = 50_000


def _writing_limit() -> str:
    return current_app.config.get("RATELIMIT_WRITING_AIDS", "120 per minute")


def _writer_key() -> str:
    if current_user.is_authenticated:
        return f"writing:{current_user.id}"
    return f"writing:{get_remote_address()}"


def _refused() -> ResponseReturnValue | None:
    """401 in the JSON shape for a visitor (the scripts cannot follow a sign-in redirect)."""
    if policy.is_member(current_user):
        return None
    return error_response(401, policy.NOT_SIGNED_IN.reason)


@bp.post("/writing/preview")
@limiter.limit(_writing_limit, key_func=_writer_key)
def preview() -> ResponseReturnValue:
    """``text`` rendered as every page renders Markdown (markdown-it, then nh3): ``{"html"}``."""
    refused = _refused()
    if refused is not None:
        return refused
    text = request.form.get("text", "")
    if len(text) > MAX_PREVIEW:
        message = lazy_ngettext(
            "A text has at most %(num)d character.",
            "A text has at most %(num)d characters.",
            MAX_PREVIEW,
        )
        return error_response(413, message, {"text": message})
    return jsonify({"html": str(render_markdown(text))})


@bp.get("/writing/mentions")
@limiter.limit(_writing_limit, key_func=_writer_key)
def mentions() -> ResponseReturnValue:
    """Who may be @mentioned in the thread ``room`` (its commenters and the content's authors),
    by the name as it is typed after the @: the member search's JSON shape."""
    refused = _refused()
    if refused is not None:
        return refused
    room = parse_room(request.args.get("room"))
    target = resolve(*room) if room else None
    if target is None or not readable(current_user, target):
        return error_response(404)
    found = directory.search(
        current_user,
        request.args.get("q", "")[:40],
        page=page_number(),
        among=queries.people_taking_part(target),
        by_handle=True,
    )
    return jsonify(directory.as_json(found))
