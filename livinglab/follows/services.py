from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from livinglab import content
from livinglab.extensions import db
from livinglab.follows.models import Follow


def add_follow(user_id: int, target_type: str, target_id: int) -> None:
    """Adds the follow to the current transaction (idempotent), for a receiver or a service
    that commits it together with the action that caused it."""
    assert target_type in content.FOLLOWABLE, target_type
    if not is_following(user_id, target_type, target_id):
        db.session.add(Follow(user_id=user_id, target_type=target_type, target_id=target_id))


def follow(user_id: int, target_type: str, target_id: int) -> None:
    """A member's own follow, one transaction. Idempotent: following twice leaves one row."""
    assert target_type in content.FOLLOWABLE, target_type
    if is_following(user_id, target_type, target_id):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Follow(user_id=user_id, target_type=target_type, target_id=target_id))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a double click raced us; the row is there


def unfollow(user_id: int, target_type: str, target_id: int) -> None:
    db.session.execute(
        sa.delete(Follow).where(
            Follow.user_id == user_id,
            Follow.target_type == target_type,
            Follow.target_id == target_id,
        )
    )
    db.session.commit()


def is_following(user_id: int | None, target_type: str, target_id: int) -> bool:
    if user_id is None:
        return False
    return (
        db.session.scalar(
            sa.select(Follow.id).where(
                Follow.user_id == user_id,
                Follow.target_type == target_type,
                Follow.target_id == target_id,
            )
        )
        is not None
    )


def follower_ids(target_type: str, target_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Follow.user_id).where(
                Follow.target_type == target_type, Follow.target_id == target_id
            )
        )
    )
