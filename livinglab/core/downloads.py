"""Tables that people download: CSV that a spreadsheet opens safely, and the open-data files
(CSV or JSON under the CC BY 4.0 licence). The faces hand over a heading row and the rows."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Response

from livinglab.text import spreadsheet_safe

OPEN_DATA_LICENCE = "CC BY 4.0"

Rows = Iterable[Sequence[Any]]


def csv_text(head: Sequence[str], rows: Rows) -> str:
    """The table as CSV, every cell made safe from being run as a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    writer.writerows([[spreadsheet_safe(v) for v in row] for row in rows])
    return out.getvalue()


def csv_download(head: Sequence[str], rows: Rows, filename: str) -> Response:
    """The table as a CSV file the browser saves as ``filename``."""
    return Response(
        csv_text(head, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def open_data(dataset: str, fmt: str, head: Sequence[str], rows: Rows) -> Response:
    """An open-data file: JSON (the rows as objects, with the licence) or CSV (``fmt``)."""
    if fmt == "json":
        items = [dict(zip(head, row, strict=True)) for row in rows]
        body = json.dumps(
            {"dataset": dataset, "licence": OPEN_DATA_LICENCE, "items": items}, ensure_ascii=False
        )
        return Response(body, mimetype="application/json")
    return csv_download(head, rows, f"{dataset}.csv")
