"""Human names of themes and phases, translated when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.core.labels import labeller

THEME_LABELS = {
    "circular-business": _l("Circular business"),
    "financing": _l("Financing"),
    "governance": _l("Governance"),
    "conservation": _l("Conservation"),
    "sustainable-reuse": _l("Sustainable reuse"),
    "youth-engagement": _l("Youth engagement"),
}

PHASE_LABELS = {
    "proposed": _l("Proposed"),
    "open": _l("Open for ideas"),
    "voting": _l("Voting"),
    "selection": _l("Selection"),
    "closed": _l("Closed"),
    "declined": _l("Declined"),
}

theme_label = labeller(THEME_LABELS)
phase_label = labeller(PHASE_LABELS)
