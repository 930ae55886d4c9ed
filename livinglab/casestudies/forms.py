"""The case-study form: read from the posted fields into a CaseInput, and back for the page.

A case study has repeated lines (funding sources, partners, indicators) whose number varies;
they are plain numbered fields (``model-financing-0-label``) rather than WTForms field lists,
so the services' per-field messages (named the same way) land next to the right input.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from livinglab.casestudies.inputs import CaseInput, IndicatorInput, ItemInput, ModelInput
from livinglab.casestudies.models import MODEL_KINDS, CaseStudy

TEXT_FIELDS = (
    "title",
    "summary",
    "problem",
    "body",
    "outcomes",
    "lessons",
    "contacts",
    "site_name",
    "site_address",
    "site_period",
    "site_type",
    "year_started",
    "total_cost",
    "cost_notes",
    "language",
)
MIN_ROWS = 3
MAX_ROWS = 12


def _rows(form: MultiDict, prefix: str) -> int:
    """How many numbered lines the form sent for ``prefix`` (at most MAX_ROWS)."""
    count = 0
    while count < MAX_ROWS and any(
        f"{prefix}-{count}-{part}" in form for part in ("label", "name")
    ):
        count += 1
    return count


def case_input(form: MultiDict) -> CaseInput:
    data = CaseInput(**{name: form.get(name, "") for name in TEXT_FIELDS})
    data.language = form.get("language") or None
    data.themes = form.getlist("themes")
    data.other_languages = form.getlist("other_languages")
    for kind in MODEL_KINDS:
        prefix = f"model-{kind}"
        items = [
            ItemInput(
                form.get(f"{prefix}-{n}-label", ""),
                form.get(f"{prefix}-{n}-detail", ""),
                form.get(f"{prefix}-{n}-amount", ""),
            )
            for n in range(_rows(form, prefix))
        ]
        description = form.get(f"{prefix}-description", "")
        if description.strip() or any(not item.blank for item in items):
            data.models.append(ModelInput(kind, description, items))
    data.indicators = [
        IndicatorInput(
            form.get(f"indicator-{n}-name", ""),
            form.get(f"indicator-{n}-unit", ""),
            form.get(f"indicator-{n}-before", ""),
            form.get(f"indicator-{n}-after", ""),
        )
        for n in range(_rows(form, "indicator"))
    ]
    return data


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}" if abs(value) < 1e15 else str(value)


def values_of(case: CaseStudy) -> MultiDict:
    """The form's fields filled from a stored case study (the edit page's first display)."""
    values: MultiDict = MultiDict()
    for name in TEXT_FIELDS:
        value = getattr(case, name)
        values[name] = _number(value) if isinstance(value, float) else (value or "")
    values["year_started"] = str(case.year_started or "")
    values.setlist("themes", case.themes)
    values.setlist("other_languages", case.other_languages.split())
    for model in case.models:
        prefix = f"model-{model.kind}"
        values[f"{prefix}-description"] = model.description
        for n, item in enumerate(model.items):
            values[f"{prefix}-{n}-label"] = item.label
            values[f"{prefix}-{n}-detail"] = item.detail
            values[f"{prefix}-{n}-amount"] = _number(item.amount)
    for n, indicator in enumerate(case.indicators):
        values[f"indicator-{n}-name"] = indicator.name
        values[f"indicator-{n}-unit"] = indicator.unit
        values[f"indicator-{n}-before"] = _number(indicator.before)
        values[f"indicator-{n}-after"] = _number(indicator.after)
    return values


PARTS = ("label", "detail", "amount", "name", "unit", "before", "after")


def _filled(values: Any, prefix: str) -> int:
    """The number of the last line with anything in it, plus one."""
    last = 0
    for n in range(MAX_ROWS):
        if any((values.get(f"{prefix}-{n}-{part}") or "").strip() for part in PARTS):
            last = n + 1
    return last


def row_counts(values: Any) -> dict[str, int]:
    """Lines to show per group: those filled plus two empty ones, at least MIN_ROWS."""
    return {
        prefix: min(MAX_ROWS, max(MIN_ROWS, _filled(values, prefix) + 2))
        for prefix in [f"model-{k}" for k in MODEL_KINDS] + ["indicator"]
    }
