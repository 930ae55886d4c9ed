"""Reports for city representatives and admins: choose a period and a city (or all), read it
as a printable page, download it as CSV, spreadsheet or PDF."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Concatenate

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from livinglab import policy
from livinglab.cities import queries as city_queries
from livinglab.errors import Invalid, ServiceError
from livinglab.reports import exports
from livinglab.reports.build import Report, build, parse_period, quarter
from livinglab.stats.figures import PROFILE_KINDS
from livinglab.stats.participation import AGE_BANDS, GENDERS
from livinglab.stats.queries import EVENTS, FUNNEL, LINKS
from livinglab.web.helpers import enforce

bp = Blueprint("reports", __name__, url_prefix="/reports")

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _presets() -> list[tuple[str, date, date]]:
    """The last four quarters, newest first: what councils and the funder ask for."""
    today = date.today()
    year, number = today.year, (today.month - 1) // 3 + 1
    found = []
    for _n in range(4):
        start, end = quarter(year, number)
        found.append((_("Q%(number)d %(year)d", number=number, year=year), start, end))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return found


def _form(errors: dict | None = None, status: int = 200):
    enforce(policy.can_make_report(current_user))
    cities = [c for c in city_queries.by_name() if policy.can_make_report(current_user, c.id)]
    return (
        render_template(
            "reports/index.html",
            cities=cities,
            presets=_presets(),
            values=request.args,
            errors=errors or {},
            may_report_all=policy.can_make_report(current_user, None),
        ),
        status,
    )


def _report() -> Report:
    """The report the address asks for; Invalid (400) for a wrong period or city."""
    city = None
    slug = request.args.get("city", "")
    if slug:
        city = city_queries.by_slug(slug)
        if city is None:
            message = _("Choose one of the partner cities, or all.")
            raise Invalid(message, {"city": message})
    enforce(policy.can_make_report(current_user, city.id if city else None))
    start, end = request.args.get("start"), request.args.get("end")
    if request.args.get("quarter"):  # a preset button: "2026-01-01/2026-03-31"
        start, _slash, end = request.args["quarter"].partition("/")
    return build(parse_period(start, end), city)


def _context() -> dict:
    return {
        "funnel": FUNNEL,
        "kinds": PROFILE_KINDS,
        "age_bands": AGE_BANDS,
        "genders": GENDERS,
        "links": LINKS,
        "events": EVENTS,
    }


@bp.get("/")
@login_required
def index():
    return _form()


def _reported[**P](
    show: Callable[Concatenate[Report, P], ResponseReturnValue],
) -> Callable[P, ResponseReturnValue]:
    """A view of the report the address asks for; a wrong period or city shows the form again
    with the message at its field (400)."""

    @functools.wraps(show)
    def view(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
        try:
            report = _report()
        except ServiceError as error:
            if error.status != 400:
                raise
            return _form({k: str(v) for k, v in error.fields.items()}, 400)
        return show(report, *args, **kwargs)

    return view


@bp.get("/view")
@login_required
@_reported
def view(report: Report):
    return render_template("reports/report.html", report=report, **_context())


@bp.get("/report.<any(csv, xlsx, pdf):fmt>")
@login_required
@_reported
def download(report: Report, fmt: str):
    if fmt == "csv":
        body: str | bytes = exports.to_csv(report)
    elif fmt == "xlsx":
        body = exports.to_xlsx(report)
    else:
        body = exports.to_pdf(report, _context())
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{report.slug}.{fmt}"',
            "Cache-Control": "private, no-store",
        },
    )
