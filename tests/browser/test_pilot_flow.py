"""Issue 6 as people would live it: from a Pavia–Coimbra challenge to an approval in Pavia and
a rejection in Coimbra, a pilot run to completion, and its replication in Turku."""

from __future__ import annotations

from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import confirm, screenshot, sign_in

DEMO = "@demo.livinglab.eu"
CHALLENGE = "A second life for the stables of the Visconti Castle"
IDEA = "Open conservation workshop"


def test_from_idea_to_replicated_good_practice(new_page):
    pavia = new_page()
    sign_in(pavia, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    pavia.goto("/search?q=stables")
    pavia.get_by_role("link", name=CHALLENGE).first.click()
    challenge_url = pavia.url
    pavia.get_by_role("button", name="Move to “Voting”").click()
    confirm(pavia)
    expect(pavia.get_by_test_id("challenge-phase")).to_have_text("Voting")

    expert = new_page()
    sign_in(expert, f"expert.hildesheim{DEMO}", DEMO_PASSWORD)
    expert.goto(challenge_url)
    expert.get_by_role("link", name=IDEA).click()
    idea_url = expert.url
    expert.get_by_role("link", name="Review this idea").click()
    for label in (
        "Heritage value",
        "Feasibility",
        "Circularity and sustainability",
        "Youth involvement",
        "Replicability in other partner cities",
    ):
        expert.get_by_role("group", name=label).get_by_role("radio", name="4 very good").check()
    expert.get_by_label("Your assessment").fill("Feasible and replicable.")
    expert.get_by_label("I declare that I have no conflict of interest").check()
    expert.get_by_test_id("submit-review").click()

    pavia.goto(challenge_url)
    pavia.get_by_role("button", name="Move to “Selection”").click()
    confirm(pavia)
    expect(pavia.get_by_test_id("challenge-phase")).to_have_text("Selection")

    # Coimbra rejects, with its reason; Pavia approves and gets the pilot.
    coimbra = new_page()
    sign_in(coimbra, f"cityrep.coimbra{DEMO}", DEMO_PASSWORD)
    coimbra.goto(idea_url)
    coimbra.get_by_label("Reason (required to reject, public)").fill(
        "Our restorers are busy until 2028."
    )
    coimbra.get_by_role("button", name="Reject for Coimbra").click()
    confirm(coimbra)
    expect(coimbra.get_by_test_id("decisions")).to_contain_text(
        "Our restorers are busy until 2028."
    )
    pavia.goto(idea_url)
    pavia.get_by_role("button", name="Approve for Pavia").click()
    expect(pavia.get_by_role("alertdialog")).to_contain_text("public and final")
    confirm(pavia)
    expect(pavia.get_by_test_id("pilot-status")).to_have_text("Planned")
    pilot_url = pavia.url

    # The Pavia pilot: running, two milestones, an indicator value, completed with lessons.
    pavia.get_by_label("New status").select_option("running")
    pavia.get_by_role("button", name="Change the status").click()
    for title in ("Workshop fitted out", "First school visit"):
        pavia.get_by_label("Milestone", exact=True).fill(title)
        pavia.get_by_test_id("milestone-form").get_by_role("button", name="Add").click()
    for title in ("Workshop fitted out", "First school visit"):
        item = pavia.locator(".milestones li", has_text=title)
        item.get_by_text("Mark as done").click()
        item.get_by_label("Evidence").fill(f"{title}: photos and visitor book.")
        item.get_by_role("button", name="Save").click()
    expect(pavia.get_by_test_id("progress")).to_have_attribute("value", "2")
    indicators = pavia.get_by_test_id("indicator-form")
    indicators.get_by_label("Indicator").fill("School visitors")
    indicators.get_by_label("Unit").fill("pupils")
    indicators.get_by_label("Target").fill("300")
    indicators.get_by_role("button", name="Add").click()
    pavia.get_by_label("Value").fill("120")
    pavia.get_by_role("button", name="Record").click()
    expect(pavia.get_by_test_id("indicator-latest")).to_have_text("120")
    pavia.get_by_label("New status").select_option("evaluating")
    pavia.get_by_role("button", name="Change the status").click()
    completing = pavia.get_by_test_id("complete-form")
    completing.get_by_label("What worked").fill("Pupils loved watching restorers.")
    completing.get_by_label("What did not").fill("Too few places per visit.")
    completing.get_by_label("Costs and funding").fill("6,000 € from the museum budget.")
    completing.get_by_label("Circular value created").fill("Reclaimed oak reused in the workshop.")
    completing.get_by_role("button", name="Complete the pilot").click()
    confirm(pavia)
    expect(pavia.get_by_test_id("pilot-status")).to_have_text("Completed")
    screenshot(pavia, "pilot-completed")

    # Turku replicates it.
    turku = new_page()
    sign_in(turku, f"cityrep.turku{DEMO}", DEMO_PASSWORD)
    turku.goto(pilot_url)
    turku.get_by_role("button", name="Replicate in Turku").click()
    confirm(turku)
    expect(turku.get_by_test_id("pilot-status")).to_have_text("Planned")
    expect(turku.locator(".milestones")).to_contain_text("Workshop fitted out")
    turku.goto(pilot_url)
    expect(turku.get_by_test_id("replicas")).to_contain_text("Turku")

    # The decision log, the timeline and the library show it all.
    visitor = new_page()
    visitor.goto("/decisions")
    log = visitor.get_by_test_id("decision-log")
    expect(log).to_contain_text("Our restorers are busy until 2028.")
    expect(log).to_contain_text("approved")
    visitor.goto(pilot_url)
    timeline = visitor.get_by_test_id("timeline")
    for step in (
        "Challenge published",
        "Idea submitted",
        "expert review",
        "Approved as a pilot in Pavia",
        "Not selected in Coimbra",
        "Milestone done: First school visit",
        "Completed",
    ):
        expect(timeline).to_contain_text(step)
    visitor.goto("/good-practices")
    expect(visitor.get_by_text("Pupils loved watching restorers.")).to_be_visible()
    expect(visitor.get_by_text("Replicated in 1 other city")).to_be_visible()
    screenshot(visitor, "good-practices")
