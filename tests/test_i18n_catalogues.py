"""Every language of the platform has a complete, valid catalogue of today's source strings.

These fail until the translators have filled every catalogue: that is their purpose.
Update the catalogues with `make messages`, translate, then run these again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from config import LANGUAGES
from tests.i18n_catalog import NAMED_PLACEHOLDER, TRANSLATIONS, fresh_extraction, placeholders

TRANSLATED = [code for code in LANGUAGES if code != "en"]

# The plural rules each catalogue must carry, stated here rather than taken from the installed
# Babel, so that a new CLDR release is a deliberate change of the catalogues, not a red build.
# CLDR 48 (Babel 2.19) gave it, fr, pt and es a "many" form (a million, 2 000 000 ...),
# placed between "one" and "other"; Portuguese follows Portugal's rule (0 is plural there).
# Each entry: the number of forms, the expression, and (number, form index) samples.
PLURAL_RULES: dict[str, tuple[int, str, tuple[tuple[int, int], ...]]] = {
    "it": (3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", ((1, 0), (0, 2), (10**6, 1))),
    "fr": (
        3,
        "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2",
        ((0, 0), (1, 0), (2, 2), (2 * 10**6, 1)),
    ),
    "pt": (3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", ((1, 0), (0, 2), (10**6, 1))),
    "ro": (
        3,
        "(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2)",
        ((1, 0), (5, 1), (20, 2)),
    ),
    "de": (2, "(n != 1)", ((1, 0), (0, 1), (10**6, 1))),
    "es": (3, "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", ((1, 0), (3, 2), (10**6, 1))),
    "fi": (2, "(n != 1)", ((1, 0), (2, 1))),
}


@pytest.fixture(scope="module")
def source() -> Catalog:
    return fresh_extraction()


def po_path(lang: str):
    return TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.is_file():
        pytest.fail(
            f"{path.relative_to(TRANSLATIONS.parent.parent)} is missing: run `make messages`"
        )
    with path.open("rb") as fileobj:
        return read_po(fileobj, locale=lang)


def _where(message: Message) -> str:
    return ", ".join(f"{f}:{n}" for f, n in message.locations[:2]) or "?"


def _show(message: Message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{msgid!r} ({_where(message)})"


def _list(title: str, lang: str, problems: list[str]) -> str:
    more = f"\n  … and {len(problems) - 40} more" if len(problems) > 40 else ""
    return f"{lang}: {len(problems)} {title}:\n  " + "\n  ".join(problems[:40]) + more


def test_the_app_reads_the_catalogues_from_livinglab_translations(app):
    directories = app.extensions["babel"].translation_directories
    assert TRANSLATIONS in [Path(d).resolve() for d in directories]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_has_every_message_of_the_source(lang, source):
    catalog = load(lang)
    problems = []
    for message in source:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        if found is None:
            problems.append(f"missing {_show(message)}")
        elif message.pluralizable != found.pluralizable or (
            message.pluralizable and tuple(message.id) != tuple(found.id)
        ):
            problems.append(f"singular/plural differs from the source for {_show(message)}")
    assert not problems, _list("messages out of date (run `make messages`)", lang, problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_is_fully_translated(lang):
    catalog = load(lang)
    expected, expression, _samples = PLURAL_RULES[lang]
    assert (catalog.num_plurals, catalog.plural_expr) == (expected, expression), (
        f"{lang}: the Plural-Forms header gives {catalog.num_plurals} forms "
        f"({catalog.plural_expr}), this test expects {expected} ({expression})"
    )
    assert not catalog.fuzzy, f"{lang}: the header is fuzzy, so `pybabel compile` skips it"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy {_show(message)}")
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.pluralizable and len(forms) != expected:
            problems.append(f"{len(forms)} of {expected} plural forms {_show(message)}")
        elif not all(forms):
            problems.append(f"untranslated {_show(message)}")
    assert not problems, _list("messages not (fully) translated", lang, problems)


def placeholder_problems(message: Message) -> list[str]:
    """Placeholders of each translation that differ from those of the English text."""
    if not message.id or not message.string:
        return []
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    problems = []
    for index, form in enumerate(forms):
        if not form:
            continue
        # msgstr[0] renders the singular text; every other form the plural one.
        english = ids[0] if index == 0 else ids[-1]
        if message.python_format:
            wrong = placeholders(form) != placeholders(english)
        else:
            wrong = bool(NAMED_PLACEHOLDER.search(form))
        if wrong:
            problems.append(f"{form!r} ≠ placeholders of {english!r} ({_where(message)})")
    return problems


def test_placeholder_check_catches_a_broken_translation():
    good = Message(("%(num)d vote", "%(num)d votes"), ("%(num)d voto", "%(num)d voti"))
    assert placeholder_problems(good) == []
    for broken in (
        Message("Led by %(city)s", "Guidato da %(città)s"),
        Message("Led by %(city)s", "Guidato da %(city)d"),
        Message("Led by %(city)s", "Guidato da"),
        Message("Save", "Salva %(x)s"),
        Message(("%(num)d vote", "%(num)d votes"), ("un voto", "%(num)d voti")),
    ):
        assert placeholder_problems(broken), broken.string


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang):
    problems = [p for message in load(lang) for p in placeholder_problems(message)]
    assert not problems, _list("translations with broken placeholders", lang, problems)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_translates(lang, tmp_path):
    """Compiled as `pybabel compile` does, the catalogue gives its translations back."""
    catalog = load(lang)
    target = tmp_path / lang / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as fileobj:
        write_mo(fileobj, catalog)
    translations = Translations.load(str(tmp_path), [lang])
    assert isinstance(translations, Translations), f"{lang}: the compiled catalogue does not load"
    wrong = [
        _show(m)
        for m in catalog
        if m.id and m.string and not m.fuzzy and not m.pluralizable
        if translations.gettext(m.id) != m.string
    ]
    wrong += [
        _show(m)
        for m in catalog
        if m.id and m.pluralizable and all(m.string) and not m.fuzzy
        if translations.ngettext(m.id[0], m.id[1], 1) != m.string[translations.plural(1)]
    ]
    assert translations.files and not wrong, _list(
        "messages the compiled catalogue loses", lang, wrong
    )


def test_every_language_has_its_plural_rule_stated():
    assert set(PLURAL_RULES) == set(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_chooses_the_stated_plural_form(lang, tmp_path):
    """gettext picks forms by the catalogue's own header: the samples land on the stated form."""
    catalog = load(lang)
    target = tmp_path / lang / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as fileobj:
        write_mo(fileobj, catalog)
    translations = Translations.load(str(tmp_path), [lang])
    _count, _expression, samples = PLURAL_RULES[lang]
    chosen = {n: translations.plural(n) for n, _form in samples}
    assert chosen == dict(samples), f"{lang}: forms chosen {chosen}, stated {dict(samples)}"
