"""What each member receives by email, per category of notification.

Twenty kinds of notification are too many choices for a person, so they are chosen in the few
categories below. The defaults follow what the notification is about: things addressed to
the member (a decision on their idea or role, a reply, a mention, moderation of their
contribution) come at once; news of what they follow comes in a daily digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import User
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.mail.models import Delivery, MailPreference

# category -> (label, the kinds it holds, default)
CATEGORIES: dict[str, tuple[Any, tuple[str, ...], Delivery]] = {
    "account": (
        _l("Decisions on my role requests and my account"),
        ("role_granted", "role_refused", "role_changed"),
        Delivery.immediate,
    ),
    "ideas": (
        _l("My ideas: invitations, co-authors, reviews and decisions"),
        (
            "coauthor_invited",
            "coauthor_accepted",
            "coauthor_declined",
            "review_new",
            "idea_approved",
            "idea_rejected",
        ),
        Delivery.immediate,
    ),
    "replies": (
        _l("Replies to my comments and mentions"),
        ("comment_reply", "comment_mention"),
        Delivery.immediate,
    ),
    "moderation": (
        _l("Moderation of my contributions"),
        ("moderation_hidden", "moderation_restored", "moderation_flagged"),
        Delivery.immediate,
    ),
    "to_moderate": (
        _l("Content to moderate (moderators): items hidden by members' reports"),
        ("moderation_needed",),
        Delivery.immediate,
    ),
    "comments": (
        _l("New comments on what I follow or wrote"),
        ("comment_new",),
        Delivery.daily,
    ),
    "challenges": (
        _l("Challenges I follow: phase changes"),
        ("challenge_phase", "challenge_declined"),
        Delivery.daily,
    ),
    "pilots": (
        _l("Pilots I follow: news and replications"),
        ("pilot_updated", "pilot_replicated"),
        Delivery.daily,
    ),
    # Kinds added later by other domains land here until they are given a category.
    "other": (_l("Anything else"), (), Delivery.daily),
}

CATEGORY_OF = {kind: name for name, (_, kinds, _d) in CATEGORIES.items() for kind in kinds}

DELIVERY_LABELS = {
    Delivery.in_app: _l("On the platform only"),
    Delivery.immediate: _l("By email, at once"),
    Delivery.daily: _l("By email, in a daily digest"),
    Delivery.weekly: _l("By email, in a weekly digest"),
}


def add_category(name: str, label: Any, kinds: tuple[str, ...], delivery: Delivery) -> None:
    """A category a domain declares for its own kinds of notification (listed before "Anything
    else"); declaring it again replaces it."""
    other = CATEGORIES.pop("other")
    CATEGORIES.pop(name, None)
    CATEGORIES[name] = (label, kinds, delivery)
    CATEGORIES["other"] = other
    CATEGORY_OF.update(dict.fromkeys(kinds, name))


def category_of(kind: str) -> str:
    return CATEGORY_OF.get(kind, "other")


def default(category: str) -> Delivery:
    return CATEGORIES.get(category, CATEGORIES["other"])[2]


def choices_of(user_ids: Iterable[int], category: str) -> dict[int, Delivery]:
    """Each member's delivery for one category, defaults filled in (one query)."""
    ids = set(user_ids)
    stored = dict(
        db.session.execute(
            sa.select(MailPreference.user_id, MailPreference.delivery).where(
                MailPreference.category == category, MailPreference.user_id.in_(ids)
            )
        ).all()
    )
    return {user_id: stored.get(user_id, default(category)) for user_id in ids}


def all_choices(user_id: int) -> dict[str, Delivery]:
    stored = dict(
        db.session.execute(
            sa.select(MailPreference.category, MailPreference.delivery).where(
                MailPreference.user_id == user_id
            )
        ).all()
    )
    return {name: stored.get(name, default(name)) for name in CATEGORIES}


def set_choice(user_id: int, category: str, delivery: Delivery) -> None:
    """Stores one choice in the current transaction (the caller commits)."""
    row = db.session.get(MailPreference, (user_id, category))
    if row is None:
        db.session.add(MailPreference(user_id=user_id, category=category, delivery=delivery))
    else:
        row.delivery = delivery


def save(user: User, chosen: Mapping[str, str], time_zone: str) -> None:
    """Stores the member's choice per category and the time zone of their digests."""
    zone = time_zone.strip()
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            message = _l("Choose a time zone from the list.")
            raise Invalid(message, {"time_zone": message}) from None
    for category, value in chosen.items():
        try:
            delivery = Delivery(value)
        except ValueError:
            message = _l("Choose how you want to receive these.")
            raise Invalid(message, {f"category_{category}": message}) from None
        if category in CATEGORIES:
            set_choice(user.id, category, delivery)
    user.time_zone = zone[:64] or None
    db.session.commit()


# Unsubscribe links name a category, or one of these wider scopes.
DIGEST_SCOPE, ALL_SCOPE = "digest", "all"


def scope_label(scope: str) -> Any:
    if scope == DIGEST_SCOPE:
        return _l("Daily and weekly digests")
    if scope == ALL_SCOPE:
        return _l("All notification emails")
    return CATEGORIES.get(scope, CATEGORIES["other"])[0]


def unsubscribe(user_id: int, scope: str) -> None:
    """Turns email off for a category, for every digest, or for all (the caller commits).
    The notifications themselves still appear on the platform."""
    if db.session.get(User, user_id) is None:
        return  # an account deleted since: nothing is sent to it anyway
    current = all_choices(user_id)
    if scope == DIGEST_SCOPE:
        stopped = [name for name, d in current.items() if d in (Delivery.daily, Delivery.weekly)]
    elif scope == ALL_SCOPE:
        stopped = list(CATEGORIES)
    else:
        stopped = [scope if scope in CATEGORIES else "other"]
    for name in stopped:
        set_choice(user_id, name, Delivery.in_app)
