""" "Inspired by": the pages of a challenge and a pilot name the case studies they came from,
read in one statement however many there are."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.pilots.models import Pilot
from tests.factories import make_challenge, make_idea
from tests.test_case_studies import folder, write  # noqa: F401 - folder is a fixture
from tests.test_query_counts import measure

# Files written by these tests go to a folder of their own (the fixture of test_case_studies).
pytestmark = pytest.mark.usefixtures("folder")


def published_case(login_as, title: str, city: str = "besancon") -> int:
    member, _ = login_as(Role.participant, city)
    ident = int(write(member, title=title).headers["Location"].rsplit("/", 1)[1])
    login_as(Role.city_rep, city)[0].post(f"/case-studies/{ident}/publish")
    return ident


def link(client, case_id: int, target_type: str, target_id: int) -> None:
    response = client.post(
        f"/case-studies/{case_id}/links", data={"target_type": target_type, "target_id": target_id}
    )
    assert response.status_code == 302


def inspired_line(page: str) -> str:
    start = page.index('data-testid="inspired-by"')
    return page[start : page.index("</p>", start)]


def test_a_challenge_names_the_case_studies_it_came_from_in_one_statement(
    login_as,
    db_read,
    client,
    count_queries,
):
    challenge_id = db_read(lambda: make_challenge("salamanca", title="Walls of Salamanca"))
    path = f"/challenges/{challenge_id}"
    assert 'data-testid="inspired-by"' not in client.get(path).get_data(as_text=True)
    rep, _ = login_as(Role.city_rep, "salamanca")
    first = published_case(login_as, "Sponsors' circles")
    link(rep, first, "challenge", challenge_id)
    line = inspired_line(client.get(path).get_data(as_text=True))
    assert f'href="/case-studies/{first}"' in line and "(Besançon)" in line
    one = measure(count_queries, client, path)
    for title, city in (("Tile bank", "coimbra"), ("Oak market", "hildesheim")):
        link(rep, published_case(login_as, title, city), "challenge", challenge_id)
    line = inspired_line(client.get(path).get_data(as_text=True))
    assert "(Coimbra)" in line and "(Hildesheim)" in line
    assert measure(count_queries, client, path) == one


def test_a_pilot_names_the_case_study_that_inspired_it(login_as, db_read, make_user, client):
    author = make_user(city="turku")

    def pilot() -> int:
        challenge_id = make_challenge("turku")
        idea_id = make_idea(challenge_id, author.id, title="Shipyard lanterns")
        turku = db.session.scalar(sa.select(City.id).where(City.slug == "turku"))
        row = Pilot(idea_id=idea_id, challenge_id=challenge_id, city_id=turku)
        db.session.add(row)
        db.session.commit()
        return row.id

    pilot_id = db_read(pilot)
    case_id = published_case(login_as, "Sponsors' circles")
    link(login_as(Role.city_rep, "turku")[0], case_id, "pilot", pilot_id)
    line = inspired_line(client.get(f"/pilots/{pilot_id}").get_data(as_text=True))
    assert f'href="/case-studies/{case_id}"' in line and "Sponsors&#39; circles" in line
