"""Bar charts drawn on the server: the geometry here, the drawing in
``templates/stats/_charts.html``. Each bar is an HTML row (its label and total are text, read
at any screen size) around an SVG whose rectangles have the shares as widths: no script and no
style attribute, which the CSP forbids. A table of the same numbers follows each chart; a
withheld value ("<5", "hidden") is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SERIES = 6  # colours of static/css/knowledge.css (.bar rect.s0 ... .s5)


@dataclass
class Segment:
    x: float  # percent of the longest bar
    width: float
    value: int
    series: int  # the colour's index
    name: str


@dataclass
class Row:
    label: str
    total: int | str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class BarChart:
    rows: list[Row]
    series: list[str]  # names, for the legend


def bar_chart(rows: list[tuple[str, list[int | str]]], series: list[str]) -> BarChart:
    """``rows`` of (label, [value per series]), each bar as long as its total is."""
    totals = [sum(v for v in values if isinstance(v, int)) for _label, values in rows]
    top = max(totals, default=0) or 1
    drawn = []
    for (label, values), total in zip(rows, totals, strict=True):
        withheld = [v for v in values if not isinstance(v, int)]
        row = Row(label, str(withheld[0]) if withheld else total)
        x = 0.0
        for index, value in enumerate(values):
            if isinstance(value, int) and value > 0:
                width = 100 * value / top
                row.segments.append(
                    Segment(round(x, 2), round(width, 2), value, index % SERIES, series[index])
                )
                x += width
        drawn.append(row)
    return BarChart(drawn, series)
