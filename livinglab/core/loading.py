"""Loading rows by their ids in one query: what the content registry's loaders and the lists
that name their rows by id need (``{id: row}``, an id without a row left out)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm.interfaces import ORMOption

from livinglab.extensions import db


class Identified(Protocol):
    """A model whose primary key is one whole number, ``id``."""

    @property
    def id(self) -> int: ...


def by_ids[M: Identified](model: type[M], ids: Collection[int], *eager: ORMOption) -> dict[int, M]:
    """The rows of ``model`` with these ids, loaded with ``eager`` (what their readers need,
    so nothing is lazy-loaded afterwards); no query at all for no ids."""
    if not ids:
        return {}
    (key,) = sa.inspect(model).primary_key  # the id column
    query = sa.select(model).where(key.in_(ids)).options(*eager)
    return {row.id: row for row in db.session.scalars(query)}
