"""The member's token page and the open-data page (HTML faces of the API)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab.accounts import tokens
from livinglab.errors import ServiceError

bp = Blueprint("api_pages", __name__)


@bp.route("/profile/tokens", methods=["GET", "POST"])
@login_required
def manage_tokens() -> tuple[str, int]:
    """Create, name and revoke personal access tokens; a new token is shown once."""
    form = FlaskForm()
    created = None
    error = None
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            created, _row = tokens.issue(current_user, request.form.get("name", ""))
        except ServiceError as exc:
            error, status = str(exc.message), exc.status
    return render_template(
        "api/tokens.html", rows=tokens.of(current_user.id), created=created, error=error, form=form
    ), status


@bp.post("/profile/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not tokens.revoke(current_user, token_id):
        abort(404)
    flash(_("The token is revoked: it no longer opens anything."), "success")
    return redirect(url_for("api_pages.manage_tokens"))


@bp.get("/open-data")
def open_data() -> str:
    return render_template("api/open_data.html")
