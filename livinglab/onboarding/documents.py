"""The terms of use and the privacy notice: their versions and dates.

The texts themselves are pages (templates/onboarding/), written in plain language and
translated like every page. Changing what either text promises means a new version here: every
member is then asked to accept it at their next visit, before going on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Document:
    slug: str  # "terms" or "privacy"
    version: str  # stored with each acceptance
    effective: date  # shown on the page: "Version of 1 December 2026"


TERMS = Document("terms", "2026-12-01", date(2026, 12, 1))
PRIVACY = Document("privacy", "2026-12-01", date(2026, 12, 1))


def current_versions() -> tuple[str, str]:
    """The versions a member must have accepted: (terms of use, privacy notice)."""
    return TERMS.version, PRIVACY.version
