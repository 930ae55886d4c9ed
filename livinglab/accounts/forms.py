from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from livinglab.accounts.labels import PROFILE_KIND_LABELS, ROLE_LABELS
from livinglab.accounts.models import REQUESTABLE_ROLES, ProfileKind, Role
from livinglab.i18n import LANGUAGE_NAMES
from livinglab.onboarding.welcome import WISHED_ROLES

PASSWORD_HINT = _l("At least 10 characters. A few unrelated words make a strong password.")


def new_password_field(label: str) -> PasswordField:
    """A password a member chooses: the one length rule of every form that sets one."""
    return PasswordField(
        label, validators=[DataRequired(), Length(min=10, max=256)], description=PASSWORD_HINT
    )


def repeated_password_field(label: str, of: str) -> PasswordField:
    """The same password typed again, compared with the field named ``of``."""
    return PasswordField(
        label,
        validators=[DataRequired(), EqualTo(of, message=_l("The two passwords differ."))],
    )


def _language_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("As my browser asks"))] + [
        SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGE_NAMES.items()
    ]


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )
    display_name = StringField(
        _l("Name shown to others"),
        validators=[DataRequired(), Length(max=80)],
        description=_l("Your first name, a nickname or your full name: it is public."),
    )
    password = new_password_field(_l("Password"))
    confirm_password = repeated_password_field(_l("Repeat the password"), "password")
    city = SelectField(
        _l("Partner city"),
        validators=[InputRequired(message=_l("Choose your partner city."))],
        choices=[],
    )
    profile_kind = SelectField(
        _l("I am"),
        validators=[InputRequired()],
        # The participant profiles, then the roles a newcomer asks for once in (their welcome
        # page explains how): such an account starts as a participant of profile "other".
        choices=[SelectChoice(kind.value, label) for kind, label in PROFILE_KIND_LABELS.items()]
        + [SelectChoice(choice, label) for choice, (_role, label) in WISHED_ROLES.items()],
    )
    preferred_language = SelectField(
        _l("Language of the platform"), validators=[Optional()], choices=_language_choices()
    )
    accept_terms = BooleanField(
        _l("I have read and accept the terms of use and the privacy notice."),
        validators=[
            DataRequired(message=_l("Accept the terms of use and the privacy notice to join."))
        ],
    )

    @property
    def participant_profile(self) -> str:
        """The profile the account is made with: a wished role starts as "other"."""
        kind = self.profile_kind.data
        return ProfileKind.other.value if kind in WISHED_ROLES else kind


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown to others"), validators=[DataRequired(), Length(max=80)]
    )
    preferred_language = SelectField(
        _l("Language of the platform"), validators=[Optional()], choices=_language_choices()
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = new_password_field(_l("New password"))
    confirm_password = repeated_password_field(_l("Repeat the new password"), "new_password")


class RoleRequestForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        validators=[InputRequired()],
        choices=[SelectChoice(role.value, ROLE_LABELS[role]) for role in REQUESTABLE_ROLES],
    )
    motivation = TextAreaField(
        _l("Why do you ask for it?"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "Your institution, your work on heritage, or your position at the municipality."
        ),
    )


class RoleDecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=500)],
        description=_l("Required to refuse; the member will read it."),
    )


class SuspendForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ReactivateForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)])


class SetRoleForm(FlaskForm):
    role = SelectField(
        _l("New role"),
        validators=[InputRequired()],
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role],
    )
    reason = StringField(_l("Reason"), validators=[Length(max=500)])
