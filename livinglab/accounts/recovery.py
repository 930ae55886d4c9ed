"""Pages of the account's life by email: forgotten password, confirming and changing the
address, and the administrator's "send the confirmation link again"."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.accounts import queries, recovery_services
from livinglab.accounts.recovery_forms import ChangeEmailForm, ForgotPasswordForm, ResetPasswordForm
from livinglab.accounts.recovery_services import LinkRefused
from livinglab.errors import ServiceError
from livinglab.extensions import limiter
from livinglab.forms import save_form, show_service_error
from livinglab.web.helpers import enforce, safe_next

bp = Blueprint("recovery", __name__)


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_RESET_LINK"]


def _reset_address_limit() -> str:
    return current_app.config["RATELIMIT_RESET_LINK_ADDRESS"]


def _reset_address_key() -> str:
    # Per address asked for, whether or not an account has it: the limit answers alike.
    return "reset-address:" + (request.form.get("email") or "").strip().lower()[:254]


def _resend_limit() -> str:
    return current_app.config["RATELIMIT_VERIFICATION_RESEND"]


def _resend_key() -> str:
    return f"resend-verification:{current_user.id}"


def _minutes() -> int:
    return max(1, current_app.config["PASSWORD_RESET_MAX_AGE"] // 60)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_address_limit, key_func=_reset_address_key, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery_services.request_password_reset(form.email.data)
        # The same page whether an account has this address or not.
        return render_template(
            "accounts/forgot_password.html", form=form, sent=True, minutes=_minutes()
        )
    status = 400 if form.errors else 200
    return render_template("accounts/forgot_password.html", form=form, sent=False), status


def _email_link_page(title: str, message: str, *, failed: bool, again_endpoint: str) -> str:
    """The page a link from an email opens on: what happened, and where to ask again."""
    return render_template(
        "accounts/email_link.html",
        title=title,
        message=message,
        failed=failed,
        again_url=url_for(again_endpoint),
    )


def _link_page(refused: ServiceError, again_endpoint: str) -> tuple[str, int]:
    """Why the link cannot be used (a refused link is a 400), with where to ask again."""
    page = _email_link_page(
        _("This link cannot be used"),
        str(refused.message),
        failed=True,
        again_endpoint=again_endpoint,
    )
    return page, refused.status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    try:
        recovery_services.user_for_reset(token)
    except LinkRefused as refused:
        return _link_page(refused, "recovery.forgot_password")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery_services.reset_password(token, form.password.data)
        except LinkRefused as refused:
            return _link_page(refused, "recovery.forgot_password")
        except ServiceError as error:
            show_service_error(form, error, fallback_field="password")
        else:
            logout_user()  # this browser's sign-in, if any, ended with all the others
            flash(
                _("Your password is changed and every device is signed out. Sign in with it."),
                "success",
            )
            return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/reset_password.html", form=form), status


def _again_endpoint() -> str:
    return "recovery.email" if current_user.is_authenticated else "accounts.login"


def _done_page(title: str, message: str) -> str:
    return _email_link_page(title, message, failed=False, again_endpoint=_again_endpoint())


@bp.get("/verify-email/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    try:
        _user, now = recovery_services.verify_email(token)
    except LinkRefused as refused:
        return _link_page(refused, _again_endpoint())
    if now:
        return _done_page(
            _("Your address is confirmed"),
            _("Thank you. You can now submit ideas, comment and vote."),
        )
    return _done_page(
        _("Your address is confirmed"), _("This address was already confirmed: all is well.")
    )


@bp.get("/profile/email/confirm/<token>")
def confirm_email_change(token: str) -> ResponseReturnValue:
    try:
        user, now = recovery_services.confirm_email_change(token)
    except ServiceError as refused:  # the link, or the address taken by another account meanwhile
        return _link_page(refused, _again_endpoint())
    return _done_page(
        _("Your address is changed"),
        _("Your account now uses %(address)s.", address=user.email)
        if now
        else _("Your account already uses %(address)s.", address=user.email),
    )


@bp.route("/profile/email", methods=["GET", "POST"])
@login_required
def email() -> ResponseReturnValue:
    form = ChangeEmailForm()

    def sent(address: str) -> ResponseReturnValue:
        flash(
            _(
                "We sent a link to %(address)s. Your address changes when you open it.",
                address=address,
            ),
            "success",
        )
        return redirect(url_for("recovery.email"))

    return save_form(
        form,
        lambda: recovery_services.request_email_change(
            current_user._get_current_object(), form.email.data, form.current_password.data
        ),
        sent,
        lambda: render_template(
            "accounts/email.html", form=form, resend_form=FlaskForm(formdata=None)
        ),
        fallback_field="email",
    )


@bp.post("/profile/email/resend")
@login_required
@limiter.limit(_resend_limit, key_func=_resend_key)
def resend() -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if current_user.verified_at is not None:
        flash(_("Your address is already confirmed."), "info")
    else:
        member = current_user._get_current_object()
        recovery_services.resend_verification(member, member)
        flash(
            _("We sent a new confirmation link to %(address)s.", address=current_user.email),
            "success",
        )
    return redirect(url_for("recovery.email"))


@bp.post("/members/<int:user_id>/resend-verification")
@login_required
def resend_for_member(user_id: int) -> ResponseReturnValue:
    member = queries.load_member(user_id)
    enforce(policy.can_resend_verification(current_user, member))
    if not FlaskForm().validate_on_submit():
        abort(400)
    recovery_services.resend_verification(current_user._get_current_object(), member)
    flash(
        _("A new confirmation link is on its way to %(name)s.", name=member.display_name),
        "success",
    )
    return redirect(safe_next(url_for("members.member", user_id=member.id)))
