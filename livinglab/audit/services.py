from __future__ import annotations

from typing import Any

from livinglab.audit.models import AuditEntry
from livinglab.extensions import db


def record(
    actor: Any,
    action: str,
    subject: Any,
    *,
    city_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry to the current transaction; it commits with the change it records."""
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=type(subject).__name__.lower(),
        subject_id=getattr(subject, "id", None),
        city_id=city_id,
        details=details,
    )
    db.session.add(entry)
    return entry
