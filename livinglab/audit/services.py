from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from livinglab.audit.models import AuditEntry
from livinglab.database import utcnow
from livinglab.extensions import db

# Lets the demo replay a day at the hours it happened; real requests never set it.
replay_clock: ContextVar[datetime | None] = ContextVar("replay_clock", default=None)


def subject_type(model: type) -> str:
    """How the log names a kind of subject: its model's name (``Meeting`` is "meeting")."""
    return model.__name__.lower()


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
        created_at=replay_clock.get() or utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        subject_type=subject_type(type(subject)),
        subject_id=getattr(subject, "id", None),
        city_id=city_id,
        details=details,
    )
    db.session.add(entry)
    return entry
