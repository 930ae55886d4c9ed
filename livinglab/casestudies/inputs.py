"""What a case study is written with, and the checks every face's input goes through.

The HTML form and the API both build a :class:`CaseInput`; :func:`validated` reports every
wrong field at once (``Invalid`` with a message per field), so nothing is written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab.casestudies.models import MODEL_KINDS, SITE_TYPES
from livinglab.challenges.models import THEMES
from livinglab.core.inputs import required_texts
from livinglab.errors import Invalid
from livinglab.i18n import supported

REQUIRED = {"title": 160, "summary": 500, "problem": 20_000, "body": 20_000, "site_name": 160}
OPTIONAL = {
    "outcomes": 20_000,
    "lessons": 20_000,
    "contacts": 2000,
    "site_address": 300,
    "site_period": 120,
    "cost_notes": 5000,
}
MAX_ITEMS = 12  # per model
MAX_INDICATORS = 12
MAX_AMOUNT = 1e12


def _empty(*values: Any) -> bool:
    """Whether a line of the form was left empty: no text but spaces, no number."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


@dataclass
class ItemInput:
    label: str = ""
    detail: str = ""
    amount: Any = None

    @property
    def blank(self) -> bool:
        return _empty(self.label, self.detail, self.amount)


@dataclass
class ModelInput:
    kind: str = ""
    description: str = ""
    items: list[ItemInput] = field(default_factory=list)


@dataclass
class IndicatorInput:
    name: str = ""
    unit: str = ""
    before: Any = None
    after: Any = None

    @property
    def blank(self) -> bool:
        return _empty(self.name, self.unit, self.before, self.after)


@dataclass
class CaseInput:
    """A case study as sent (the form's text, the API's values), checked by :func:`validated`."""

    themes: list[str] = field(default_factory=list)
    title: str = ""
    summary: str = ""
    problem: str = ""
    body: str = ""
    outcomes: str = ""
    lessons: str = ""
    contacts: str = ""
    site_name: str = ""
    site_address: str = ""
    site_period: str = ""
    site_type: str = ""
    year_started: Any = None
    total_cost: Any = None
    cost_notes: str = ""
    models: list[ModelInput] = field(default_factory=list)
    indicators: list[IndicatorInput] = field(default_factory=list)
    language: str | None = None
    other_languages: list[str] = field(default_factory=list)


# The fields of a CaseInput that hold one value each (the others: lists of themes, languages,
# models and indicators).
SINGLE_FIELDS = (*REQUIRED, *OPTIONAL, "site_type", "year_started", "total_cost", "language")


def from_mapping(values: Mapping[str, Any]) -> CaseInput:
    """A CaseInput from plain data, as the API's body and the demo's file hold it: models as
    ``{kind, description, items: [{label, detail, amount}]}``, indicators as
    ``{name, unit, before, after}``; a field left out is empty."""
    data = CaseInput(**{name: values[name] for name in SINGLE_FIELDS if name in values})
    data.themes = list(values.get("themes") or [])
    data.other_languages = list(values.get("other_languages") or [])
    for model in values.get("models") or []:
        items = [ItemInput(**item) for item in model.get("items") or []]
        data.models.append(ModelInput(model["kind"], model["description"], items))
    data.indicators = [IndicatorInput(**row) for row in values.get("indicators") or []]
    return data


def stored_values(case: Any) -> dict[str, Any]:
    """A stored case study as the plain data :func:`from_mapping` reads (a PATCH changes it
    field by field)."""
    return {
        **{name: getattr(case, name) for name in SINGLE_FIELDS},
        "themes": case.themes,
        "other_languages": case.other_languages.split(),
        "models": [
            {"kind": m.kind, "description": m.description, "items": [_item(i) for i in m.items]}
            for m in case.models
        ],
        "indicators": [
            {"name": i.name, "unit": i.unit, "before": i.before, "after": i.after}
            for i in case.indicators
        ],
    }


def _item(item: Any) -> dict[str, Any]:
    return {"label": item.label, "detail": item.detail, "amount": item.amount}


@dataclass
class Checked:
    """The input once every field is known to be right."""

    text: dict[str, str]
    site_type: str
    year_started: int | None
    total_cost: float | None
    themes: list[str]
    models: list[tuple[str, str, list[tuple[str, str, float | None]]]]
    indicators: list[tuple[str, str, float | None, float | None]]
    language: str | None
    other_languages: str


