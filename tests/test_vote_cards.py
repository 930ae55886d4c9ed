"""Voting that answers (issue 16): members vote and withdraw from the idea cards of a
challenge's list, the card confirms with the budget and the undo beside it, "You voted"
marks their choices, one budget line, and no budget for those who may not vote."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from livinglab.accounts.models import Role
from livinglab.challenges import deadlines
from livinglab.challenges.models import Challenge, Phase
from livinglab.extensions import db
from livinglab.votes.models import Vote
from tests.conftest import Auth
from tests.factories import make_challenge, make_idea


@pytest.fixture
def voting(db_read, make_user):
    """A Pavia challenge co-hosted by Coimbra, in voting (3 votes each), three Turku ideas."""
    author = make_user(city="turku")
    challenge_id = db_read(
        lambda: make_challenge(lead="pavia", cohosts=("coimbra",), phase=Phase.voting)
    )
    ideas = [
        db_read(lambda n=n: make_idea(challenge_id, author.id, title=f"Idea number {n}"))
        for n in range(3)
    ]
    return challenge_id, ideas, author


def cleaned_text(markup: str) -> str:
    """What a reader sees: the text without tags, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def card(page: str, idea_id: int) -> str:
    start = page.index(f'data-testid="idea-{idea_id}"')
    return page[start : page.index("</li>", start)]


def votes_of(db_read, user_id: int) -> set[int]:
    return set(
        db_read(
            lambda: db.session.scalars(sa.select(Vote.idea_id).filter_by(user_id=user_id)).all()
        )
    )


