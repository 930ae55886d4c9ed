"""The main pages cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges.models import Phase
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.pilots.models import Indicator, IndicatorValue, Milestone, Pilot, PilotStatus
from tests.factories import make_challenge, make_idea


def measure(count_queries, client, path: str) -> int:
    with count_queries() as counted:
        response = client.get(path)
        assert response.status_code == 200, path
    return counted.n


def grow(db_read, make_user, challenge_id: int, n: int) -> list[int]:
    ids = []
    for i in range(n):
        author = make_user(city=("pavia", "turku", "iasi", "coimbra")[i % 4])
        partner = make_user(city="salamanca")
        ids.append(
            db_read(lambda a=author, p=partner: make_idea(challenge_id, a.id, coauthor_ids=(p.id,)))
        )
    return ids


def test_challenge_page_and_list_stay_flat(client, db_read, make_user, count_queries):
    challenge_id = db_read(
        lambda: make_challenge(cohosts=("coimbra",), themes=("financing", "governance"))
    )
    grow(db_read, make_user, challenge_id, 2)
    paths = (
        "/challenges/",
        f"/challenges/{challenge_id}",
        "/challenges/?sort=most_ideas&q=challenge",
        "/search?q=idea",
    )
    small = {p: measure(count_queries, client, p) for p in paths}
    for _ in range(5):
        db_read(lambda: make_challenge(cohosts=("turku", "iasi"), themes=("conservation",)))
    grow(db_read, make_user, challenge_id, 12)
    large = {p: measure(count_queries, client, p) for p in paths}
    assert large == small
    # 15: one more than before issue 19's "Inspired by" line (the case studies a challenge came
    # from, read in one statement by casestudies/_inspired_by.html).
    assert small[f"/challenges/{challenge_id}"] <= 15, small


def test_idea_page_stays_flat(client, db_read, make_user, count_queries, login_as):
    author = make_user()
    challenge_id = db_read(lambda: make_challenge())
    first = make_user(city="coimbra").id
    small_id = db_read(lambda: make_idea(challenge_id, author.id, coauthor_ids=(first,)))
    partners = [
        make_user(city=c).id for c in ("turku", "iasi", "besancon", "hildesheim", "salamanca")
    ]
    large_id = db_read(lambda: make_idea(challenge_id, author.id, coauthor_ids=tuple(partners)))
    assert measure(count_queries, client, f"/ideas/{small_id}") == measure(
        count_queries, client, f"/ideas/{large_id}"
    )
    member, _ = login_as(Role.participant, "pavia")
    assert measure(count_queries, member, f"/ideas/{small_id}") == measure(
        count_queries, member, f"/ideas/{large_id}"
    )


def test_activity_page_stays_flat(db_read, make_user, count_queries, login_as):
    client, me = login_as()
    challenge_id = db_read(lambda: make_challenge(proposer_id=me.id))
    db_read(lambda: make_idea(challenge_id, me.id, coauthor_ids=(make_user(city="iasi").id,)))
    client.post(f"/challenges/{challenge_id}/follow")
    small = measure(count_queries, client, "/activity")
    for _ in range(6):
        db_read(lambda: make_idea(challenge_id, me.id, coauthor_ids=(make_user(city="turku").id,)))
        client.post(f"/challenges/{db_read(lambda: make_challenge(proposer_id=me.id))}/follow")
    assert measure(count_queries, client, "/activity") == small


def test_pilot_page_stays_flat(db_read, make_user, count_queries, login_as):
    """Milestones, indicators and their measurements (with who entered each) cost the same
    number of queries however many there are, for a visitor and for the team."""
    rep, _ = login_as(Role.city_rep, "pavia")
    visitor = login_as(Role.participant, "turku")[0]
    author = make_user(city="iasi")

    def pilot_with(parts: int) -> int:
        challenge_id = make_challenge(phase=Phase.selection)
        pilot = Pilot(
            idea_id=make_idea(challenge_id, author.id), challenge_id=challenge_id,
            city_id=db.session.scalar(sa.select(City.id).where(City.slug == "pavia")),
            status=PilotStatus.running,
        )  # fmt: skip
        db.session.add(pilot)
        db.session.flush()
        for n in range(parts):
            indicator = Indicator(pilot_id=pilot.id, name=f"Count {n}", unit="people")
            recorders = [make_user(city=c) for c in ("pavia", "turku", "coimbra")[: n + 1]]
            indicator.values = [
                IndicatorValue(measured_on=date(2026, 11, 1 + k), value=k, recorded_by_id=u.id)
                for k, u in enumerate(recorders * 3)
            ]
            db.session.add_all([Milestone(pilot_id=pilot.id, title=f"Step {n}"), indicator])
        db.session.commit()
        return pilot.id

    small, large = db_read(lambda: pilot_with(1)), db_read(lambda: pilot_with(3))
    for client in (rep, visitor):
        assert measure(count_queries, client, f"/pilots/{small}") == measure(
            count_queries, client, f"/pilots/{large}"
        )


def test_review_queue_and_rubric_stay_flat(db_read, make_user, count_queries, login_as):
    expert, _ = login_as(Role.expert, "hildesheim")
    challenge_id = db_read(lambda: make_challenge(cohosts=("hildesheim",), themes=("governance",)))
    first, _second = grow(db_read, make_user, challenge_id, 2)
    draft = {"feasibility": "3", "action": "draft"}
    expert.post(f"/ideas/{first}/review", data=draft)
    small = measure(count_queries, expert, "/reviews/queue")
    rubric = measure(count_queries, expert, f"/ideas/{first}/review")
    for idea_id in grow(db_read, make_user, challenge_id, 12)[:4]:
        expert.post(f"/ideas/{idea_id}/review", data=draft)
    partners = tuple(make_user(city=c).id for c in ("turku", "iasi", "besancon", "salamanca"))
    large_id = db_read(lambda: make_idea(challenge_id, make_user().id, coauthor_ids=partners))
    assert measure(count_queries, expert, "/reviews/queue") == small
    assert measure(count_queries, expert, f"/ideas/{large_id}/review") == rubric
    assert small <= 17 and rubric <= 13, (small, rubric)
