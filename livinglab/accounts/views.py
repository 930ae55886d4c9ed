"""Register, sign in and out, and one's own profile."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from livinglab.accounts import services, session, throttle
from livinglab.accounts.forms import (
    LoginForm,
    PasswordForm,
    ProfileForm,
    RegisterForm,
    RoleRequestForm,
)
from livinglab.accounts.models import RoleRequest
from livinglab.cities.models import City
from livinglab.errors import ServiceError
from livinglab.extensions import db, limiter
from livinglab.forms import show_service_error
from livinglab.onboarding import consent, welcome
from livinglab.stats import participation
from livinglab.stats.forms import RegistrationQuestions
from livinglab.web.filters import country_name
from livinglab.web.helpers import safe_next

bp = Blueprint("accounts", __name__)


def _city_choices() -> list[SelectChoice]:
    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return [SelectChoice("", _("Choose your city"))] + [
        SelectChoice(c.slug, f"{c.name} ({country_name(c.country)})") for c in cities
    ]


def _register_limit() -> str:
    return current_app.config["RATELIMIT_REGISTER"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    form.city.choices = _city_choices()
    if request.method == "GET" and request.args.get("city"):
        form.city.data = request.args["city"]
    about = RegistrationQuestions()  # the age for the consent rule, the optional profile
    valid = form.validate_on_submit()
    if form.is_submitted() and about.validate() and valid:
        try:
            # The consent rule of the city's country is checked before the account exists.
            age_consent = participation.registration_consent(
                form.city.data, about.age_group.data, about.guardian_consent.data,
                about.age_band.data,
            )  # fmt: skip
            participation.checked_profile(about.age_band.data, about.gender.data)
            user = services.register(
                email=form.email.data,
                password=form.password.data,
                display_name=form.display_name.data,
                city_slug=form.city.data,
                profile_kind=form.participant_profile,
                preferred_language=form.preferred_language.data,
                accepted_terms=form.accept_terms.data,
            )
            participation.record_at_registration(
                user, age_consent, about.age_band.data, about.gender.data
            )
        except ServiceError as error:
            db.session.rollback()
            mine = set(error.fields) & set(about._fields)
            show_service_error(about if mine else form, error)
        else:
            session.sign_in(user)
            consent.remember(user)
            welcome.remember_wish(user, form.profile_kind.data)
            # The welcome page greets them and asks first to confirm the address (no flash).
            return redirect(url_for("onboarding.welcome"))
    status = 400 if form.errors or about.errors else 200
    return render_template("accounts/register.html", form=form, about=about), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    # Not limited per request: failed attempts are, per account and per address (throttle).
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = throttle.authenticate(form.email.data, form.password.data, request.remote_addr)
        except throttle.TooManyFailures as refused:
            form.email.errors = [str(refused.message)]
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(refused.retry_after)}
        if user is None:
            form.password.errors = [_("This email address and password do not match an account.")]
        elif user.is_suspended:
            form.email.errors = [
                _("This account is suspended. Contact the Living Lab coordinators.")
            ]
        else:
            session.sign_in(user, remember=form.remember.data)
            flash(_("You are signed in."), "success")
            target = safe_next(url_for("site.home"))
            if consent.needs_consent(user):  # a new version of the terms: asked before going on
                return redirect(url_for("onboarding.consent", next=target))
            return redirect(target)
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
def logout():
    session.sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("site.home"))


def _profile_page(profile_form=None, password_form=None, role_form=None, status: int = 200):
    requests_made = db.session.scalars(
        sa.select(RoleRequest)
        .where(RoleRequest.user_id == current_user.id)
        .options(selectinload(RoleRequest.decided_by))
        .order_by(RoleRequest.created_at.desc())
        .limit(20)
    ).all()
    if profile_form is None:
        profile_form = ProfileForm(
            formdata=None,
            display_name=current_user.display_name,
            preferred_language=current_user.preferred_language or "",
        )
    return (
        render_template(
            "accounts/profile.html",
            profile_form=profile_form,
            password_form=password_form or PasswordForm(formdata=None),
            role_form=role_form or RoleRequestForm(formdata=None),
            role_requests=requests_made,
            sign_ins=session.active_sign_ins(current_user.id),
            session_form=FlaskForm(formdata=None),
        ),
        status,
    )


@bp.get("/profile")
@login_required
def profile():
    return _profile_page()


@bp.post("/profile")
@login_required
def update_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                display_name=form.display_name.data,
                preferred_language=form.preferred_language.data,
            )
        except ServiceError as error:
            show_service_error(form, error, fallback_field="display_name")
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(profile_form=form, status=400)


@bp.post("/profile/password")
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, current=form.current_password.data, new=form.new_password.data
            )
        except ServiceError as error:
            show_service_error(form, error, fallback_field="new_password")
        else:
            # The version bump signed out every session, this one included: sign it back in.
            remembered = current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
            session.sign_in(current_user._get_current_object(), remember=remembered)
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(password_form=form, status=400)


@bp.post("/profile/role-request")
@login_required
def request_role():
    form = RoleRequestForm()
    if form.validate_on_submit():
        try:
            services.request_role(current_user, form.role.data, form.motivation.data)
        except ServiceError as error:
            show_service_error(form, error, fallback_field="role")
            return _profile_page(role_form=form, status=error.status)
        flash(
            _(
                "Your request is sent. You will be told the decision here and in your notifications."
            ),
            "success",
        )
        return redirect(url_for("accounts.profile"))
    return _profile_page(role_form=form, status=400)


@bp.post("/profile/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Signs one device out, from any other one (a lost phone, a library computer)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if session_id == current_user.login_session_id:
        return logout()
    if not session.end_sign_in(current_user.id, session_id):
        abort(404)
    flash(_("That device is signed out."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user._get_current_object())
    session.sign_out()
    flash(_("You are signed out on every device."), "info")
    return redirect(url_for("site.home"))
