"""Issue 4 as people would live it: a live conversation between two members in two browsers,
an anonymous reader watching, and a comment hidden by three flags until the Pavia
representative restores it."""

from __future__ import annotations

from playwright.sync_api import expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in, wait_for_live

DEMO = "@demo.livinglab.eu"
IDEA = "A night market of local makers"


def open_idea(page) -> str:
    page.goto("/search?q=makers")
    page.get_by_role("link", name=IDEA).click()
    expect(page.get_by_role("heading", name="Discussion")).to_be_visible()
    return page.url


def post_comment(page, text: str) -> None:
    box = page.locator("form.comment-form").last.get_by_label("Your comment")
    box.fill(text)
    page.locator("form.comment-form").last.get_by_role("button", name="Post").click()


def test_a_live_conversation_and_a_flagged_comment(new_page):
    ioana = new_page()
    sign_in(ioana, f"participant.iasi{DEMO}", DEMO_PASSWORD)
    url = open_idea(ioana)
    jonas = new_page()
    sign_in(jonas, f"expert.hildesheim{DEMO}", DEMO_PASSWORD)
    jonas.goto(url)
    visitor = new_page()
    visitor.goto(url)
    for page in (ioana, jonas, visitor):
        wait_for_live(page)

    # Ioana posts; Jonas and the visitor see it appear without reloading.
    post_comment(ioana, "Could the stalls use **reclaimed timber** from Hildesheim?")
    question = jonas.locator(".comment", has_text="Could the stalls use reclaimed timber")
    expect(question).to_be_visible()
    # Shown live in the language it is written in: Ioana's default, Iași's Romanian.
    expect(question.locator(".comment-body").first).to_have_attribute("lang", "ro")
    expect(
        visitor.locator(".comment", has_text="Could the stalls use reclaimed timber")
    ).to_be_visible()
    expect(ioana.locator(".comment-form textarea").first).to_have_value("")

    # Jonas replies in place; Ioana sees the reply and a notification, live.
    badge = ioana.locator(".bell .badge")
    unread_before = int(badge.get_attribute("data-unread"))
    question.get_by_role("link", name="Reply").click()
    reply_form = question.locator("form.comment-form")
    reply_form.get_by_label("Your comment").fill("Yes: our beam exchange can supply oak.")
    reply_form.get_by_role("button", name="Post").click()
    live_reply = ioana.locator(".comment.depth-1", has_text="our beam exchange can supply oak")
    expect(live_reply).to_be_visible()
    expect(live_reply.locator(".comment-body")).to_have_attribute("lang", "de")
    expect(
        visitor.locator(".comment.depth-1", has_text="our beam exchange can supply oak")
    ).to_be_visible()
    expect(badge).to_be_visible()
    expect(badge).to_have_text(str(unread_before + 1))
    screenshot(ioana, "discussion-live")
    ioana.locator(".bell").click()
    expect(ioana.get_by_text("Jonas Weber replied to your comment")).to_be_visible()

    # Three members flag Ioana's comment: it disappears for everyone.
    for email in (
        f"participant.salamanca{DEMO}",
        f"participant.besancon{DEMO}",
        f"expert.coimbra{DEMO}",
    ):
        flagger = new_page()
        sign_in(flagger, email, DEMO_PASSWORD)
        flagger.goto(url)
        comment = flagger.locator(
            ".comment.depth-0", has_text="Could the stalls use reclaimed timber"
        )
        comment.locator("summary", has_text="Flag").click()
        comment.get_by_label("What is wrong with it?").fill("Off topic advertising")
        comment.get_by_role("button", name="Send the report").click()
        expect(flagger.locator(".flash").first).to_be_visible()
    gone = visitor.locator(".comment.depth-0.gone")
    expect(gone).to_contain_text("hidden by moderation")
    # The notice is in the page's language, not the comment's.
    expect(gone.locator(".comment-body").first).not_to_have_attribute("lang", "ro")
    expect(visitor.get_by_text("Could the stalls use reclaimed timber")).to_have_count(0)
    expect(jonas.get_by_text("Could the stalls use reclaimed timber")).to_have_count(0)
    screenshot(visitor, "discussion-hidden")

    # The Pavia representative restores it with a reason; it comes back for everyone.
    rep = new_page()
    sign_in(rep, f"cityrep.pavia{DEMO}", DEMO_PASSWORD)
    rep.goto("/moderation")
    item = rep.locator("li.panel", has_text="3 reports")
    item.get_by_label("Reason, sent to the author").fill("A fair question about materials.")
    screenshot(rep, "moderation-queue")
    item.get_by_role("button", name="Restore").click()
    expect(rep.get_by_text("Nothing is waiting for a decision.")).to_be_visible()
    expect(visitor.get_by_text("Could the stalls use reclaimed timber")).to_be_visible()
    restored = visitor.locator(".comment.depth-0", has_text="Could the stalls use reclaimed")
    expect(restored.locator(".comment-body").first).to_have_attribute("lang", "ro")
    expect(jonas.get_by_text("Could the stalls use reclaimed timber")).to_be_visible()
    ioana.goto("/notifications/")
    expect(ioana.get_by_text("is visible again: A fair question about materials.")).to_be_visible()
