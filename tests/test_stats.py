"""The statistics: small groups never revealed, the city-to-city matrix, a dashboard of a fixed
number of statements, and the participation profile with its consent rule."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from livinglab.accounts.models import Role, User
from livinglab.casestudies.models import CaseStatus, CaseStudy, KnowledgeLink
from livinglab.challenges.models import Phase
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, InvitationStatus
from livinglab.pilots.models import Pilot, PilotStatus
from livinglab.stats import privacy
from livinglab.stats.privacy import HIDDEN, SUPPRESSED, reveals_small_cell, suppress
from livinglab.votes.models import Vote
from tests.factories import make_challenge, make_idea

# --- Suppression --------------------------------------------------------------------------


def test_primary_and_secondary_suppression():
    counts = {("pavia", "a"): 6, ("turku", "a"): 2, ("iasi", "a"): 7, ("pavia", "b"): 12}
    table = suppress(counts, ["pavia", "turku", "iasi"], ["a", "b"])
    # Turku's 2 alone could be worked out from the total 15: Pavia's 6 is hidden too (2 + 6 is
    # still under 9, so Iasi's 7 as well), and every value shown is true.
    assert table.get("turku", "a") == SUPPRESSED
    assert table.get("pavia", "a") == HIDDEN and table.get("iasi", "a") == HIDDEN
    assert table.totals["a"] == 15
    assert table.get("pavia", "b") == 12 and table.totals["b"] == 12
    assert not reveals_small_cell(table)


def test_a_column_that_cannot_protect_its_small_cell_hides_its_total():
    table = suppress({("pavia", "a"): 1, ("turku", "a"): 5}, ["pavia", "turku"], ["a"])
    assert table.get("pavia", "a") == SUPPRESSED
    assert table.totals["a"] == HIDDEN  # 1 + 5 < 9: with the total, 1 would show through


@pytest.mark.parametrize(
    ("values", "total"),
    [
        ({"x": SUPPRESSED, "y": 12}, 15),  # 15 - 12: the small one is 3
        ({"x": SUPPRESSED, "y": HIDDEN}, 6),  # the hidden one is at least 5: the small one is 1
        ({"x": 3, "y": 12}, 15),
        ({"x": SUPPRESSED, "y": 0}, 4),
    ],
)
def test_the_check_catches_a_revealing_table(values, total):
    table = privacy.Table(["x", "y"], ["a"], {r: {"a": v} for r, v in values.items()}, {"a": total})
    assert reveals_small_cell(table)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=4, max_size=4), min_size=1, max_size=8))
def test_no_suppressed_table_reveals_a_small_group(grid):
    rows, columns = list(range(len(grid))), ["a", "b", "c", "d"]
    counts = {(r, c): grid[r][i] for r in rows for i, c in enumerate(columns)}
    table = suppress(counts, rows, columns)
    assert not reveals_small_cell(table)
    for (r, c), n in counts.items():  # what is shown is true
        shown = table.get(r, c)
        assert shown == n or (shown == SUPPRESSED and 0 < n < 5) or (shown == HIDDEN and n >= 5)


# --- What the faces publish ---------------------------------------------------------------


def _answer(make_user, db_read, city: str, n: int, band: str | None, gender: str | None):
    for _ in range(n):
        user = make_user(city=city)

        def set_answers(uid=user.id):
            member = db.session.get(User, uid)
            member.age_band, member.gender = band, gender
            db.session.commit()

        db_read(set_answers)


@pytest.fixture
def small_groups(make_user, db_read):
    """Three under-18s in Turku, one non-binary member in Iași, bigger groups elsewhere."""
    _answer(make_user, db_read, "turku", 3, "under-18", "woman")
    _answer(make_user, db_read, "iasi", 1, "25-30", "non-binary")
    _answer(make_user, db_read, "pavia", 6, "18-24", "man")
    _answer(make_user, db_read, "coimbra", 7, "18-24", "woman")
    _answer(make_user, db_read, "turku", 2, "18-24", "man")


def _api_tables(stats: dict) -> list[privacy.Table]:
    tables = []
    for key in ("age_bands", "genders"):
        rows = [c["city"] for c in stats["cities"]]
        columns = list(stats["all_cities"][key])
        cells = {c["city"]: c[key] for c in stats["cities"]}
        tables.append(privacy.Table(rows, columns, cells, stats["all_cities"][key]))
    return tables


def test_no_aggregate_below_five_people_reveals_age_or_gender(
    small_groups, client, login_as, db_read
):
    stats = client.get("/api/v1/stats").get_json()
    turku = next(c for c in stats["cities"] if c["city"] == "turku")
    iasi = next(c for c in stats["cities"] if c["city"] == "iasi")
    assert turku["age_bands"]["under-18"] == "<5" and iasi["genders"]["non-binary"] == "<5"
    assert stats["all_cities"]["age_bands"]["under-18"] == "<5"
    for table in _api_tables(stats):
        assert not reveals_small_cell(table), table
    assert stats["minimum_group"] == 5

    page = client.get("/stats").get_data(as_text=True)
    for table_id in ("ages-table", "genders-table"):
        html = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
        numbers = [int(n) for n in re.findall(r"<td>(?:<strong>)?(\d+)", html)]
        assert all(n == 0 or n >= 5 for n in numbers), (table_id, numbers)
    # Nor a report, nor a city's own detail, nor a member's public page.
    rep, _ = login_as(Role.city_rep, "turku")
    report = rep.get("/reports/report.csv?start=2026-01-01&end=2026-12-31&city=turku").data
    section = report.decode().split("Age band", 1)[1].split("\r\n\r\n", 1)[0]
    assert ",3\r\n" not in section and "<5" in section
    member = db_read(lambda: db.session.scalar(sa.select(User).where(User.age_band == "under-18")))
    assert b"under" not in client.get(f"/members/{member.id}").data.lower()


def test_the_city_to_city_matrix(make_user, db_read, client):
    besancon, salamanca = make_user(city="besancon"), make_user(city="salamanca")
    voter = make_user(city="turku")

    def world():
        cities = {c.slug: c.id for c in db.session.scalars(sa.select(City))}
        challenge = make_challenge("pavia", phase=Phase.voting)
        idea = make_idea(challenge, besancon.id, coauthor_ids=(salamanca.id,))
        db.session.add(
            Vote(idea_id=idea, challenge_id=challenge, user_id=voter.id, city_id=cities["turku"])
        )
        origin = Pilot(
            idea_id=idea,
            challenge_id=challenge,
            city_id=cities["pavia"],
            status=PilotStatus.running,
        )
        db.session.add(origin)
        db.session.flush()
        db.session.add(
            Pilot(idea_id=idea, challenge_id=challenge, city_id=cities["iasi"], origin_id=origin.id)
        )
        case = CaseStudy(
            city_id=cities["besancon"],
            status=CaseStatus.published,
            title="Sponsors' circles",
            summary="s",
            problem="p",
            body="b",
            site_name="Citadelle",
            site_type="building",
        )
        db.session.add(case)
        db.session.flush()
        target = make_challenge("salamanca")
        db.session.add(
            KnowledgeLink(
                case_study_id=case.id,
                target_type="challenge",
                target_id=target,
                relation="adapted",
                city_id=cities["salamanca"],
            )
        )
        db.session.commit()

    db_read(world)
    pairs = {
        (c["source"], c["target"]): c
        for c in client.get("/api/v1/stats").get_json()["collaboration"]
    }
    assert pairs[("besancon", "salamanca")]["adaptations"] == 1
    assert pairs[("besancon", "salamanca")]["coauthors"] == 1
    assert pairs[("turku", "besancon")]["votes"] == 1
    assert pairs[("pavia", "iasi")]["replications"] == 1
    page = client.get("/stats").get_data(as_text=True)
    cell = page.split('data-testid="matrix-besancon-salamanca"', 1)[1].split("</td>", 1)[0]
    assert "<strong>2</strong>" in cell and "1 case study adapted or inspiring" in cell


def test_the_dashboard_costs_a_fixed_number_of_statements(
    client, make_user, db_read, count_queries, small_groups
):
    def measure() -> int:
        with count_queries() as counted:
            assert client.get("/stats").status_code == 200
        return counted.n

    db_read(lambda: make_challenge("coimbra"))
    small = measure()
    for city in ("pavia", "turku", "iasi"):
        _answer(make_user, db_read, city, 4, "over-30", "woman")
        author = make_user(city=city)
        db_read(lambda a=author, c=city: make_idea(make_challenge(c), a.id))
    assert measure() == small
    assert small <= 12, small


def test_a_representative_sees_their_citys_detail(login_as, client):
    rep, _ = login_as(Role.city_rep, "turku")
    assert b'data-testid="stats-detail"' in rep.get("/stats").data
    assert b'data-testid="stats-detail"' not in client.get("/stats").data


@pytest.mark.parametrize(
    ("query", "field"),
    [("start=2026-03-01&end=2026-01-31", "end"), ("start=yesterday", "start")],
)
def test_a_statistics_period_that_makes_no_sense_is_refused(client, query, field):
    response = client.get(f"/api/v1/stats?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


# --- The participation profile ------------------------------------------------------------


def test_answers_are_saved_erased_exported_and_gone_with_the_account(login_as, db_read):
    member, user = login_as(Role.participant, "pavia")
    for wrong in ({"age_band": "ancient", "gender": ""}, {"age_band": "", "gender": "robot"}):
        response = member.post("/profile/participation", data=wrong)
        assert response.status_code == 400
    stored = lambda: db_read(lambda: db.session.get(User, user.id)).__dict__  # noqa: E731
    assert (stored()["age_band"], stored()["gender"]) == (None, None)
    assert (
        member.post(
            "/profile/participation", data={"age_band": "18-24", "gender": "woman"}
        ).status_code
        == 302
    )
    assert (stored()["age_band"], stored()["gender"]) == ("18-24", "woman")
    exported = json.loads(member.get("/profile/data.json").data)["account"]
    assert (exported["age_band"], exported["gender"]) == ("18-24", "woman")
    member.post("/profile/participation/erase")
    assert (stored()["age_band"], stored()["gender"]) == (None, None)
    member.post("/profile/participation", data={"age_band": "over-30", "gender": "man"})
    member.post(
        "/profile/delete", data={"password": "correct horse battery", "confirmation": "DELETE"}
    )
    assert (stored()["age_band"], stored()["gender"]) == (None, None)


REGISTRATION = {
    "email": "giovanni@example.it",
    "display_name": "Giovanni",
    "password": "a long enough password",
    "confirm_password": "a long enough password",
    "city": "pavia",
    "profile_kind": "student",
    "accept_terms": "y",
}


@pytest.mark.parametrize(
    ("city", "age_group", "guardian", "joins"),
    [
        ("pavia", "13", False, False),  # Italy: 14
        ("pavia", "13", True, True),
        ("pavia", "14", False, True),
        ("poitiers", "14", False, False),  # France: 15
        ("coimbra", "13", False, True),  # Portugal: 13
        ("hildesheim", "15", False, False),  # Germany: 16
        ("turku", "under-13", False, False),  # Finland: 13
        ("turku", "16-or-older", False, True),
    ],
)
def test_registration_follows_the_consent_age_of_the_members_country(
    client, db_read, city, age_group, guardian, joins
):
    data = {**REGISTRATION, "city": city, "age_group": age_group}
    if guardian:
        data["guardian_consent"] = "y"
    response = client.post("/register", data=data)
    made = db_read(
        lambda: db.session.scalar(sa.select(User).where(User.email == REGISTRATION["email"]))
    )
    assert (made is not None) is joins, response.get_data(as_text=True)[-800:]
    if not joins:
        assert response.status_code == 400
        assert b"join with the consent of a parent or guardian" in response.data
    else:
        assert (made.guardian_consent_at is not None) is guardian


def test_registration_refuses_answers_outside_the_lists(client, db_read):
    response = client.post("/register", data={**REGISTRATION, "gender": "robot"})
    assert response.status_code == 400 and b"Choose an answer from the list." in response.data
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(sa.func.count(User.id)).where(User.email == REGISTRATION["email"])
            )
        )
        == 0
    )
    client.post("/register", data={**REGISTRATION, "age_band": "18-24", "gender": "man"})
    made = db_read(
        lambda: db.session.scalar(sa.select(User).where(User.email == REGISTRATION["email"]))
    )
    assert (made.age_band, made.gender) == ("18-24", "man")


def test_coauthors_of_the_same_city_are_not_cross_city(make_user, db_read, client):
    a, b = make_user(city="pavia"), make_user(city="pavia")
    db_read(lambda: make_idea(make_challenge("pavia"), a.id, coauthor_ids=(b.id,)))
    assert (
        db_read(
            lambda: db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Coauthor)
                .where(Coauthor.status == InvitationStatus.accepted)
            )
        )
        == 1
    )
    assert client.get("/api/v1/stats").get_json()["collaboration"] == []


def test_events_and_attendance_by_city_and_between_cities(make_user, db_read, client):
    from datetime import UTC, datetime

    from livinglab.meetings.models import (
        Meeting,
        MeetingKind,
        MeetingStatus,
        Registration,
        RegistrationStatus,
    )

    visitors = [make_user(city="turku") for _ in range(3)]

    def world():
        pavia = db.session.scalar(sa.select(City.id).where(City.slug == "pavia"))
        turku = db.session.scalar(sa.select(City.id).where(City.slug == "turku"))
        for status, title in (
            (MeetingStatus.scheduled, "Twinning"),
            (MeetingStatus.cancelled, "Off"),
        ):
            event = Meeting(
                title=title, description="d", kind=MeetingKind.twinning, status=status,
                city_id=pavia, starts_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
                ends_at=datetime(2026, 2, 1, 17, tzinfo=UTC), timezone="Europe/Rome",
            )  # fmt: skip
            db.session.add(event)
            db.session.flush()
            for n, visitor in enumerate(visitors):
                db.session.add(
                    Registration(
                        event_id=event.id, user_id=visitor.id, city_id=turku,
                        status=RegistrationStatus.confirmed, check_in_code=f"{title}{n}",
                        checked_in_at=datetime(2026, 2, 1, 9, tzinfo=UTC) if n else None,
                    )
                )  # fmt: skip
        db.session.commit()

    db_read(world)
    stats = client.get("/api/v1/stats?start=2026-01-01&end=2026-03-31").get_json()
    by_city = {c["city"]: c["events"] for c in stats["cities"]}
    assert by_city["pavia"] == {"events": 1, "registered": 0, "attended": 0}
    assert by_city["turku"] == {"events": 0, "registered": 3, "attended": 2}  # not the cancelled
    pairs = {(c["source"], c["target"]): c["visits"] for c in stats["collaboration"]}
    assert pairs == {("turku", "pavia"): 2}
    later = client.get("/api/v1/stats?start=2026-04-01").get_json()["all_cities"]["events"]
    assert later == {"events": 0, "registered": 0, "attended": 0}
