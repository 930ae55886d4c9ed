"""A comment as the socket events and the API carry it."""

from __future__ import annotations

from typing import Any

from livinglab.discussion.models import Comment
from livinglab.text import render_markdown


def serialize(comment: Comment, author: Any | None) -> dict[str, Any]:
    visible = comment.is_visible
    return {
        "id": comment.id,
        "room": comment.room,
        "target_type": comment.target_type,
        "target_id": comment.target_id,
        "parent_id": comment.parent_id,
        "depth": comment.depth,
        "author": None
        if author is None
        else {
            "id": author.id,
            "name": author.display_name,
            "city": author.city.name,
            "role": author.role.value,
        },
        "html": str(render_markdown(comment.body)) if visible else None,
        "language": comment.language,
        "created_at": comment.created_at.isoformat(),
        "edited": comment.edited_at is not None,
        "deleted": comment.deleted_at is not None,
        "hidden": comment.hidden_at is not None,
    }
