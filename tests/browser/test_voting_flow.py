"""Issue 5 as people would live it: three members of three cities vote, a fourth page sees
the counts move without reloading, the budget is explained, and a Hildesheim expert reviews."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in, wait_for_live

DEMO = "@demo.livinglab.eu"


def idea_url(page, title: str) -> str:
    page.goto("/search?q=" + title.split()[0].lower())
    page.get_by_role("link", name=title).click()
    return page.url


def test_votes_move_live_and_an_expert_reviews(new_page):
    viewer = new_page()
    walks = idea_url(viewer, "Guardian walks")
    repairs = idea_url(viewer, "Repair days with residents")
    viewer.goto(walks)
    wait_for_live(viewer)
    count = viewer.locator("[data-vote-count]").first
    start = int(count.inner_text())

    for n, city in enumerate(("pavia", "turku", "iasi"), start=1):
        member = new_page()
        sign_in(member, f"participant.{city}{DEMO}", DEMO_PASSWORD)
        member.goto(walks)
        member.get_by_test_id("vote").click()
        expect(member.get_by_test_id("unvote")).to_be_visible()
        expect(count).to_have_text(str(start + n))  # the fourth page, without reloading
        if city == "iasi":
            expect(member.get_by_test_id("votes-left")).to_contain_text("0 votes left")
            member.goto(repairs)
            expect(member.get_by_test_id("vote")).to_have_count(0)
            expect(member.get_by_test_id("votes")).to_contain_text(
                "You have no votes left in this challenge"
            )
            screenshot(member, "budget-spent")
    screenshot(viewer, "votes-live")

    expert = new_page()
    sign_in(expert, f"expert.hildesheim{DEMO}", DEMO_PASSWORD)
    expert.goto(repairs)
    expert.get_by_role("link", name="Review this idea").click()
    for label, score in (
        ("Heritage value", "4"),
        ("Feasibility", "5"),
        ("Circularity and sustainability", "3"),
        ("Youth involvement", "5"),
        ("Replicability in other partner cities", "4"),
    ):
        expert.get_by_role("group", name=label).get_by_role("radio", name=score).check()
    expert.get_by_label("Your assessment").fill(
        "Simple, cheap and easy to copy in any partner city."
    )
    expert.get_by_label("I declare that I have no conflict of interest").check()
    expert.get_by_test_id("submit-review").click()
    expect(expert.get_by_text(re.compile(r"Your review of .* is published\."))).to_be_visible()
    expert.goto(repairs)  # the desk sends the expert on to the queue; the idea shows averages
    averages = expert.get_by_test_id("review-averages")
    expect(averages).to_contain_text("Feasibility")
    expect(averages).to_contain_text("5.0")
    screenshot(expert, "review-average")
