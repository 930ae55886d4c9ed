"""The member's data: download everything as JSON, or delete the account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from livinglab.forms import save_form
from livinglab.privacy import services

bp = Blueprint("privacy", __name__)


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[InputRequired()])
    confirmation = StringField(
        _l("Type DELETE to confirm"),
        validators=[DataRequired()],
        description=_l("Your name, email and votes are removed; this cannot be undone."),
    )

    def validate_confirmation(self, field: Field) -> None:
        # The word to type is itself translated, so it is compared with what the page showed.
        if field.data.strip().upper() not in {"DELETE", str(_("DELETE")).upper()}:
            raise ValidationError(_("Type the word shown to confirm."))


@bp.get("/profile/data.json")
@login_required
def export() -> Response:
    data = services.member_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={
            "Content-Disposition": "attachment; filename=my-living-lab-data.json",
            "Cache-Control": "no-store",
        },
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete() -> ResponseReturnValue:
    form = DeleteAccountForm()

    def deleted(_nothing: None) -> ResponseReturnValue:
        logout_user()
        flash(
            _("Your account is deleted. What you published stays, signed “Former member”."),
            "success",
        )
        return redirect(url_for("site.home"))

    return save_form(
        form,
        lambda: services.delete_account(current_user, form.password.data),
        deleted,
        lambda: render_template("privacy/delete.html", form=form),
        fallback_field="password",
    )
