"""Administration pages. Admins see everything; a city representative sees their own city's
members, the requests and moderation that are theirs to decide, and their city's audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from livinglab import policy
from livinglab.accounts.labels import ROLE_LABELS
from livinglab.accounts.models import RequestStatus, Role, RoleRequest, User
from livinglab.cities import services as cities
from livinglab.cities.models import City
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.forms import show_service_error
from livinglab.moderation.models import Flag
from livinglab.web.helpers import enforce, page_number

bp = Blueprint("admin", __name__, url_prefix="/admin")


class MemberFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Length(max=120)])
    city = SelectField(_l("City"), validators=[Optional()])
    role = SelectField(_l("Role"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Everyone")),
            SelectChoice("active", _l("Active")),
            SelectChoice("suspended", _l("Suspended")),
        ],
        validators=[Optional()],
    )


class PartnerForm(FlaskForm):
    slug = StringField(
        _l("Address name (slug)"), description=_l("Part of every URL; cannot change later.")
    )
    name = StringField(_l("Name"))
    municipality = StringField(_l("Municipality"))
    country = StringField(_l("Country"))
    language = StringField(_l("Language code"), description=_l("Two letters, such as “it”."))


@bp.get("/")
@login_required
def dashboard():
    enforce(policy.can_view_admin_area(current_user))
    requests = sa.select(sa.func.count(RoleRequest.id)).where(
        RoleRequest.status == RequestStatus.pending
    )
    suspended = sa.select(sa.func.count(User.id)).where(User.suspended_at.is_not(None))
    request_scope = policy.role_request_scope(current_user)
    if not request_scope.cities.everywhere:
        requests = requests.where(
            RoleRequest.user_id.in_(
                sa.select(User.id).where(User.city_id.in_(request_scope.cities.city_ids))
            )
        )
    if request_scope.roles is not None:
        requests = requests.where(RoleRequest.role.in_(request_scope.roles))
    members = policy.member_scope(current_user)
    if not members.everywhere:
        suspended = suspended.where(User.city_id.in_(members.city_ids))
    open_flags = sa.select(sa.func.count(sa.distinct(Flag.content_id))).where(
        Flag.resolved_at.is_(None)
    )
    # Only a moderator of every city may count every open report; a city representative's
    # share depends on each item's host cities, so the page links to their queue instead.
    all_flags = policy.moderation_scope(current_user).everywhere
    return render_template(
        "admin/dashboard.html",
        pending_requests=db.session.scalar(requests) or 0,
        suspended=db.session.scalar(suspended) or 0,
        open_flags=db.session.scalar(open_flags) or 0 if all_flags else None,
    )


@bp.get("/members")
@login_required
def members():
    enforce(policy.can_view_admin_area(current_user))
    form = MemberFilterForm(request.args)
    all_cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    scope = policy.member_scope(current_user)
    may_see_email = bool(policy.can_see_member_email(current_user))
    form.city.choices = [SelectChoice("", _("All cities"))] + [
        SelectChoice(c.slug, c.name) for c in all_cities
    ]
    form.role.choices = [SelectChoice("", _("All roles"))] + [
        SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()
    ]
    query = sa.select(User).where(User.deleted_at.is_(None))
    if not scope.everywhere:  # a city representative sees the members of their own city
        form.city.choices = [
            SelectChoice(c.slug, c.name) for c in all_cities if scope.includes(c.id)
        ]
        form.city.data = form.city.choices[0].value if form.city.choices else ""
    if form.validate():
        slug = form.city.data or ""
        city_id = next((c.id for c in all_cities if c.slug == slug), None)
        if city_id is not None:
            query = query.where(User.city_id == city_id)
        if form.role.data:
            query = query.where(User.role == Role(form.role.data))
        if form.status.data == "active":
            query = query.where(User.suspended_at.is_(None))
        elif form.status.data == "suspended":
            query = query.where(User.suspended_at.is_not(None))
        text = (form.q.data or "").strip().lower()
        if text:
            query = query.where(
                sa.or_(
                    User.stored_name.icontains(text, autoescape=True),
                    User.email.contains(text, autoescape=True) if may_see_email else sa.false(),
                )
            )
    else:
        query = query.where(sa.false())
    if not scope.everywhere:
        query = query.where(User.city_id.in_(scope.city_ids))
    page = db.paginate(
        query.order_by(User.stored_name, User.id), page=page_number(), per_page=30, error_out=False
    )
    return render_template("admin/members.html", form=form, page=page)


@bp.get("/cities")
@login_required
def partners():
    enforce(policy.can_edit_partner(current_user))
    rows = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return render_template("admin/partners.html", partners=rows)


def _partner_or_404(slug: str) -> City:
    city = db.session.scalar(sa.select(City).where(City.slug == slug))
    if city is None:
        abort(404)
    return city


def _partner_page(form: PartnerForm, city: City | None, save, saved_message):
    """The partner form: shown, or saved through ``save()`` (which returns the city)."""
    if not form.is_submitted():
        return render_template("admin/partner_form.html", form=form, city=city)
    status = 400
    if form.validate():
        try:
            saved = save()
        except ServiceError as error:
            show_service_error(form, error, fallback_field="name")
            status = error.status
        else:
            flash(saved_message(saved), "success")
            return redirect(url_for("admin.partners"))
    return render_template("admin/partner_form.html", form=form, city=city), status


@bp.route("/cities/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_partner(slug: str):
    city = _partner_or_404(slug)
    enforce(policy.can_edit_partner(current_user))
    form = PartnerForm(obj=city)
    del form.slug  # slugs are in every URL: they never change

    def save() -> City:
        cities.update_partner(current_user, city, form.data)
        return city

    return _partner_page(form, city, save, lambda c: _("%(name)s is saved.", name=c.name))


@bp.route("/cities/new", methods=["GET", "POST"])
@login_required
def add_partner():
    enforce(policy.can_edit_partner(current_user))
    form = PartnerForm()
    return _partner_page(
        form,
        None,
        lambda: cities.add_partner(current_user, form.data),
        lambda c: _("%(name)s joins the Living Lab.", name=c.name),
    )
