"""Who moderates a flagged item, kept beside its flags so that counting is one query.

A moderator's share of the open reports depends on each item's host cities, which only the
content registry can tell (a comment is moderated by the cities of what it discusses). The
moderators' queue asks the registry item by item; the navigation's count and the desk cannot
afford that on every page. So when a member flags something, the item's moderating cities,
its author and its title are copied here (replacing the previous copy), and the count joins
the open flags to these rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from livinglab.extensions import ModelBase

TITLE_MAX = 160


class FlagScope(ModelBase):
    """One moderating city of one flagged item (``city_id`` None: no host city, so only the
    administrators moderate it)."""

    __tablename__ = "flag_scope"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_type: Mapped[str] = mapped_column(sa.String(16))
    content_id: Mapped[int] = mapped_column()
    city_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("city.id", ondelete="CASCADE"), index=True
    )
    # Nobody moderates their own contribution: the count leaves the author's items out.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    # What the item is named after (a comment: what it discusses), for the desk's list.
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX), default="")

    __table_args__ = (sa.Index("ix_flag_scope_content", "content_type", "content_id"),)