def number(value: Any, name: str, errors: dict[str, object]) -> float | None:
    """A euro amount or a measurement: empty is None; "1 200,50" reads as 1200.5."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        parsed = math.nan
    elif isinstance(value, int | float):
        parsed = float(value)
    else:
        try:
            parsed = float(str(value).replace(" ", "").replace("\u202f", "").replace(",", "."))
        except ValueError:
            parsed = math.nan
    if not math.isfinite(parsed) or abs(parsed) > MAX_AMOUNT:
        errors[name] = _l("Enter a number, such as 12 or 3.5.")
        return None
    return parsed


def _too_long(limit: int) -> Any:
    return lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", limit)


def _short(value: Any, limit: int, name: str, errors: dict[str, object]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > limit:
        errors[name] = _too_long(limit)
    return text


def _models(data: CaseInput, errors: dict[str, object]) -> list:
    checked = []
    kinds = [m.kind for m in data.models]
    if not data.models:
        errors["models"] = _l(
            "Describe at least one model: circular business, financing or governance."
        )
    elif any(k not in MODEL_KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        errors["models"] = _l("Each model is circular business, financing or governance, once.")
    for model in data.models:
        prefix = f"model-{model.kind}"
        description = _short(model.description, 5000, f"{prefix}-description", errors)
        if not description:
            errors[f"{prefix}-description"] = _l("Describe how this model worked.")
        items = [item for item in model.items if not item.blank]
        if len(items) > MAX_ITEMS:
            errors[f"{prefix}-items"] = _l("At most 12 lines per model.")
        rows = []
        for n, item in enumerate(items[:MAX_ITEMS]):
            label = _short(item.label, 160, f"{prefix}-{n}-label", errors)
            if not label:
                errors[f"{prefix}-{n}-label"] = _l("Name it, or leave the whole line empty.")
            detail = _short(item.detail, 300, f"{prefix}-{n}-detail", errors)
            amount = number(item.amount, f"{prefix}-{n}-amount", errors)
            if amount is not None and amount < 0:
                errors[f"{prefix}-{n}-amount"] = _l("An amount cannot be negative.")
            rows.append((label, detail, amount))
        checked.append((model.kind, description, rows))
    return checked


def _indicators(data: CaseInput, errors: dict[str, object]) -> list:
    rows = [i for i in data.indicators if not i.blank]
    if len(rows) > MAX_INDICATORS:
        errors["indicators"] = _l("At most 12 indicators.")
    checked = []
    for n, row in enumerate(rows[:MAX_INDICATORS]):
        name = _short(row.name, 160, f"indicator-{n}-name", errors)
        unit = _short(row.unit, 40, f"indicator-{n}-unit", errors)
        if not name or not unit:
            errors[f"indicator-{n}-name"] = _l("Name the indicator and its unit.")
        before = number(row.before, f"indicator-{n}-before", errors)
        after = number(row.after, f"indicator-{n}-after", errors)
        checked.append((name, unit, before, after))
    return checked


def validated(data: CaseInput) -> Checked:
    errors: dict[str, object] = {}
    text = required_texts(data, REQUIRED, errors)
    for name, limit in OPTIONAL.items():
        text[name] = _short(getattr(data, name), limit, name, errors)
    if data.site_type not in SITE_TYPES:
        errors["site_type"] = _l("Choose the type of heritage site.")
    themes = sorted(set(data.themes))
    if not 1 <= len(themes) <= 3 or any(t not in THEMES for t in themes):
        errors["themes"] = _l("Choose one to three themes.")
    year = None
    if data.year_started not in (None, ""):
        try:
            year = int(str(data.year_started).strip())
        except ValueError:
            year = 0
        if not 1900 <= year <= date.today().year:
            errors["year_started"] = _l("Enter the year it started, from 1900 to this year.")
    cost = number(data.total_cost, "total_cost", errors)
    if cost is not None and cost < 0:
        errors["total_cost"] = _l("An amount cannot be negative.")
    if data.language is not None and not supported(data.language):
        errors["language"] = _l("Choose a language.")
    others = sorted(set(data.other_languages) - {data.language})
    if any(not supported(code) for code in others):
        errors["other_languages"] = _l("Choose languages of the platform.")
    models = _models(data, errors)
    indicators = _indicators(data, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    # In the order of Checked's fields.
    return Checked(
        text,
        data.site_type,
        year,
        cost,
        themes,
        models,
        indicators,
        data.language,
        " ".join(others),
    )
