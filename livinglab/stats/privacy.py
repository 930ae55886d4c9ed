"""Small-cell suppression: no published figure about age band or gender counts fewer than
five people, and none can be worked out from the others.

Primary suppression: a count from 1 to 4 is shown as "<5" (a zero is shown: it says nothing
about anyone). Secondary suppression: the "all cities" total is published under the per-city
rows, so a column whose hidden cells could be worked out by subtraction gets more of them
hidden ("hidden"), smallest first, until they add up to at least 2K - 1 people: then a "<5"
cell could be any of 1 to 4, whatever an attacker knows of the others (each at least K). When
the column runs out of cells first, its total is hidden instead. Only aggregated counts reach
this module; no row about a person is ever loaded.

Counts are of the members' current answers, never of a period: two periods compared would
otherwise single out whoever joined between them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

K = 5
SUPPRESSED = "<5"  # fewer than K people
HIDDEN = "hidden"  # K or more, hidden so that a smaller cell cannot be worked out
PROTECTED = 2 * K - 1


@dataclass(frozen=True)
class Table:
    """Rows by columns of shown values (an int, "<5" or "hidden"), and each column's total."""

    rows: list[Hashable]
    columns: list[str]
    cells: dict[Hashable, dict[str, int | str]]
    totals: dict[str, int | str]

    def get(self, row: Hashable, column: str) -> int | str:
        return self.cells.get(row, {}).get(column, 0)


def shown(count: int) -> int | str:
    """Primary suppression of one count."""
    return SUPPRESSED if 0 < count < K else count


def suppress(counts: Mapping[Any, int], rows: Iterable[Hashable], columns: Iterable[str]) -> Table:
    """The table of ``counts`` ((row, column) -> people) safe to publish, with column totals."""
    rows, columns = list(rows), list(columns)
    raw = {r: {c: int(counts.get((r, c), 0)) for c in columns} for r in rows}
    cells: dict[Hashable, dict[str, int | str]] = {
        r: {c: shown(raw[r][c]) for c in columns} for r in rows
    }
    totals = {c: _protect(c, rows, raw, cells) for c in columns}
    return Table(rows, columns, cells, totals)


def _protect(
    column: str,
    rows: list[Hashable],
    raw: dict[Hashable, dict[str, int]],
    cells: dict[Hashable, dict[str, int | str]],
) -> int | str:
    """Hides more cells of the column until no "<5" can be worked out from its total (which
    is returned, itself hidden if the column runs out of cells first)."""
    total = shown(sum(raw[r][column] for r in rows))
    hidden = [r for r in rows if cells[r][column] == SUPPRESSED]
    if total == SUPPRESSED or not hidden:
        return total  # a hidden total, or nothing small: nothing to work out
    others = sorted(
        (r for r in rows if cells[r][column] != SUPPRESSED and raw[r][column] > 0),
        key=lambda r: raw[r][column],
    )

    def exposed() -> bool:
        people = sum(raw[r][column] for r in hidden)
        return people < PROTECTED or _column_reveals([cells[r][column] for r in rows], total)

    while exposed() and others:
        row = others.pop(0)
        cells[row][column] = HIDDEN
        hidden.append(row)
    return HIDDEN if exposed() else total


def _column_reveals(values: list[int | str], total: int | str | None) -> bool:
    """Whether a column states a count from 1 to 4, or lets one be worked out exactly from its
    total: each "<5" is 1 to 4, each "hidden" at least K, and they add up to what is left."""
    if any(isinstance(v, int) and 0 < v < K for v in [*values, total]):
        return True
    small = sum(1 for v in values if v == SUPPRESSED)
    hidden = sum(1 for v in values if v == HIDDEN)
    if not small or not isinstance(total, int):
        return False
    rest = total - sum(v for v in values if isinstance(v, int))
    if hidden:  # each hidden cell holds at least K people, any number more
        lowest, highest = 1, min(K - 1, rest - K * hidden - (small - 1))
    else:  # the small cells add up to exactly what is left
        lowest = max(1, rest - (K - 1) * (small - 1))
        highest = min(K - 1, rest - (small - 1))
    return lowest >= highest


def reveals_small_cell(table: Table) -> bool:
    """Whether any published column states or gives away a count from 1 to 4 (the check the
    tests run on what the faces publish)."""
    return any(
        _column_reveals([table.get(r, c) for r in table.rows], table.totals.get(c))
        for c in table.columns
    )
