"""The messages a fresh `make messages` extraction finds, for the i18n guards and catalogue tests."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import PYTHON_FORMAT, Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "livinglab" / "translations"
# The keywords of the Makefile's `pybabel extract -F babel.cfg -k _l -k lazy_gettext`.
EXTRA_KEYWORDS = ("_l", "lazy_gettext")
NAMED_PLACEHOLDER = re.compile(r"%\(\w+\)")


def fresh_extraction() -> Catalog:
    """Extracts the source now, with babel.cfg and the Makefile's keywords."""
    config = (ROOT / "babel.cfg").read_text(encoding="utf-8")
    method_map, options_map = parse_mapping_cfg(io.StringIO(config), str(ROOT / "babel.cfg"))
    keywords = {**DEFAULT_KEYWORDS, **parse_keywords(EXTRA_KEYWORDS)}
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> list[tuple[str, str]]:
    """The %-placeholders of a text as (name, conversion), "%%" left out."""
    return sorted(
        (name or "", conversion)
        for name, _flags, conversion in PYTHON_FORMAT.findall(text)
        if conversion != "%"
    )
