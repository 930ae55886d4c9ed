"""Whom to tell when something happens: one receiver per domain event.

Connected by :func:`connect_all` (the factory, in the order of livinglab.domains). The receivers run before the action's commit
(livinglab.events), so the notification rows commit with the action; the unread counts are
pushed to the members' open pages only after the commit (``events.on_commit``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from livinglab import events
from livinglab.challenges.models import Phase
from livinglab.follows.services import follower_ids
from livinglab.notifications.services import notify, notify_many, push_unread_counts


def _push_after_commit(user_ids: Iterable[int]) -> None:
    told = sorted(set(user_ids))
    if told:
        events.on_commit(lambda: push_unread_counts(told))


def _challenge_phase_changing(challenge: Any, *, actor: Any, previous: Any, reason: str) -> None:
    """Followers and the proposer, but not whoever changed it."""
    recipients = follower_ids("challenge", challenge.id) | (
        {challenge.proposer_id} if challenge.proposer_id else set()
    )
    recipients.discard(actor.id)
    link = f"/challenges/{challenge.id}"
    for user_id in recipients:
        if challenge.phase == Phase.declined:
            notify(user_id, "challenge_declined", link=link, title=challenge.title, reason=reason)
        else:
            notify(
                user_id,
                "challenge_phase",
                link=link,
                title=challenge.title,
                phase=challenge.phase.value,
            )
    _push_after_commit(recipients)


def _content_auto_hidden(obj: Any, *, content: Any, flags: int, city_id: int | None) -> None:
    if content.author_id:
        notify(content.author_id, "moderation_flagged", link=content.link, title=content.title)
        _push_after_commit([content.author_id])


def _content_decided(
    obj: Any, *, content: Any, actor: Any, hide: bool, reason: str, city_id: int | None
) -> None:
    """The author is always told why, whichever way the moderator decided."""
    if content.author_id:
        kind = "moderation_hidden" if hide else "moderation_restored"
        notify(content.author_id, kind, link=content.link, title=content.title, reason=reason)
        _push_after_commit([content.author_id])


def _tell(user_id: int, kind: str, **params: Any) -> None:
    """One member, one notification, their unread count pushed after the commit."""
    notify(user_id, kind, **params)
    _push_after_commit([user_id])


def _role_request_decided(req: Any, *, actor: Any, member: Any, grant: bool, reason: str) -> None:
    kind = "role_granted" if grant else "role_refused"
    _tell(member.id, kind, link="/profile", role=req.role.value, reason=reason)


def _role_changing(target: Any, *, actor: Any, previous: Any, reason: str, via: str) -> None:
    # An administrator made on the command line has nobody to hear it from.
    if actor is not None:
        _tell(target.id, "role_changed", link="/profile", role=target.role.value)


def _comment_posting(
    comment: Any, *, author: Any, target: Any, parent: Any, mentioned: set[int]
) -> None:
    """Each member hears of a comment once: as the one answered, else as mentioned, else as a
    follower or author of the discussion."""
    common = {"name": author.display_name, "title": target.title}
    link = f"{target.url}#comment-{comment.id}"
    told: set[int] = set()
    if parent and parent.author_id and parent.author_id != author.id:
        group = f"reply:{parent.id}"
        told |= set(notify_many([parent.author_id], "comment_reply", link, group, **common))
    told |= set(notify_many(mentioned - {author.id} - told, "comment_mention", link, **common))
    watchers = (follower_ids(target.type, target.id) | target.author_ids) - {author.id} - told
    group = f"comments:{target.room}"
    told |= set(notify_many(watchers, "comment_new", target.url, group, **common))
    _push_after_commit(told)


def _coauthors_invited(idea: Any, *, inviter: Any, members: list[Any]) -> None:
    for member in members:
        _tell(
            member.id,
            "coauthor_invited",
            link="/activity",
            title=idea.title,
            name=inviter.display_name,
        )


def _coauthor_answered(idea: Any, *, member: Any, accept: bool) -> None:
    if idea.author_id:
        _tell(
            idea.author_id,
            "coauthor_accepted" if accept else "coauthor_declined",
            link=f"/ideas/{idea.id}",
            title=idea.title,
            name=member.display_name,
        )


def _tell_watchers(
    target_type: str,
    target_id: int,
    team_ids: set[int],
    actor: Any,
    kind: str,
    link: str,
    group: str | None = None,
    **params: Any,
) -> None:
    """The followers of a piece of content and its authors or team, but not whoever acted."""
    watchers = (follower_ids(target_type, target_id) | team_ids) - {actor.id}
    _push_after_commit(notify_many(watchers, kind, link, group, **params))


def _idea_decided(idea: Any, *, actor: Any, city: Any, pilot: Any, reason: str) -> None:
    _tell_watchers(
        "idea",
        idea.id,
        idea.author_ids,
        actor,
        "idea_approved" if pilot else "idea_rejected",
        f"/pilots/{pilot.id}" if pilot else f"/ideas/{idea.id}",
        title=idea.title,
        city=city.name,
        reason=reason,
    )


def _pilot_changing(pilot: Any, *, actor: Any, what: str) -> None:
    _tell_watchers(
        "pilot",
        pilot.id,
        pilot.team_ids,
        actor,
        "pilot_updated",
        f"/pilots/{pilot.id}",
        f"pilot:{pilot.id}",
        title=pilot.title,
        city=pilot.city.name,
    )


def _pilot_replicated(copy: Any, *, actor: Any, origin: Any) -> None:
    _tell_watchers(
        "pilot",
        origin.id,
        origin.team_ids,
        actor,
        "pilot_replicated",
        f"/pilots/{copy.id}",
        title=origin.title,
        city=actor.city.name,
    )


def _review_created(review: Any, *, actor: Any, idea: Any) -> None:
    _tell_watchers(
        "idea",
        idea.id,
        idea.author_ids,
        actor,
        "review_new",
        f"/ideas/{idea.id}#reviews",
        name=actor.display_name,
        title=idea.title,
    )


RECEIVERS = (
    (events.challenge_phase_changing, _challenge_phase_changing),
    (events.content_auto_hidden, _content_auto_hidden),
    (events.content_decided, _content_decided),
    (events.role_request_decided, _role_request_decided),
    (events.role_changing, _role_changing),
    (events.comment_posting, _comment_posting),
    (events.coauthors_invited, _coauthors_invited),
    (events.coauthor_answered, _coauthor_answered),
    (events.idea_decided, _idea_decided),
    (events.pilot_changing, _pilot_changing),
    (events.pilot_replicated, _pilot_replicated),
    (events.review_created, _review_created),
)


def connect_all() -> None:
    """Idempotent (blinker keeps one connection per receiver)."""
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
