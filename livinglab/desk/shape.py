"""The one shape of every desk section, so that the whole desk is one query.

Every section answers with rows of one shape (:data:`COLUMNS`): the id its link needs
(``ref``), a title, up to two short texts, two numbers, a day and a moment, the row's rank and
the section's total. Each section keeps its first :data:`LIMIT` rows by rank; its total is
counted before that cut (``count(*) OVER ()``), so a section says "3 more" without a second
query. :mod:`livinglab.desk.queries` glues the sections a member gets with UNION ALL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from livinglab.database import UTCDateTime
from livinglab.policy import CityScope

LIMIT = 5  # rows shown per section; the rest is counted and linked

_TYPES: dict[str, Any] = {
    "ref": sa.Integer(),
    "title": sa.String(),
    "note": sa.String(),
    "detail": sa.String(),
    "number": sa.Integer(),
    "of": sa.Integer(),
    "day": sa.Date(),
    "at": UTCDateTime(),
}
COLUMNS = ("section", *_TYPES, "rank", "total")


def section(key: str, *, order_by: Any, **values: Any) -> sa.Select:
    """A section's SELECT list: every column of the shape, NULL (typed) where not given."""
    assert set(values) <= set(_TYPES), set(values) - set(_TYPES)
    columns: list[Any] = [sa.literal_column(f"'{key}'", sa.String()).label("section")]
    for name, type_ in _TYPES.items():
        value = values.get(name)
        # The value keeps its column (no CAST: SQLite would turn a date into a number);
        # a missing one is a typed NULL, which PostgreSQL's UNION needs.
        column = sa.cast(sa.null(), type_) if value is None else sa.type_coerce(value, type_)
        columns.append(column.label(name))
    order = order_by if isinstance(order_by, tuple) else (order_by,)
    columns.append(sa.func.row_number().over(order_by=order).label("rank"))
    columns.append(sa.func.count().over().label("total"))
    return sa.select(*columns)


def first_rows(section: sa.Select) -> sa.Select:
    """The section's first rows by rank (its total counted over all of them)."""
    inner = section.subquery()
    return sa.select(*(inner.c[name] for name in COLUMNS)).where(inner.c.rank <= LIMIT)


def in_scope(column: Any, scope: CityScope) -> Any:
    return sa.true() if scope.everywhere else column.in_(scope.city_ids)
