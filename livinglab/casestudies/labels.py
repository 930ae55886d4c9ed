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

# Per kind of model (the partners' first objective): its name, and what the three columns of
# its items mean.
MODELS = {
    "circular-business": (
        _l("Circular business model"),
        (_l("Revenue or reuse stream"), _l("How it works"), _l("Per year (€)")),
    ),
    "financing": (
        _l("Financing model"),
        (_l("Funding source"), _l("Kind (grant, loan, sponsorship…)"), _l("Amount (€)")),
    ),
    "governance": (_l("Governance model"), (_l("Partner"), _l("Role"), _l("Contribution (€)"))),
}
MODEL_LABELS = {kind: label for kind, (label, _columns) in MODELS.items()}
ITEM_COLUMNS = {kind: columns for kind, (_label, columns) in MODELS.items()}

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
