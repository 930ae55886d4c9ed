"""The navigation's counts on every page a member opens (the desk itself is the home page,
livinglab.web.site)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask_login import current_user

from livinglab.desk.queries import NavCounts, nav_counts

bp = Blueprint("desk", __name__)


@bp.app_context_processor
def _navigation_counts() -> dict[str, Any]:
    """The bell's unread count, the expert's review queue and the moderator's reports: one
    small query per page, made only when a page is rendered."""
    if current_user and current_user.is_authenticated:
        counts = nav_counts(current_user)
    else:
        counts = NavCounts()
    return {"nav_counts": counts, "unread_notifications": counts.unread}
