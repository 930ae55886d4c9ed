from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.core.labels import labeller

PILOT_STATUS_LABELS = {
    "planned": _l("Planned"),
    "running": _l("Running"),
    "evaluating": _l("Evaluating"),
    "completed": _l("Completed"),
    "halted": _l("Halted"),
}

pilot_status_label = labeller(PILOT_STATUS_LABELS)
