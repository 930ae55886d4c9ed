"""What follows a pilot action of the pilots' own events, in the action's transaction: the
audit row of a corrected or deleted measurement, with what it said before and after.

The audit log's table of action names is extended here (as the case studies do).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.audit.labels import ACTION_LABELS
from livinglab.audit.services import record
from livinglab.core.receivers import Receivers
from livinglab.pilots import signals

AUDIT_LABELS = {
    "indicator.value_corrected": _l("Indicator value corrected"),
    "indicator.value_deleted": _l("Indicator value deleted"),
}

receivers = Receivers()


def _said(changes: dict[str, list[Any]], deleted: bool) -> dict[str, str]:
    """Each changed field as the log shows it: "old → new", or what a deleted one said."""
    if deleted:
        return {field: str(old) for field, (old, _new) in changes.items()}
    return {field: f"{old} → {new}" for field, (old, new) in changes.items()}


@receivers.on(signals.measurement_changing)
def _measurement_changing(
    row: Any, *, actor: Any, pilot: Any, indicator: Any, changes: dict[str, list[Any]]
) -> None:
    deleted = all(new is None for _old, new in changes.values())
    action = "indicator.value_deleted" if deleted else "indicator.value_corrected"
    # The pilot is the subject: its page is where the log's reader checks the numbers.
    details = {"indicator": indicator.name, "indicator_id": indicator.id, "value_id": row.id}
    record(actor, action, pilot, city_id=pilot.city_id, **details, **_said(changes, deleted))


def connect_all() -> None:
    receivers.connect_all()
    ACTION_LABELS.update(AUDIT_LABELS)
