"""The terms of use and privacy notice pages, accepting them, and the newcomer's welcome.

The gate: a signed-in member who has not accepted the current versions of both texts is sent
to accept them before any other page. They may still read the texts, change the language,
confirm their address, download their data, delete their account and sign out — refusing
the texts must never lock a person out of their rights.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired

from livinglab.accounts.forms import RoleRequestForm
from livinglab.onboarding import consent, documents, welcome
from livinglab.web.helpers import safe_next

bp = Blueprint("onboarding", __name__)

# Pages a member who has not accepted the current texts may still open.
OPEN_BLUEPRINTS = frozenset({"onboarding", "api", "ops"})
OPEN_ENDPOINTS = frozenset(
    {
        "static",
        "accounts.logout",
        "site.set_language",
        "recovery.verify_email",
        "privacy.export",
        "privacy.delete",
        "mail.unsubscribe",
    }
)


class ConsentForm(FlaskForm):
    accept = BooleanField(
        _l("I have read and accept the terms of use and the privacy notice."),
        validators=[DataRequired(message=_l("Tick the box to accept both texts, or sign out."))],
    )


@bp.before_app_request
def _ask_for_consent():
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_ENDPOINTS or request.blueprint in OPEN_BLUEPRINTS:
        return None
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return None  # an API client: the API's contract stays as documented
    if not current_user.is_authenticated or not consent.needs_consent(current_user):
        return None
    if request.method == "GET":
        return redirect(url_for("onboarding.consent", next=request.full_path.rstrip("?")))
    return redirect(url_for("onboarding.consent"), 303)


@bp.get("/terms")
def terms():
    return render_template("onboarding/terms.html", document=documents.TERMS)


@bp.get("/privacy")
def privacy():
    contact = current_app.config.get("PRIVACY_CONTACT")  # the controllers' address, if set
    return render_template("onboarding/privacy.html", document=documents.PRIVACY, contact=contact)


@bp.route("/consent", methods=["GET", "POST"], endpoint="consent")
@login_required
def consent_page():
    form = ConsentForm()
    target = safe_next(url_for("site.home"))
    if not consent.needs_consent(current_user):
        return redirect(target)
    if form.validate_on_submit():
        consent.accept(current_user)
        return redirect(target)
    return render_template(
        "onboarding/consent.html",
        form=form,
        target=target,
        first_time=not consent.has_accepted_any(current_user.id),
        terms=documents.TERMS,
        privacy=documents.PRIVACY,
    ), 400 if form.errors else 200


@bp.get("/welcome", endpoint="welcome")
@login_required
def welcome_page():
    profile = welcome.profile_of(current_user)
    role_form = None
    if (role := welcome.role_to_ask(current_user)) is not None:
        role_form = RoleRequestForm(formdata=None, role=role.value)
    return render_template("onboarding/welcome.html", profile=profile, role_form=role_form)
