"""Counting rows per key in one query: the figures lists show beside each row (votes per
idea, ideas per challenge, members per city...)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from livinglab.extensions import db


def count_per(key: QueryableAttribute[Any], *where: sa.ColumnElement[bool]) -> dict[Any, int]:
    """How many of the rows matching ``where`` each value of ``key`` has. A value without any
    is left out (read it with ``.get(value, 0)``), and so are rows whose key is null."""
    rows = db.session.execute(sa.select(key, sa.func.count()).where(*where).group_by(key))
    return {value: n for value, n in rows if value is not None}
