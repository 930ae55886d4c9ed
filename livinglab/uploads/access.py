"""Which content shows a stored file, so the file can be exactly as visible as that content.

Each kind of content that shows files registers a finder once (``@shows_files``): given an
attachment id, it returns the content objects showing it, loaded with what the policy's
``can_view_*`` functions read. The uploads views ask :func:`owners_of`, then the policy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Finder = Callable[[int], list[Any]]
_finders: list[Finder] = []


class Owners:
    """The content showing a file, found one kind at a time as it is read: a rule that is
    satisfied by the first owner (the idea a file belongs to) asks no other kind, so the cost
    of a file's check does not grow with every kind that shows files. Read again, it gives
    what was found before and goes on from there."""

    def __init__(self, attachment_id: int) -> None:
        self._attachment_id = attachment_id
        self._found: list[Any] = []
        self._pending = iter(list(_finders))

    def __iter__(self) -> Iterator[Any]:
        index = 0
        while True:
            if index < len(self._found):
                yield self._found[index]
                index += 1
                continue
            finder = next(self._pending, None)
            if finder is None:
                return
            self._found.extend(finder(self._attachment_id))


def shows_files(finder: Finder) -> Finder:
    """Registers a finder of the content showing an attachment (used as a decorator)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def owners_of(attachment_id: int) -> Owners:
    """Every piece of content that shows this attachment (none for an orphaned file), found
    as it is read."""
    return Owners(attachment_id)
