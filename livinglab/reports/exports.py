"""A report as CSV, as a spreadsheet (openpyxl) and as PDF (WeasyPrint).

The three carry the same rows: :func:`sections` lists them once. Texts people wrote are made
safe for spreadsheets (a title starting with "=" is never run as a formula). The PDF is drawn
from the report's own HTML with no access to the network or the disk: every address it
contains is refused, so a title cannot make the server fetch anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from livinglab.accounts.labels import profile_kind_label
from livinglab.casestudies.labels import model_label
from livinglab.challenges.labels import phase_label
from livinglab.pilots.labels import pilot_status_label
from livinglab.reports.build import Report
from livinglab.stats.figures import PROFILE_KINDS
from livinglab.stats.labels import age_band_label, gender_label, link_label, metric_label
from livinglab.stats.participation import AGE_BANDS, GENDERS
from livinglab.stats.queries import EVENTS, FUNNEL, LINKS
from livinglab.text import spreadsheet_safe

Section = tuple[str, list[str], list[list[Any]]]


def _day(moment: Any) -> str:
    return moment.date().isoformat() if moment is not None else ""


def sections(report: Report) -> Iterator[Section]:
    """(title, column heads, rows) of each part of the report."""
    f, city = report.figures, report.city
    city_id = city.id if city else None
    funnel = f.funnel_row(city_id)
    yield (
        _("Activity"),
        [_("Figure"), _("Count")],
        [[metric_label(m), funnel[m]] for m in FUNNEL],
    )
    events = f.events_row(city_id)
    yield (
        _("Events and attendance"),
        [_("Figure"), _("Count")],
        [[metric_label(m), events[m]] for m in EVENTS],
    )
    members = f.members_of(city_id)
    yield (
        _("New members by profile"),
        [_("Profile"), _("Count")],
        [[profile_kind_label(k), members[k]] for k in PROFILE_KINDS],
    )
    ages = f.ages.cells.get(city_id, {}) if city else f.ages.totals
    genders = f.genders.cells.get(city_id, {}) if city else f.genders.totals
    yield (
        _("Age band of the members today (fewer than 5: <5)"),
        [_("Age band"), _("Count")],
        [[age_band_label(b), ages.get(b, 0)] for b in AGE_BANDS],
    )
    yield (
        _("Gender of the members today (fewer than 5: <5)"),
        [_("Gender"), _("Count")],
        [[gender_label(g), genders.get(g, 0)] for g in GENDERS],
    )
    yield (
        _("Between the cities"),
        [_("From"), _("To"), *[link_label(k) for k in LINKS]],
        [[s.name, t.name, *[kinds.get(k, 0) for k in LINKS]] for s, t, kinds in f.matrix_rows],
    )
    yield (
        _("Challenges published"),
        [_("Title"), _("Lead city"), _("Phase"), _("Published")],
        [
            [c.title, c.lead_city.name, phase_label(c.phase.value), _day(c.published_at)]
            for c in report.challenges
        ],
    )
    yield (
        _("Pilots started"),
        [_("Title"), _("City"), _("Status"), _("Started")],
        [
            [p.idea.title, p.city.name, pilot_status_label(p.status.value), _day(p.created_at)]
            for p in report.pilots
        ],
    )
    yield (
        _("Replications and adaptations"),
        [_("What"), _("Kind"), _("From"), _("To"), _("Date")],
        [
            [r.title, _kind(r.kind), r.source.name, r.target.name, _day(r.on)]
            for r in report.replications
        ],
    )
    yield (
        _("Case studies published"),
        [_("Title"), _("City"), _("Models"), _("Published")],
        [
            [
                c.title,
                c.city.name,
                ", ".join(model_label(k) for k in c.model_kinds),
                _day(c.published_at),
            ]
            for c in report.case_studies
        ],
    )


def _kind(kind: str) -> str:
    return {
        "pilot": _("Pilot replicated"),
        "adapted": _("Case study adapted as a challenge"),
        "inspired": _("Case study inspired it"),
    }.get(kind, kind)


def _header(report: Report) -> list[list[Any]]:
    return [
        [_("Culture and Heritage Living Lab: report of activity and participation")],
        [_("Cities"), report.scope_name],
        [_("Period"), f"{report.period.start} – {report.period.end}"],
    ]


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(_header(report))
    for title, head, rows in sections(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(head)
        writer.writerows([[spreadsheet_safe(v) for v in row] for row in rows])
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Spreadsheets refuse []:*?/\\ in a sheet's name, and more than 31 characters."""
    return "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "Sheet"


def to_xlsx(report: Report) -> bytes:
    """One sheet for the figures, one per list."""
    book = Workbook()
    summary = book.active
    summary.title = _sheet_title(_("Summary"))
    for row in _header(report):
        summary.append(row)
    summary["A1"].font = Font(bold=True, size=14)
    for index, (title, head, rows) in enumerate(sections(report)):
        if index < 6:  # the figures share the summary sheet
            sheet = summary
            sheet.append([])
        else:
            sheet = book.create_sheet(_sheet_title(title))
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(head)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([spreadsheet_safe(v) for v in row])
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 48
        for column in "BCDEF":
            sheet.column_dimensions[column].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    raise ValueError(f"the report's PDF fetches nothing ({url[:40]})")


def pdf_document(report: Report, context: dict[str, Any]) -> Any:
    """The report laid out on A4 pages (a WeasyPrint document)."""
    # Imported when used: it loads Pango and friends.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    html = render_template("reports/pdf.html", report=report, **context)
    stylesheet = Path(current_app.static_folder or "static") / "css" / "report.css"
    document = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch)
    return document.render(stylesheets=[CSS(string=stylesheet.read_text(encoding="utf-8"))])


def to_pdf(report: Report, context: dict[str, Any]) -> bytes:
    return pdf_document(report, context).write_pdf()
