"""Issue 3 as people would live it: propose, publish with a co-host, answer as a cross-city team,
find the idea by a word of its body, and a city that does not lead cannot move the phase."""

from __future__ import annotations

import re

from PIL import Image
from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import confirm, screenshot, sign_in

DEMO = "@demo.livinglab.eu"


def test_from_proposal_to_a_found_cross_city_idea(new_page, tmp_path):
    # A Pavia student proposes.
    student = new_page()
    sign_in(student, f"participant.pavia{DEMO}", DEMO_PASSWORD)
    student.goto("/challenges/new")
    student.get_by_label("Title").fill("Murals for the Borgo Ticino underpass")
    student.get_by_label("Summary").fill(
        "Turn a grey underpass into the gate of the old fishermen's quarter."
    )
    student.get_by_label("The challenge in full").fill(
        "The underpass links the **Ponte Coperto** to Borgo Ticino."
    )
    student.get_by_label("Youth engagement").check()
    student.get_by_label("Conservation").check()
    expect(student.get_by_label("Lead city")).to_have_value("pavia")
    # The text's language starts as the proposer's (Pavia's Italian); she wrote in English.
    text_language = student.get_by_label("Language of the text")
    expect(text_language).to_have_value("it")
    text_language.select_option(label="English")
    student.get_by_role("button", name="Send the proposal").click()
    expect(student.get_by_text("waits for a representative of Pavia")).to_be_visible()
    expect(student.locator("h1")).to_have_attribute("lang", "en")
    challenge_url = student.url
    challenge_path = re.sub(r"^https?://[^/]+", "", challenge_url)

    # The Pavia representative adds Coimbra as co-host and publishes.
    rep = new_page()
    sign_in(rep, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    rep.goto("/activity")
    rep.get_by_role("link", name="Murals for the Borgo Ticino underpass").click()
    rep.get_by_role("link", name="Edit").click()
    rep.get_by_label("Coimbra").check()
    rep.get_by_role("button", name="Save").click()
    rep.get_by_role("button", name="Publish: open for ideas").click()
    confirm(rep)
    expect(rep.get_by_test_id("challenge-phase")).to_have_text("Open for ideas")
    expect(rep.get_by_test_id("cohost")).to_have_text("Coimbra")
    screenshot(rep, "challenge-published")

    # A Turku artist answers with an image and invites a Iași member.
    image = tmp_path / "sketch.png"
    Image.new("RGB", (320, 200), (164, 71, 42)).save(image)
    artist = new_page()
    sign_in(artist, f"participant.turku{DEMO}", DEMO_PASSWORD)
    artist.goto(challenge_path)
    artist.get_by_role("link", name="Submit an idea").click()
    artist.get_by_label("Title").fill("Fishermen's nets in light")
    artist.get_by_label("Summary").fill("Luminous nets woven with the quarter's elders.")
    artist.get_by_label("Your idea in full").fill(
        "We weave phosphorescent nets with the elders of Borgo Ticino."
    )
    artist.get_by_label("Images or PDF documents").set_input_files(str(image))
    # Co-authors are chosen by name (the platform never shows addresses).
    artist.get_by_role("combobox", name="Invite co-authors").press_sequentially("Ioana")
    artist.get_by_role("option", name=re.compile("Ioana Popescu")).click()
    expect(artist.get_by_role("checkbox", name=re.compile("Ioana Popescu"))).to_be_checked()
    expect(artist.get_by_label("Language of the text")).to_have_value("fi")
    artist.get_by_label("Language of the text").select_option("en")
    artist.get_by_role("button", name="Submit my idea").click()
    # Submitting makes the idea public: the platform asks first.
    artist.get_by_role("alertdialog").get_by_role("button", name="Submit my idea").click()
    expect(artist.get_by_role("heading", name="Fishermen's nets in light")).to_be_visible()
    expect(artist.get_by_role("heading", name="Fishermen's nets in light")).to_have_attribute(
        "lang", "en"
    )
    expect(artist.locator(".attachments img")).to_be_visible()
    idea_path = re.sub(r"^https?://[^/]+", "", artist.url)

    # The Iași member accepts from their activity page.
    partner = new_page()
    sign_in(partner, f"participant.iasi{DEMO}", DEMO_PASSWORD)
    partner.goto("/activity")
    invitations = partner.get_by_test_id("invitations")
    expect(invitations).to_contain_text("Fishermen's nets in light")
    invitations.get_by_role("button", name="Join the team").click()
    expect(partner.get_by_test_id("team")).to_contain_text("Iași")
    screenshot(partner, "idea-with-team")

    # Anyone finds it by a word of its body.
    visitor = new_page()
    visitor.goto("/search")
    visitor.get_by_label("Words to find in challenges, ideas, case studies and events").fill(
        "phosphorescent"
    )
    visitor.get_by_role("button", name="Search").click()
    visitor.get_by_role("link", name="Fishermen's nets in light").click()
    expect(visitor).to_have_url(re.compile(re.escape(idea_path) + "$"))
    screenshot(visitor, "search-result")

    # The Salamanca representative sees no phase controls and is refused if they try anyway.
    salamanca = new_page()
    sign_in(salamanca, f"cityrep.salamanca{DEMO}", DEMO_PASSWORD)
    salamanca.goto(challenge_path)
    expect(salamanca.get_by_test_id("phase-controls")).to_have_count(0)
    token = salamanca.locator('meta[name="csrf-token"]').get_attribute("content")
    response = salamanca.request.post(f"{challenge_path}/phase/voting", form={"csrf_token": token})
    assert response.status == 403
    salamanca.goto(challenge_path)
    expect(salamanca.get_by_test_id("challenge-phase")).to_have_text("Open for ideas")
