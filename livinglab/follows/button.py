"""The follow button of the followable pages (challenges, ideas, pilots): what pressing it
does, in one place, so it behaves the same on every page that carries it."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from livinglab.follows.services import follow, unfollow

# What the member reads once it is pressed, by kind. A kind without a message (a pilot) says
# nothing: its page shows the button's new state.
_FOLLOWED = {
    "challenge": _l("You follow this challenge: you will be told what happens to it."),
    "idea": _l("You follow this idea."),
}
_UNFOLLOWED = {
    "challenge": _l("You no longer follow this challenge."),
    "idea": _l("You no longer follow this idea."),
}


def press(kind: str, target_id: int, back: str) -> Response:
    """Follows the content, or unfollows it when the form says ``action=unfollow``, for the
    signed-in member; then goes ``back`` to its page. A form without its token is refused."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("action") == "unfollow":
        unfollow(current_user.id, kind, target_id)
        said, category = _UNFOLLOWED.get(kind), "info"
    else:
        follow(current_user.id, kind, target_id)
        said, category = _FOLLOWED.get(kind), "success"
    if said is not None:
        flash(str(said), category)
    return redirect(back)
