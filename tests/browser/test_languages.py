"""As a person would, in each partner language: home, a challenge, an idea, the sign-in page
and a form error, chosen with the switcher; no interface text is left in English.

What members wrote (demo content is English) carries its own `lang` attribute and is left out;
everything else on the page is interface and must be in the chosen language.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from config import LANGUAGES
from tests.browser.conftest import screenshot
from tests.i18n_catalog import TRANSLATIONS

# The interface's own text of a page: elements not inside user content marked with `lang`.
INTERFACE_TEXTS = """() => {
  const page = document.documentElement.lang;
  const texts = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('[lang]') !== document.documentElement && el.closest('[lang]').lang !== page) continue;
    if (el.closest('script, style, select')) continue;
    for (const node of el.childNodes) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) texts.push(node.textContent);
    }
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return texts;
}"""


def english_leftovers_finder(lang: str):
    """Finds, in a page's interface text, source messages whose translation differs."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    whole, sentences = set(), []
    # A word the catalogue itself gives as a translation is no leftover (French "Vote" is
    # the phase "Voting", though the English button "Vote" reads "Voter").
    translated = {m.string for m in catalog if m.id and isinstance(m.string, str) and m.string}
    for message in catalog:
        if not message.id or message.pluralizable or message.string == message.id:
            continue
        if "%" in message.id or "<" in message.id or not re.search(r"[a-z]{3}", message.id):
            continue
        whole.add(message.id)
        if len(message.id.split()) >= 3:
            sentences.append(message.id)

    def find(texts: list[str]) -> list[str]:
        flat = [re.sub(r"\s+", " ", t).strip() for t in texts]
        # a label, a link, a button: exactly a message
        found = {t for t in flat if t in whole and t not in translated}
        joined = " ".join(flat)
        found |= {s for s in sentences if s in joined}  # a sentence inside a longer text
        return sorted(found)

    return find


def visit(page, lang, find, name):
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if find is not None:
        leftovers = find(page.evaluate(INTERFACE_TEXTS))
        assert leftovers == [], f"{lang} {name}: English left on the page: {leftovers[:8]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_main_path_in_each_language(new_page, lang):
    find = None if lang == "en" else english_leftovers_finder(lang)
    page = new_page()
    page.goto("/")
    page.locator("#language-select").select_option(lang)  # the switcher submits itself
    expect(page.locator("html")).to_have_attribute("lang", lang)
    visit(page, lang, find, "home")

    page.goto("/challenges/")
    visit(page, lang, find, "challenges")
    page.get_by_role("link", name="A second life for the stables of the Visconti Castle").click()
    visit(page, lang, find, "challenge")
    page.get_by_role("link", name="A night market of local makers").first.click()
    expect(page.locator("h1")).to_contain_text("A night market of local makers")
    visit(page, lang, find, "idea")

    page.goto("/login")
    visit(page, lang, find, "sign-in")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".field-error").first).to_be_visible()
    visit(page, lang, find, "form error")
    screenshot(page, f"language-{lang}")