def test_a_member_votes_from_the_list_and_the_card_answers(login_as, db_read, voting):
    challenge_id, ideas, _ = voting
    member, me = login_as(city="iasi")
    listing = f"/challenges/{challenge_id}?sort=oldest"
    page = member.get(listing).get_data(as_text=True)
    assert page.count('data-testid="vote"') == 3 and 'data-testid="you-voted"' not in page
    form = card(page, ideas[1])
    assert f'name="next" value="{listing}#idea-{ideas[1]}"' in form.replace("&amp;", "&")
    assert 'name="submission_key"' in form

    response = member.post(f"/ideas/{ideas[1]}/vote", data={"next": f"{listing}#idea-{ideas[1]}"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"{listing}#idea-{ideas[1]}"
    assert votes_of(db_read, me.id) == {ideas[1]}

    page = member.get(listing).get_data(as_text=True)
    voted = card(page, ideas[1])
    receipt = cleaned_text(voted)
    assert (
        "Your vote for “Idea number 1” is counted. You have 2 votes left in this challenge."
        in receipt
    )
    assert 'role="status"' in voted and 'data-testid="you-voted"' in voted
    assert 'data-testid="unvote"' in voted and 'data-testid="vote"' not in voted  # the undo
    assert 'data-testid="you-voted"' not in card(page, ideas[0])
    assert "Voting is open: you have 2 votes left in this challenge." in cleaned_text(page)
    # The confirmation is for the page right after the vote, not for every later visit.
    again = member.get(listing).get_data(as_text=True)
    assert "is counted" not in again and 'data-testid="you-voted"' in card(again, ideas[1])

    response = member.post(
        f"/ideas/{ideas[1]}/vote/withdraw", data={"next": f"{listing}#idea-{ideas[1]}"}
    )
    assert response.status_code == 302 and votes_of(db_read, me.id) == set()
    page = member.get(listing).get_data(as_text=True)
    assert (
        "Your vote for “Idea number 1” is withdrawn. You have 3 votes left in this challenge."
        in cleaned_text(card(page, ideas[1]))
    )
    assert 'data-testid="you-voted"' not in page and page.count('data-testid="vote"') == 3


def test_the_budget_line_is_said_once_and_a_spent_budget_offers_no_button(
    login_as, db_read, make_user, voting
):
    challenge_id, ideas, author = voting
    extra = db_read(lambda: make_idea(challenge_id, author.id, title="Idea number 3"))
    member, _ = login_as(city="turku")
    for idea in ideas:
        assert member.post(f"/ideas/{idea}/vote").status_code == 302
    page = member.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    text = cleaned_text(page)
    assert text.count("You have no votes left in this challenge: 0 of 3 left.") == 1
    assert page.count('data-testid="votes-left"') == 1
    assert page.count('data-testid="you-voted"') == 3 and page.count('data-testid="unvote"') == 3
    assert 'data-testid="vote"' not in card(page, extra)


def test_the_authors_card_says_why_and_the_others_offer_the_vote(app, db_read, make_user, voting):
    challenge_id, ideas, author = voting
    other = db_read(lambda: make_idea(challenge_id, make_user(city="iasi").id))
    client = app.test_client()
    assert Auth(client).login(author).status_code == 302
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "You cannot vote for your own idea." in cleaned_text(card(page, ideas[0]))
    assert 'data-testid="vote"' not in card(page, ideas[0])
    assert 'data-testid="vote"' in card(page, other)
    assert "Voting is open: you have 3 votes left in this challenge." in cleaned_text(page)


@pytest.mark.parametrize("city", ["pavia", "coimbra"])
def test_a_host_city_representative_sees_the_reason_not_a_budget(login_as, voting, city):
    challenge_id, ideas, _ = voting
    rep, _ = login_as(Role.city_rep, city)
    for path in (f"/challenges/{challenge_id}", f"/ideas/{ideas[0]}"):
        page = rep.get(path).get_data(as_text=True)
        text = cleaned_text(page)
        assert "City representatives of the host cities do not vote on their challenge." in text
        assert text.count("do not vote on their challenge") == 1, path  # said once
        assert not re.search(r"votes? left", text), path
        assert 'data-testid="vote"' not in page and 'data-testid="votes-left"' not in page


def test_a_visitor_is_asked_to_sign_in(client, voting):
    challenge_id, ideas, _ = voting
    for path in (f"/challenges/{challenge_id}", f"/ideas/{ideas[0]}"):
        page = client.get(path).get_data(as_text=True)
        assert "Sign in to vote for the ideas you support." in page
        assert 'data-testid="vote"' not in page and "votes left" not in page


def test_the_idea_page_answers_with_one_line_and_the_undo(login_as, voting):
    _, ideas, _ = voting
    member, _ = login_as(city="salamanca")
    response = member.post(f"/ideas/{ideas[0]}/vote")
    assert response.headers["Location"] == f"/ideas/{ideas[0]}#votes"
    page = member.get(f"/ideas/{ideas[0]}").get_data(as_text=True)
    panel = page[page.index('data-testid="votes"') :]
    assert cleaned_text(panel).count("votes left") == 1
    assert (
        "Your vote for “Idea number 0” is counted. You have 2 votes left in this challenge."
        in cleaned_text(panel)
    )
    assert 'data-testid="you-voted"' in panel and panel.count('data-testid="unvote"') == 1


def test_a_double_click_counts_one_vote(login_as, db_read, voting):
    challenge_id, ideas, _ = voting
    member, me = login_as(city="hildesheim")
    data = {"submission_key": "k" * 16, "next": f"/challenges/{challenge_id}#idea-{ideas[0]}"}
    first = member.post(f"/ideas/{ideas[0]}/vote", data=data)
    second = member.post(f"/ideas/{ideas[0]}/vote", data=data)
    assert first.status_code == 302 and second.status_code in (302, 303)
    assert second.headers["Location"].startswith(f"/challenges/{challenge_id}")
    assert votes_of(db_read, me.id) == {ideas[0]}
    page = member.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert "You have already voted for this idea." not in page


def test_a_foreign_next_is_not_followed(login_as, voting):
    _, ideas, _ = voting
    member, _ = login_as(city="besancon")
    response = member.post(f"/ideas/{ideas[0]}/vote", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == f"/ideas/{ideas[0]}#votes"


def test_challenge_cards_count_the_days_down(client, db_read):
    def make() -> int:
        challenge_id = make_challenge(phase=Phase.voting, title="Counting down")
        db.session.execute(
            sa.update(Challenge)
            .where(Challenge.id == challenge_id)
            .values(voting_deadline=deadlines.today() + timedelta(days=9))
        )
        db.session.commit()
        return challenge_id

    challenge_id = db_read(make)
    listing = client.get("/challenges/?phase=voting").get_data(as_text=True)
    start = listing.index("Counting down")
    the_card = listing[listing.rindex("<article", 0, start) : listing.index("</article>", start)]
    assert "9 days left" in the_card
    page = client.get(f"/challenges/{challenge_id}").get_data(as_text=True)
    assert 'data-testid="countdown"' in page and "9 days left" in page


def test_the_voter_s_list_stays_flat(login_as, db_read, make_user, count_queries, voting):
    challenge_id, ideas, author = voting
    member, _ = login_as(city="iasi")
    member.post(f"/ideas/{ideas[0]}/vote")
    # Every kind of row the cards show, once: a team with a partner from another city.
    first_partner = make_user(city="salamanca")
    db_read(lambda: make_idea(challenge_id, author.id, coauthor_ids=(first_partner.id,)))

    def measure() -> int:
        with count_queries() as counted:
            assert member.get(f"/challenges/{challenge_id}").status_code == 200
        return counted.n

    small = measure()
    for _ in range(6):
        partner = make_user(city="salamanca")
        db_read(lambda p=partner: make_idea(challenge_id, author.id, coauthor_ids=(p.id,)))
    member.post(f"/ideas/{ideas[1]}/vote")
    assert measure() == small
