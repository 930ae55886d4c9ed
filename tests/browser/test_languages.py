"""As a person would, in each partner language: home, a challenge, an idea, the sign-in page
and a form error, chosen with the switcher; no interface text is left in English."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from config import LANGUAGES
from tests.browser.conftest import screenshot
from tests.i18n_catalog import TRANSLATIONS

# Long enough that a match in the page cannot be a coincidence with user content.
MIN_WORDS = 3


def english_leftovers_finder(lang: str):
    """The interface sentences whose translation differs from English, as regexes."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    sentences = []
    for message in catalog:
        if not message.id or message.pluralizable:
            continue
        if "%" in message.id or "<" in message.id or message.string == message.id:
            continue
        if len(message.id.split()) >= MIN_WORDS:
            sentences.append(message.id)

    def find(text: str) -> list[str]:
        flat = re.sub(r"\s+", " ", text)
        return [s for s in sentences if s in flat]

    return find


def visit(page, lang, find, name):
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if find is not None:
        leftovers = find(page.locator("body").inner_text())
        assert leftovers == [], f"{lang} {name}: English left on the page: {leftovers[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_main_path_in_each_language(new_page, lang):
    find = None if lang == "en" else english_leftovers_finder(lang)
    page = new_page()
    page.goto("/")
    page.locator("#language-select").select_option(lang)  # the switcher submits itself
    expect(page.locator("html")).to_have_attribute("lang", lang)
    visit(page, lang, find, "home")

    page.goto("/challenges/")
    page.locator(".card a, article a").first.click()
    visit(page, lang, find, "challenge")
    idea_link = page.locator("a[href^='/ideas/']").first
    if idea_link.count():
        idea_link.click()
        visit(page, lang, find, "idea")

    page.goto("/login")
    visit(page, lang, find, "sign-in")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".field-error").first).to_be_visible()
    visit(page, lang, find, "form error")
    screenshot(page, f"language-{lang}")
