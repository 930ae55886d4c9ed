from __future__ import annotations

from flask_babel import lazy_gettext as _l

PILOT_STATUS_LABELS = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "evaluating": _l("Evaluating"),
    "completed": _l("Completed"),
    "halted": _l("Halted"),
}


def pilot_status_label(status: str) -> str:
    return str(PILOT_STATUS_LABELS.get(str(status), status))
