"""The forms of password reset and change of address (livinglab.accounts.recovery)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from livinglab.accounts.forms import new_password_field, repeated_password_field


def _stripped(value: str | None) -> str | None:
    """An address pasted with a space around it is still the address."""
    return value.strip() if isinstance(value, str) else value


def address_field(label: Any, description: Any) -> EmailField:
    """An email address typed by hand: required, well-formed, at most 254 characters."""
    return EmailField(
        label,
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        filters=[_stripped],
        description=description,
    )


class ForgotPasswordForm(FlaskForm):
    email = address_field(_l("Email address"), _l("The address you registered with."))


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm_password = repeated_password_field(_l("Repeat the new password"), "password")


class ChangeEmailForm(FlaskForm):
    email = address_field(
        _l("New email address"),
        _l("We send a link to it; your address changes when you open the link."),
    )
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
