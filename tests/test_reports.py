"""Reports for a period and a city: the right figures in CSV, spreadsheet and PDF; periods
that make no sense refused; only representatives (their city, or all) and admins."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from livinglab.accounts.models import Role, User
from livinglab.casestudies.models import CaseStatus, CaseStudy, KnowledgeLink
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.reports.build import build, parse_period
from livinglab.reports.exports import pdf_document
from livinglab.reports.views import _context
from livinglab.stats.queries import funnel_by_city
from tests.factories import make_challenge, make_idea

Q1 = "start=2026-01-01&end=2026-03-31"
IN_Q1 = datetime(2026, 2, 10, 12, tzinfo=UTC)
AFTER = datetime(2026, 5, 2, 12, tzinfo=UTC)


@pytest.fixture
def quarter(make_user, db_read):
    """In Q1 2026: three Besançon members (two of them write an idea each) and a Besançon case
    study adapted in Salamanca. In May: one more member and one more idea, not in Q1."""
    people = [make_user(city="besancon") for _ in range(4)]

    def world():
        cities = {c.slug: c.id for c in db.session.scalars(sa.select(City))}
        for user, when in zip(people, (IN_Q1, IN_Q1, IN_Q1, AFTER), strict=True):
            db.session.get(User, user.id).created_at = when
        challenge = make_challenge("pavia", title="Stables")
        for user, when in ((people[0], IN_Q1), (people[1], IN_Q1), (people[3], AFTER)):
            db.session.get(Idea, make_idea(challenge, user.id)).created_at = when
        case = CaseStudy(
            city_id=cities["besancon"], author_id=people[0].id, status=CaseStatus.published,
            title="Sponsors' circles for the walls of Vauban", summary="s", problem="p",
            body="b", site_name="Citadelle", site_type="building", published_at=IN_Q1,
        )  # fmt: skip
        db.session.add(case)
        db.session.flush()
        adapted = make_challenge("salamanca", title="Sponsors for Salamanca's walls")
        db.session.add(
            KnowledgeLink(
                case_study_id=case.id, target_type="challenge", target_id=adapted,
                relation="adapted", city_id=cities["salamanca"], created_at=IN_Q1,
            )
        )  # fmt: skip
        db.session.commit()

    db_read(world)
    return people


def test_a_q1_report_has_the_right_figures_in_every_format(quarter, login_as, app):
    rep, _ = login_as(Role.city_rep, "besancon")
    page = rep.get(f"/reports/view?{Q1}&city=besancon").get_data(as_text=True)
    assert 'data-testid="report-members">3<' in page and 'data-testid="report-ideas">2<' in page
    assert "Sponsors&#39; circles for the walls of Vauban" in page

    csv = rep.get(f"/reports/report.csv?{Q1}&city=besancon")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode()
    assert "Members,3\r\n" in text and "Ideas,2\r\n" in text and "Replications,0\r\n" in text
    assert "Besançon,Salamanca,0,1,0,0" in text  # the adaptation, in the matrix

    xlsx = rep.get(f"/reports/report.xlsx?{Q1}&city=besancon")
    assert xlsx.headers["Content-Disposition"].endswith(
        'living-lab-report-besancon-2026-01-01-2026-03-31.xlsx"'
    )
    book = load_workbook(io.BytesIO(xlsx.data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row}
    assert (summary["Members"], summary["Ideas"], summary["Period"]) == (
        3,
        2,
        "2026-01-01 – 2026-03-31",
    )
    adaptations = list(book["Replications and adaptations"].iter_rows(values_only=True))
    assert adaptations[-1][:4] == (
        "Sponsors' circles for the walls of Vauban",
        "Case study adapted as a challenge",
        "Besançon",
        "Salamanca",
    )

    pdf = rep.get(f"/reports/report.pdf?{Q1}&city=besancon")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    with app.test_request_context():
        report = build(
            parse_period("2026-01-01", "2026-03-31"), db.session.get(City, _id("besancon"))
        )
        document = pdf_document(report, _context())
    text = _text(document)
    assert "Activity and participation: Besançon" in text
    assert "Sponsors' circles for the walls of Vauban" in text
    assert "Activity Members 3 Ideas 2 Comments 0 Votes 0" in text  # a figure per line


def _id(slug: str) -> int:
    return db.session.scalar(sa.select(City.id).where(City.slug == slug))


def _text(document) -> str:
    """The words WeasyPrint laid out, page after page."""
    words = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if getattr(box, "text", None):
                words.append(box.text)
    return " ".join(words)


def test_a_report_for_all_cities(quarter, login_as):
    admin, _ = login_as(Role.admin, "pavia")
    text = admin.get(f"/reports/report.csv?{Q1}").data.decode()
    assert "All partner cities" in text and "Ideas,2\r\n" in text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-03-31&end=2026-01-01", "end", b"The period ends before it starts"),
        ("start=2026-02-30&end=2026-03-31", "start", b"Enter a date as year-month-day"),
        ("start=2010-01-01&end=2010-03-31", "start", b"Choose a period from 2022 on."),
        ("start=2022-01-01&end=2026-03-31", "end", b"at most three years"),
    ],
)
def test_a_period_that_makes_no_sense_is_refused(login_as, query, field, message):
    rep, _ = login_as(Role.city_rep, "besancon")
    for path in ("/reports/view", "/reports/report.pdf"):
        response = rep.get(f"{path}?{query}")
        assert response.status_code == 400
        assert message in response.data and f'id="report-{field}-error"'.encode() in response.data


def test_who_makes_which_report(login_as):
    turku, _ = login_as(Role.city_rep, "turku")
    assert turku.get(f"/reports/view?{Q1}&city=besancon").status_code == 403
    assert turku.get(f"/reports/view?{Q1}").status_code == 200
    participant, _ = login_as(Role.participant, "besancon")
    assert participant.get(f"/reports/view?{Q1}&city=besancon").status_code == 403
    assert participant.get("/reports/").status_code == 403


def test_the_period_includes_its_last_day_and_not_the_next(make_user, db_read):
    late, next_day = make_user(city="iasi"), make_user(city="iasi")

    def count():
        db.session.get(User, late.id).created_at = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
        db.session.get(User, next_day.id).created_at = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
        db.session.commit()
        return funnel_by_city(parse_period("2026-01-01", "2026-03-31"))[_id("iasi")]["members"]

    assert db_read(count) == 1
