"""Human names of site types, models, statuses and links, translated when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SITE_TYPE_LABELS = {
    "building": _l("Building"),
    "archaeological-site": _l("Archaeological site"),
    "museum": _l("Museum"),
    "historic-centre": _l("Historic centre"),
    "landscape": _l("Cultural landscape"),
    "intangible": _l("Intangible heritage"),
    "collection": _l("Collection or archive"),
    "other": _l("Other"),
}

MODEL_LABELS = {
    "circular-business": _l("Circular business model"),
    "financing": _l("Financing model"),
    "governance": _l("Governance model"),
}

# What the three columns of a model's items mean, per kind of model.
ITEM_COLUMNS = {
    "financing": (_l("Funding source"), _l("Kind (grant, loan, sponsorship…)"), _l("Amount (€)")),
    "governance": (_l("Partner"), _l("Role"), _l("Contribution (€)")),
    "circular-business": (_l("Revenue or reuse stream"), _l("How it works"), _l("Per year (€)")),
}

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for publication"),
    "published": _l("Published"),
}

RELATION_LABELS = {"adapted": _l("Adapted as"), "inspired": _l("Inspired")}
TARGET_LABELS = {
    "challenge": _l("Challenge"),
    "pilot": _l("Pilot"),
    "case_study": _l("Case study"),
}


def site_type_label(value: str) -> str:
    return str(SITE_TYPE_LABELS.get(value, value))


def model_label(value: str) -> str:
    return str(MODEL_LABELS.get(value, value))


def case_status_label(value: str) -> str:
    return str(STATUS_LABELS.get(str(value), value))
