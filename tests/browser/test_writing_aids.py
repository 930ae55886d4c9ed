"""Writing for non-programmers, in Chromium at desktop and phone sizes: the toolbar and the
server-rendered preview, @mentions and co-authors chosen by keyboard, a comment draft that
survives a reload, confirmation before a public or irreversible action, and the focus on the
first error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from livinglab.demo import DEMO_PASSWORD
from tests.browser.conftest import screenshot, sign_in, wait_for_live

DEMO = "@demo.livinglab.eu"
IDEA = "A night market of local makers"
SIZES = {"desktop": (1280, 900), "phone": (375, 812)}


def open_idea(page: Page) -> None:
    page.goto("/search?q=makers")
    page.get_by_role("link", name=IDEA).click()
    expect(page.get_by_role("heading", name="Discussion")).to_be_visible()


def comment_box(page: Page):
    return page.locator("form.comment-form").first.get_by_label("Your comment")


def csp_watch(page: Page) -> list[str]:
    """The console's complaints about the Content-Security-Policy (inline code, other origins)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def focused(page: Page) -> dict:
    return page.evaluate(
        "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
        " text: document.activeElement.textContent})"
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_toolbar_bolds_a_selection_and_the_preview_shows_it(new_page, size):
    page = new_page(*SIZES[size])
    violations = csp_watch(page)
    sign_in(page, f"participant.pavia{DEMO}", DEMO_PASSWORD)
    open_idea(page)
    box = comment_box(page)
    box.fill("The stalls should glow at night")
    box.evaluate("(el) => { el.focus(); el.setSelectionRange(18, 22); }")  # "glow"
    form = page.locator("form.comment-form").first
    form.get_by_role("button", name="Bold").click()
    expect(box).to_have_value("The stalls should **glow** at night")
    form.get_by_role("button", name="Italic").click()  # the bold text is still selected
    expect(box).to_have_value("The stalls should ***glow*** at night")
    box.press("Control+z")
    expect(box).to_have_value("The stalls should **glow** at night")
    expect(form.get_by_text("Formatting: **bold**, *italic*")).to_be_visible()
    form.get_by_role("tab", name="Preview").click()
    preview = form.get_by_role("tabpanel")
    expect(preview.locator("strong")).to_have_text("glow")
    expect(box).to_be_hidden()
    expect(form.get_by_role("button", name="Bold")).to_be_disabled()
    screenshot(page, f"writing-preview-{size}")
    # Keyboard: back to Write with the arrow key, and Ctrl+I on a new selection.
    form.get_by_role("tab", name="Preview").press("ArrowLeft")
    expect(box).to_be_visible()
    box.evaluate("(el) => { el.focus(); el.setSelectionRange(4, 10); }")  # "stalls"
    box.press("Control+i")
    expect(box).to_have_value("The *stalls* should **glow** at night")
    # Lines become a list (after a blank line, as Markdown wants); a selection becomes a link.
    box.fill("Stalls for:\nstudents\nartists")
    box.evaluate("(el) => { el.focus(); el.setSelectionRange(12, el.value.length); }")
    form.get_by_role("button", name="List").click()
    expect(box).to_have_value("Stalls for:\n\n- students\n- artists")
    box.evaluate("(el) => { el.focus(); el.setSelectionRange(0, 6); }")  # "Stalls"
    form.get_by_role("button", name="Link").click()
    box.press_sequentially("https://example.org")  # replaces the selected "https://"
    expect(box).to_have_value("[Stalls](https://example.org) for:\n\n- students\n- artists")
    box.fill("")
    assert violations == []


@pytest.mark.parametrize("size", SIZES)
def test_an_at_mention_is_chosen_by_keyboard(new_page, size):
    page = new_page(*SIZES[size])
    sign_in(page, f"participant.pavia{DEMO}", DEMO_PASSWORD)
    open_idea(page)
    wait_for_live(page)
    box = comment_box(page)
    box.click()
    box.press_sequentially(f"Thanks ({size}) @Ain", delay=30)
    options = page.get_by_role("listbox", name="People taking part")
    expect(options).to_be_visible()
    option = options.get_by_role("option", name=re.compile("Aino Virtanen"))
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    screenshot(page, f"writing-mention-{size}")
    box.press("Enter")
    expect(box).to_have_value(f"Thanks ({size}) @AinoVirtanen ")
    expect(options).to_be_hidden()
    # Escape closes the list and Enter is a new line again.
    box.press_sequentially("and @Io", delay=30)
    expect(options.get_by_role("option", name=re.compile("Ioana Popescu"))).to_be_visible()
    box.press("Escape")
    expect(options).to_be_hidden()
    box.press("Enter")
    expect(box).to_have_value(f"Thanks ({size}) @AinoVirtanen and @Io\n")
    box.fill(f"Thanks ({size}) @AinoVirtanen for the stalls")
    page.locator("form.comment-form").first.get_by_role("button", name="Post").click()
    posted = page.locator(".comment", has_text=f"Thanks ({size}) @AinoVirtanen for the stalls")
    expect(posted).to_be_visible()
    expect(posted).to_be_focused()  # the focus goes to the comment just posted
    expect(box).to_have_value("")


@pytest.mark.parametrize("size", SIZES)
def test_a_co_author_is_chosen_by_keyboard_and_the_submission_confirmed(new_page, size):
    page = new_page(*SIZES[size])
    violations = csp_watch(page)
    sign_in(page, f"participant.pavia{DEMO}", DEMO_PASSWORD)
    page.goto("/search?q=shipyard")
    page.get_by_role("link", name="Artist residencies in the old shipyard halls").first.click()
    page.get_by_role("link", name="Submit an idea").click()

    # A first try without a title: the focus lands on the first field to correct.
    page.get_by_label("Summary").fill("Studios open to the neighbourhood on Sundays.")
    page.get_by_role("button", name="Submit my idea").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Your idea will be public at once")
    dialog.get_by_role("button", name="Submit my idea").click()
    expect(page.locator("#title-error")).to_be_visible()
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_label("Summary")).to_have_value(
        "Studios open to the neighbourhood on Sundays."
    )
    screenshot(page, f"writing-first-error-{size}")

    title = f"Open studios in the halls ({size})"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Your idea in full").fill("Residents visit the **studios** every Sunday.")
    picker = page.get_by_role("combobox", name="Invite co-authors")
    picker.press_sequentially("ioana", delay=30)
    options = page.get_by_role("listbox", name="Members found")
    option = options.get_by_role("option", name=re.compile("Ioana Popescu"))
    expect(option).to_be_visible()
    expect(option).to_contain_text("Iași")
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-member-picker]")).not_to_contain_text("@")  # no address, ever
    screenshot(page, f"writing-coauthor-picker-{size}")
    picker.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    picker.press("Enter")
    expect(page.get_by_role("checkbox", name=re.compile("Ioana Popescu"))).to_be_checked()
    expect(picker).to_have_value("")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_test_id("idea-form")).to_be_visible()  # Enter chose; it did not send

    page.get_by_role("button", name="Submit my idea").click()
    expect(dialog).to_be_visible()
    screenshot(page, f"writing-confirm-submit-{size}")
    dialog.get_by_role("button", name="Submit my idea").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_test_id("team")).to_contain_text("Ioana Popescu")

    # Withdrawing asks first: Escape cancels (and the focus returns), Confirm withdraws.
    page.get_by_role("button", name="Withdraw").click()
    expect(dialog).to_contain_text("It stays visible to everyone, marked as withdrawn")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    screenshot(page, f"writing-confirm-withdraw-{size}")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Withdraw")).to_be_focused()
    expect(page.get_by_test_id("idea-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Withdraw").click()
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("idea-status")).to_have_text("Submitted")
    page.get_by_role("button", name="Withdraw").click()
    dialog.get_by_role("button", name="Withdraw my idea").click()
    expect(page.get_by_test_id("idea-status")).to_have_text("Withdrawn")
    assert violations == []


