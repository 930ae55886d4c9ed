"""Finding members by name and city for the writing pickers (co-authors, @mentions).

What a picker shows of a member is what their public profile shows: name and city, never the
address. Suspended and deleted accounts are never found, and the searcher never finds themself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.extensions import db

PAGE_SIZE = 10
MAX_WORDS = 5
# Punctuation a display name may hold that a mention handle leaves out ("Jean-Luc O'Neil").
_HANDLE_DROPS = (" ", "-", ".", "'", "’")


@dataclass(frozen=True)
class Found:
    members: list[User]
    page: int
    has_more: bool


def mention_handle(name: str) -> str:
    """How a member is mentioned: their name without spaces or punctuation (@AnnaVirtanen).
    The discussion reads a mention back the same way, whatever its case."""
    return re.sub(r"\W+", "", name)


def _handle_column() -> sa.ColumnElement[str]:
    column: sa.ColumnElement[str] = sa.func.lower(User.stored_name)
    for drop in _HANDLE_DROPS:
        column = sa.func.replace(column, drop, "")
    return column


def search(
    searcher: Any,
    text: str = "",
    *,
    city_slug: str = "",
    page: int = 1,
    among: sa.Select | None = None,
    by_handle: bool = False,
) -> Found:
    """A page of members, by name: each word of ``text`` must be in the name or the city's name
    (``by_handle``: in the name without spaces, as a mention is typed); ``among``: a select of
    the user ids to search in (those taking part in a discussion)."""
    query = (
        sa.select(User)
        .join(City, User.city_id == City.id)
        .where(User.deleted_at.is_(None), User.suspended_at.is_(None), User.id != searcher.id)
    )
    for word in text.split()[:MAX_WORDS]:
        if by_handle:
            needle = "".join(ch for ch in word.lower() if ch not in _HANDLE_DROPS)
            query = query.where(_handle_column().contains(needle, autoescape=True))
        else:
            query = query.where(
                sa.or_(
                    User.stored_name.icontains(word, autoescape=True),
                    City.name.icontains(word, autoescape=True),
                )
            )
    if city_slug:
        query = query.where(City.slug == city_slug)
    if among is not None:
        query = query.where(User.id.in_(among))
    rows = list(
        db.session.scalars(
            query.order_by(sa.func.lower(User.stored_name), User.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return Found(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def members_by_ids(ids: Iterable[int]) -> list[User]:
    """The members with these ids who can still be chosen, in the order given."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    found = {
        u.id: u
        for u in db.session.scalars(
            sa.select(User).where(
                User.id.in_(wanted), User.deleted_at.is_(None), User.suspended_at.is_(None)
            )
        )
    }
    return [found[i] for i in wanted if i in found]


def as_json(found: Found) -> dict[str, Any]:
    """The pickers' answer: names and cities only."""
    return {
        "members": [
            {
                "id": m.id,
                "name": m.display_name,
                "mention": mention_handle(m.display_name),
                "city": {"slug": m.city.slug, "name": m.city.name},
            }
            for m in found.members
        ],
        "page": found.page,
        "has_more": found.has_more,
    }
