from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.core.labels import labeller

IDEA_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}

idea_status_label = labeller(IDEA_STATUS_LABELS)
