"""The audit log browser (admins everywhere, city representatives for their city) and its CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from livinglab import policy
from livinglab.audit import queries
from livinglab.audit.labels import action_label
from livinglab.core.inputs import id_text
from livinglab.extensions import db
from livinglab.web.helpers import enforce, page_number

bp = Blueprint("audit", __name__, url_prefix="/admin")


def _parse_day(field) -> date | None:
    text = (field.data or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("Write the date as YYYY-MM-DD, for example 2026-05-31.")) from None


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    city = SelectField(_l("City"), validators=[Optional()])
    member = StringField(_l("Member (name, email or number)"), validators=[Length(max=120)])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = StringField(_l("From (YYYY-MM-DD)"))
    until = StringField(_l("Until (YYYY-MM-DD)"))

    def validate_since(self, field) -> None:
        _parse_day(field)

    def validate_until(self, field) -> None:
        until = _parse_day(field)
        since = None
        try:
            since = _parse_day(self.since)
        except ValidationError:
            return
        if since and until and until < since:
            raise ValidationError(_("The end date is before the start date."))


def _form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    cities = queries.city_choices()
    scope = policy.audit_scope(current_user)
    if scope.everywhere:
        form.city.choices = [SelectChoice("", _("All cities"))] + [
            SelectChoice(c.slug, c.name) for c in cities
        ]
    else:  # a city representative reads their own city's entries only
        form.city.choices = [SelectChoice(c.slug, c.name) for c in cities if scope.includes(c.id)]
        form.city.data = form.city.choices[0].value if form.city.choices else ""
    form.action.choices = [SelectChoice("", _("All actions"))] + [
        SelectChoice(a, action_label(a)) for a in queries.known_actions()
    ]
    form.city_rows = cities
    return form


def _filter_of(form: AuditFilterForm) -> queries.AuditFilter:
    by_slug = {c.slug: c.id for c in form.city_rows}
    f = queries.AuditFilter(
        city_id=by_slug.get(form.city.data or ""),
        action=form.action.data or "",
        since=_parse_day(form.since),
        until=_parse_day(form.until),
    )
    member = (form.member.data or "").strip()
    if (member_id := id_text(member)) is not None:
        f.member_id = member_id
    else:
        f.member_text = member
    scope = policy.audit_scope(current_user)
    if not scope.everywhere and not scope.includes(f.city_id):
        # a city representative sees their own city only, whatever the address asks for;
        # an empty scope matches no entry (no city has the id 0), never the whole log
        f.city_id = min(scope.city_ids, default=0)
    return f


def _asked(
    rule: Callable[[Any], policy.Verdict],
) -> tuple[AuditFilterForm, queries.AuditFilter | None]:
    """The filter the address asks for, once ``rule`` lets the viewer read the log; None
    when the address is wrong (the form then carries the errors)."""
    enforce(rule(current_user))
    form = _form()
    return form, _filter_of(form) if form.validate() else None


@bp.get("/audit")
@login_required
def browse():
    form, asked = _asked(policy.can_view_audit_log)
    if asked is None:
        return render_template("audit/index.html", form=form, page=None), 400
    page = db.paginate(queries.filtered(asked), page=page_number(), per_page=50, error_out=False)
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        subject_link=queries.subject_link,
        may_export=policy.can_export_audit_log(current_user),
    )


@bp.get("/audit.csv")
@login_required
def export_csv():
    form, asked = _asked(policy.can_export_audit_log)
    if asked is None:
        errors = "; ".join(str(e) for field in form for e in field.errors)
        return Response(errors, status=400, mimetype="text/plain")
    lines = queries.csv_lines(asked)
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
