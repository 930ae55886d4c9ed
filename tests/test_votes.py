"""Voting rules, live counts, cross-city support and results."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges.models import Challenge, Phase
from livinglab.extensions import db
from livinglab.votes.models import Vote
from tests.factories import make_challenge, make_idea


@pytest.fixture
def voting(db_read, make_user):
    """A Pavia challenge co-hosted by Coimbra, in voting, with four ideas by a Turku author."""
    author = make_user(city="turku")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.voting)
    )
    ideas = [db_read(lambda: make_idea(challenge_id, author.id)) for _ in range(4)]
    return challenge_id, ideas, author


def votes_of(db_read, **where):
    return db_read(lambda: db.session.scalar(sa.select(sa.func.count(Vote.id)).filter_by(**where)))


def vote(client, idea_id):
    return client.post(f"/ideas/{idea_id}/vote")


def test_a_member_votes_and_withdraws(login_as, db_read, voting, socket_client):
    challenge_id, ideas, _ = voting
    member, me = login_as(city="iasi")
    watcher = socket_client()
    watcher.emit("join", {"room": f"challenge:{challenge_id}"}, callback=True)
    assert vote(member, ideas[0]).status_code == 302
    assert votes_of(db_read, idea_id=ideas[0]) == 1
    page = member.get(f"/ideas/{ideas[0]}").get_data(as_text=True)
    assert "You have 2 votes left in this challenge." in page and "Withdraw my vote" in page
    assert "Iași" in page.split('data-testid="votes-by-city"')[1].split("</ul>")[0]
    assert member.post(f"/ideas/{ideas[0]}/vote/withdraw").status_code == 302
    assert votes_of(db_read, idea_id=ideas[0]) == 0
    changes = [m["args"][0] for m in watcher.get_received() if m["name"] == "vote.changed"]
    assert changes == [{"idea_id": ideas[0], "votes": 1}, {"idea_id": ideas[0], "votes": 0}]


def test_the_budget_and_its_clear_message(login_as, db_read, voting):
    _, ideas, _ = voting
    member, me = login_as()
    for idea in ideas[:3]:
        assert vote(member, idea).status_code == 302
    response = vote(member, ideas[3])
    assert response.status_code == 303
    page = member.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have no votes left in this challenge: 0 of 3 left." in page
    assert votes_of(db_read, user_id=me.id) == 3


@pytest.mark.parametrize(
    ("role", "city", "status", "message"),
    [
        (Role.city_rep, "pavia", 403, "City representatives of the host cities do not vote"),
        (Role.city_rep, "coimbra", 403, "City representatives of the host cities do not vote"),
        (Role.city_rep, "turku", 302, None),
        (Role.expert, "pavia", 302, None),
        (Role.admin, "pavia", 302, None),
    ],
)
def test_who_may_vote(login_as, db_read, voting, role, city, status, message):
    _, ideas, _ = voting
    client, me = login_as(role, city)
    response = vote(client, ideas[0])
    assert response.status_code == status
    if message:  # a rule refusal is a 403 page that says why
        assert message in response.get_data(as_text=True)
    assert votes_of(db_read, user_id=me.id) == (1 if status == 302 else 0)


def test_no_vote_for_one_s_own_idea_or_twice(app, login_as, db_read, voting):
    _, ideas, author = voting
    own = app.test_client()
    own.post("/login", data={"email": author.email, "password": "correct horse battery"})
    refused = vote(own, ideas[0])
    assert refused.status_code == 403
    assert "You cannot vote for your own idea." in refused.get_data(as_text=True)
    assert votes_of(db_read, user_id=author.id) == 0
    member, me = login_as()
    assert vote(member, ideas[0]).status_code == 302
    response = vote(member, ideas[0])
    assert response.status_code == 303
    assert "already voted" in member.get(response.headers["Location"]).get_data(as_text=True)
    assert votes_of(db_read, user_id=me.id) == 1


@pytest.mark.parametrize("phase", [Phase.open, Phase.selection, Phase.closed])
def test_votes_only_while_voting(login_as, db_read, make_user, phase):
    author = make_user(city="turku")
    challenge_id = db_read(lambda: make_challenge(phase=phase))
    idea_id = db_read(lambda: make_idea(challenge_id, author.id))
    member, me = login_as()
    response = vote(member, idea_id)
    assert response.status_code == 303
    assert f"the challenge is in phase “{phase.value}”" in member.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    assert votes_of(db_read, user_id=me.id) == 0


def test_withdrawn_and_unknown_ideas(login_as, db_read, voting, make_user):
    challenge_id, _, author = voting
    withdrawn = db_read(lambda: make_idea(challenge_id, author.id, status="withdrawn"))
    member, me = login_as()
    assert vote(member, withdrawn).status_code == 303
    assert vote(member, 987654).status_code == 404
    assert member.post("/ideas/987654/vote/withdraw").status_code == 404
    assert votes_of(db_read, user_id=me.id) == 0
    anonymous = member.application.test_client()
    assert vote(anonymous, withdrawn).status_code == 302  # to sign in


def test_hidden_counts_stay_hidden_until_voting_closes(login_as, db_read, voting, client):
    challenge_id, ideas, _ = voting

    def hide():
        db.session.get(Challenge, challenge_id).hide_vote_counts = True
        db.session.commit()

    db_read(hide)
    member, _ = login_as()
    vote(member, ideas[0])
    page = client.get(f"/ideas/{ideas[0]}").get_data(as_text=True)
    assert "Vote counts stay hidden until voting closes." in page and "data-vote-count" not in page
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(f"/challenges/{challenge_id}/phase/selection")
    assert f'data-vote-count="{ideas[0]}">1<' in client.get(f"/ideas/{ideas[0]}").get_data(
        as_text=True
    )


def test_results_rank_ties_by_earlier_submission_and_export_csv(login_as, db_read, voting, client):
    challenge_id, ideas, _ = voting
    for city, choices in (("iasi", [1, 2]), ("salamanca", [2, 1]), ("turku", [3])):
        member, _ = login_as(city=city)
        for index in choices:
            vote(member, ideas[index])
    assert client.get(f"/challenges/{challenge_id}/results").status_code == 404, (
        "not before voting closes"
    )
    rep, _ = login_as(Role.city_rep, "pavia")
    rep.post(f"/challenges/{challenge_id}/phase/selection")
    page = client.get(f"/challenges/{challenge_id}/results").get_data(as_text=True)
    order = [page.index(f'/ideas/{ideas[i]}"') for i in (1, 2, 3, 0)]
    assert order == sorted(order), "2 votes, 2 votes (later), 1 vote, 0 votes"
    csv_text = client.get(f"/challenges/{challenge_id}/results.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("rank,idea_id,title,votes,submitted_at,Besançon")
    assert [line.split(",")[1] for line in lines[1:]] == [str(ideas[i]) for i in (1, 2, 3, 0)]


def test_csv_cells_never_become_formulas(login_as, db_read, make_user, client):
    author = make_user()
    challenge_id = db_read(lambda: make_challenge(phase=Phase.selection))
    db_read(lambda: make_idea(challenge_id, author.id, title='=HYPERLINK("http://evil.example")'))
    text = client.get(f"/challenges/{challenge_id}/results.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_the_idea_page_costs_the_same_with_many_votes(
    login_as, db_read, voting, client, count_queries
):
    _, ideas, _ = voting
    first, _ = login_as(city="iasi")
    vote(first, ideas[0])
    with count_queries() as small:
        client.get(f"/ideas/{ideas[0]}")
    for city in ("turku", "besancon", "hildesheim", "salamanca", "poitiers"):
        member, _ = login_as(city=city)
        vote(member, ideas[0])
    with count_queries() as large:
        client.get(f"/ideas/{ideas[0]}")
    assert large.n == small.n
