"""Which content shows a stored file, so the file can be exactly as visible as that content.

Each kind of content that shows files registers a finder once (``@shows_files``): given an
attachment id, it returns the content objects showing it, loaded with what the policy's
``can_view_*`` functions read. The uploads views ask :func:`owners_of`, then the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Finder = Callable[[int], list[Any]]
_finders: list[Finder] = []


def shows_files(finder: Finder) -> Finder:
    """Registers a finder of the content showing an attachment (used as a decorator)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def owners_of(attachment_id: int) -> list[Any]:
    """Every piece of content that shows this attachment; empty for an orphaned file."""
    return [owner for finder in _finders for owner in finder(attachment_id)]
