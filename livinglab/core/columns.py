"""Column and relationship shapes the models repeat: a row that belongs to another one, and the
rows that belong to it.

A child row (a case study's theme, an idea's file link, an event's agenda item) goes with its
parent: its foreign key deletes it with the parent in the database, and the parent's
relationship writes and deletes it with the parent in the session, never loaded lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

if TYPE_CHECKING:
    from livinglab.uploads.models import Attachment


def parent_id(table: str, **options: Any) -> Any:
    """The id of the row this one belongs to (ON DELETE CASCADE); ``options`` as for
    ``mapped_column`` (``primary_key=True``, ``index=True``)."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), **options)


def owned(order_by: str) -> Any:
    """The rows that belong to this one, in ``order_by`` order: added, replaced and deleted
    with it (a list assigned whole drops the rows left out), never lazy-loaded."""
    return relationship(cascade="all, delete-orphan", lazy="raise", order_by=order_by)


class FileLink:
    """A stored file shown on one row (an idea, a case study), in order: the file belongs to that
    row alone, and deleting the file drops its link. The class adds its parent's key."""

    attachment_id: Mapped[int] = parent_id("attachment", primary_key=True, unique=True)
    position: Mapped[int] = mapped_column(default=0)

    @declared_attr
    def attachment(cls) -> Mapped[Attachment]:
        return relationship("Attachment", lazy="raise")
