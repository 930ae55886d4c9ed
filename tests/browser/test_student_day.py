"""Issue 16, the Turku student's votes: from her desk to the challenge in voting, which counts
its days down; she votes from the challenge's list of ideas, the card confirms with her budget and marks her
choice, and withdrawing (the undo, right in the confirmation) gives the vote back. On a
desktop and on a phone; she leaves her ballot as she found it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in

STUDENT = "participant.turku@demo.livinglab.eu"
CHALLENGE = "Students as guardians of the Alta and Sofia heritage site"
IDEA = "Repair days with residents"


@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (375, 812, "phone")])
def test_a_turku_student_votes_from_the_list_and_takes_it_back(new_page, width, height, name):
    page = new_page(width=width, height=height)
    sign_in(page, STUDENT, DEMO_PASSWORD)

    # Her day starts at her desk: the challenge in voting is there, with the votes she has.
    votes_section = page.get_by_test_id("desk-votes")
    expect(votes_section).to_contain_text(CHALLENGE)
    screenshot(page, f"student-day-desk-{name}")
    page.goto("/challenges/?phase=voting")
    card = page.locator("article.challenge-card", has_text=CHALLENGE)
    expect(card.get_by_test_id("countdown")).to_have_text("9 days left")
    page.goto("/")
    votes_section.get_by_role("link", name=CHALLENGE).click()
    expect(page.get_by_test_id("countdown")).to_have_text("9 days left")
    # Another walk through the demo may have voted here already: start from a full budget.
    while page.get_by_test_id("unvote").count():
        with page.expect_navigation():
            page.get_by_test_id("unvote").first.click()
    budget = page.get_by_test_id("votes-left")
    expect(budget).to_have_text("Voting is open: you have 1 vote left in this challenge.")
    screenshot(page, f"student-day-voting-{name}")

    idea = page.locator("li.idea-card", has_text=IDEA)
    idea.get_by_role("button", name=f"Vote for “{IDEA}”").click()
    receipt = idea.get_by_test_id("vote-receipt")
    expect(receipt).to_contain_text(
        f"Your vote for “{IDEA}” is counted. You have 0 votes left in this challenge."
    )
    expect(idea.get_by_test_id("you-voted")).to_have_text("You voted")
    expect(idea).to_be_in_viewport()  # back at the card, not at the top of the page
    expect(budget).to_contain_text("You have no votes left in this challenge")
    expect(page.get_by_test_id("vote")).to_have_count(0)  # the budget is spent
    screenshot(page, f"student-day-voted-{name}")

    receipt.get_by_role("button", name=f"Withdraw my vote for “{IDEA}”").click()
    receipt = idea.get_by_test_id("vote-receipt")
    expect(receipt).to_contain_text(
        f"Your vote for “{IDEA}” is withdrawn. You have 1 vote left in this challenge."
    )
    expect(idea.get_by_test_id("you-voted")).to_have_count(0)
    expect(idea.get_by_role("button", name=f"Vote for “{IDEA}”")).to_be_visible()
    expect(budget).to_have_text("Voting is open: you have 1 vote left in this challenge.")
    screenshot(page, f"student-day-withdrawn-{name}")