def test_a_comment_draft_survives_a_reload_until_it_is_posted(new_page):
    page = new_page()
    sign_in(page, f"participant.coimbra{DEMO}", DEMO_PASSWORD)
    open_idea(page)
    comment_box(page).press_sequentially("A draft about the vaults", delay=10)
    page.wait_for_timeout(400)  # saved a moment after the last key
    page.reload()
    expect(comment_box(page)).to_have_value("A draft about the vaults")
    expect(page.get_by_text("Your unsent comment is back from this browser.")).to_be_visible()
    # Someone else on the same thread does not see it.
    other = new_page()
    sign_in(
        other, f"participant.poitiers{DEMO}", DEMO_PASSWORD
    )  # salamanca: deleted by a governance test
    open_idea(other)
    expect(comment_box(other)).to_have_value("")
    wait_for_live(page)
    page.locator("form.comment-form").first.get_by_role("button", name="Post").click()
    expect(page.locator(".comment", has_text="A draft about the vaults")).to_be_visible()
    page.reload()
    expect(comment_box(page)).to_have_value("")
    expect(page.get_by_text("Your unsent comment is back")).to_have_count(0)


def test_a_new_live_comment_is_announced(new_page):
    reader = new_page()
    sign_in(reader, f"participant.besancon{DEMO}", DEMO_PASSWORD)
    open_idea(reader)
    writer = new_page(375, 812)
    sign_in(writer, f"expert.turku{DEMO}", DEMO_PASSWORD)
    open_idea(writer)
    for page in (reader, writer):
        wait_for_live(page)
    comment_box(writer).fill("Announced to screen readers too.")
    writer.locator("form.comment-form").first.get_by_role("button", name="Post").click()
    expect(reader.locator("#live-announcer")).to_contain_text("New comment by Mikko Nieminen")
    expect(writer.locator("#live-announcer")).to_contain_text("Your comment is posted.")
    expect(writer.locator("#live-announcer")).not_to_contain_text("New comment by")


def test_a_refused_comment_is_explained_at_its_box(new_page):
    page = new_page(375, 812)
    sign_in(page, f"participant.hildesheim{DEMO}", DEMO_PASSWORD)
    open_idea(page)
    wait_for_live(page)
    form = page.locator("form.comment-form").first
    box = comment_box(page)
    box.fill("   ")
    form.get_by_role("button", name="Post").click()
    error = form.locator(".comment-form-error")
    expect(error).to_have_text("Write a comment.")
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    assert error.get_attribute("id") in box.get_attribute("aria-describedby").split()
    screenshot(page, "writing-comment-error-phone")
    box.fill("Now with words.")
    form.get_by_role("button", name="Post").click()
    posted = page.locator(".comment", has_text="Now with words.")
    expect(posted).to_be_focused()
    expect(error).to_be_hidden()
    expect(box).not_to_have_attribute("aria-invalid", "true")
    screenshot(page, "writing-comment-posted-phone")
