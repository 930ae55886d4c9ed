from __future__ import annotations

from flask_babel import lazy_gettext as _l

IDEA_STATUS_LABELS = {
    "submitted": _l("Submitted"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}


def idea_status_label(status: str) -> str:
    return str(IDEA_STATUS_LABELS.get(str(status), status))
