"""Pages of email: a member's email choices, and the one-click unsubscribe of every email."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from livinglab.cities.data import TIME_ZONES
from livinglab.extensions import csrf, db
from livinglab.forms import save_form
from livinglab.mail import preferences
from livinglab.mail.models import Delivery
from livinglab.mail.preferences import CATEGORIES, DELIVERY_LABELS
from livinglab.mail.tokens import BadToken, read_unsubscribe

bp = Blueprint("mail", __name__)

_REGIONS = (
    "Africa/",
    "America/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if z.startswith(_REGIONS)))


class PreferencesForm(FlaskForm):
    time_zone = SelectField(
        _l("Time zone of my digests"),
        description=_l("Digests arrive at 08:00 in this time zone."),
        validate_choice=False,  # the service checks it, with a message at the field
    )


def _form() -> PreferencesForm:
    """The form with one select per category (added per request: categories may grow)."""

    class Form(PreferencesForm):
        pass

    options = [SelectChoice(d.value, DELIVERY_LABELS[d]) for d in Delivery]
    for name, (label, _kinds, _default) in CATEGORIES.items():
        setattr(Form, f"category_{name}", SelectField(label, choices=options))
    chosen = preferences.all_choices(current_user.id)
    city_zone = TIME_ZONES.get(current_user.city.slug, current_app.config["BABEL_DEFAULT_TIMEZONE"])
    data = {f"category_{name}": delivery.value for name, delivery in chosen.items()}
    data["time_zone"] = current_user.time_zone or ""
    form = Form(data=data)  # a submitted form's own values win over these
    form.time_zone.choices = [
        SelectChoice("", _("My partner city's (%(zone)s)", zone=city_zone))
    ] + [SelectChoice(zone, zone) for zone in zone_names()]
    return form


@bp.route("/profile/email-notifications", methods=["GET", "POST"])
@login_required
def preferences_page() -> ResponseReturnValue:
    form = _form()

    def saved(_nothing: None) -> ResponseReturnValue:
        flash(_("Your email choices are saved."), "success")
        return redirect(url_for("mail.preferences_page"))

    return save_form(
        form,
        lambda: preferences.save(
            current_user._get_current_object(),
            {name: form[f"category_{name}"].data for name in CATEGORIES},
            form.time_zone.data or "",
        ),
        saved,
        lambda: render_template("mail/pages/preferences.html", form=form, categories=CATEGORIES),
        fallback_field="time_zone",
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST here without a page, a session or a CSRF token
def unsubscribe(token: str) -> ResponseReturnValue:
    try:
        user_id, scope = read_unsubscribe(token)
    except BadToken:
        return render_template("mail/pages/unsubscribe.html", invalid=True, done=False), 400
    label = preferences.scope_label(scope)
    if request.method == "POST":
        preferences.unsubscribe(user_id, scope)
        db.session.commit()
        return render_template("mail/pages/unsubscribe.html", invalid=False, done=True, label=label)
    return render_template(
        "mail/pages/unsubscribe.html", invalid=False, done=False, label=label, token=token
    )
