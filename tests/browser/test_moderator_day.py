"""A moderator's day, as the Pavia representative lives it: three members report a comment
under a Pavia challenge, it is hidden, the representative hears of it at once (said aloud by
the live region), sees the count in the menu, opens the item from the desk and restores it or
keeps it hidden. At a desk and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in, wait_for_live

DEMO = "@demo.livinglab.eu"
CHALLENGE = "A second life for the stables of the Visconti Castle"
FLAGGERS = (
    f"participant.poitiers{DEMO}",
    f"participant.hildesheim{DEMO}",
    f"expert.salamanca{DEMO}",
)
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}


def moderation_count(page: Page) -> int:
    badge = page.get_by_test_id("nav-moderation-count")
    return int(badge.inner_text().strip("()")) if badge.count() else 0


def no_sideways_scroll(page: Page, width: int) -> None:
    scrolled = page.evaluate("document.documentElement.scrollWidth")
    assert scrolled <= width, f"the page scrolls sideways ({scrolled}px)"


@pytest.mark.parametrize(("size", "decision"), [("desktop", "restore"), ("phone", "keep")])
def test_a_moderator_judges_an_item_hidden_by_reports(new_page, size, decision):
    width, height = SIZES[size]
    text = f"Cheap tickets for the castle at tickets-{size}.example, write to me!"

    # A member of Iași writes under the Pavia challenge.
    author = new_page()
    sign_in(author, f"participant.iasi{DEMO}", DEMO_PASSWORD)
    author.goto("/challenges/")
    author.get_by_role("link", name=CHALLENGE).click()
    url = author.url
    form = author.locator("form.comment-form").last
    form.get_by_label("Your comment").fill(text)
    form.get_by_role("button", name="Post").click()
    expect(author.locator(".comment", has_text=text)).to_be_visible()

    # The Pavia representative's desk is open meanwhile; so is Turku's, who moderates elsewhere.
    rep = new_page(width=width, height=height)
    sign_in(rep, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    expect(rep.get_by_role("heading", name="My desk")).to_be_visible()
    before = moderation_count(rep)
    wait_for_live(rep)
    turku = new_page()
    sign_in(turku, f"cityrep.turku{DEMO}", DEMO_PASSWORD)
    turku_before = moderation_count(turku)

    for email in FLAGGERS:
        flagger = new_page()
        sign_in(flagger, email, DEMO_PASSWORD)
        flagger.goto(url)
        comment = flagger.locator(".comment.depth-0", has_text=text)
        comment.locator("summary", has_text="Flag").click()
        comment.get_by_label("What is wrong with it?").fill("Advertising")
        comment.get_by_role("button", name="Send the report").click()
        expect(flagger.locator(".flash").first).to_be_visible()
        flagger.context.close()

    # Told at once, aloud: the live region announces the notification on the open desk.
    expect(rep.locator("#live-announcer")).to_contain_text("A new notification has arrived")
    expect(rep.locator(".bell .badge")).to_be_visible()

    rep.reload()
    expect(rep.get_by_test_id("nav-moderation-count")).to_have_text(f"({before + 1})")
    section = rep.get_by_test_id("desk-flagged")
    item = section.locator("li", has_text=CHALLENGE).first
    expect(item).to_contain_text("hidden after 3 reports")
    no_sideways_scroll(rep, width)
    screenshot(rep, f"moderator-desk-{size}")
    turku.reload()
    assert moderation_count(turku) == turku_before, "another city's representative is not called"

    item.get_by_role("link").first.click()
    expect(rep.get_by_role("heading", name="Reported content", exact=True)).to_be_visible()
    case_path = "/" + rep.url.split("/", 3)[3]
    expect(rep.locator("blockquote")).to_contain_text(text)
    expect(rep.get_by_test_id("case-reports").locator("li")).to_have_count(3)
    expect(rep.get_by_test_id("case-state")).to_contain_text("Hidden automatically")

    # No reason: said at the field, the page stays as it was.
    rep.get_by_role("button", name="Restore it").click()
    reason = rep.get_by_label("Reason, sent to the author")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(rep.locator("#reason-error")).to_be_visible()
    expect(reason).to_be_focused()
    no_sideways_scroll(rep, width)
    screenshot(rep, f"moderator-case-{size}")

    if decision == "restore":
        reason.fill("An odd message, but not advertising: it may stay.")
        rep.get_by_role("button", name="Restore it").click()
    else:
        reason.fill("Advertising for a ticket reseller.")
        rep.get_by_role("button", name="Keep it hidden").click()
    expect(rep.get_by_text("Done: the author is told what you decided and why.")).to_be_visible()
    expect(rep.get_by_role("heading", name="My desk")).to_be_visible()
    expect(rep.locator(f'a[href="{case_path}"]')).to_have_count(0)
    assert moderation_count(rep) == before
    screenshot(rep, f"moderator-done-{size}")

    author.goto(url)
    shown = author.locator(".comment", has_text=text)
    if decision == "restore":
        expect(shown).to_be_visible()
    else:
        expect(shown).to_have_count(0)
