"""The main pages cost a fixed number of queries, however many rows they show."""

from __future__ import annotations

from livinglab.accounts.models import Role
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
    assert small[f"/challenges/{challenge_id}"] <= 14, small


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
