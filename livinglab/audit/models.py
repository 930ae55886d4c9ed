from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from livinglab.database import UTCDateTime, utcnow
from livinglab.extensions import ModelBase


class AuditEntry(ModelBase):
    """Who did what to which record, when. Never updated, never deleted."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    __table_args__ = (sa.Index("ix_audit_entry_action_created", "action", "created_at"),)

    actor = relationship("User", lazy="raise")
    city = relationship("City", lazy="raise")


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(_mapper: Any, _connection: Any, _target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly("audit entries are never changed or deleted")
