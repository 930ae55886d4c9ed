"""Whom to tell when something happens: one receiver per domain event.

Connected by :func:`connect_all` (the factory, in the order of livinglab.domains). The receivers run before the action's commit
(livinglab.events), so the notification rows commit with the action; the unread counts are
pushed to the members' open pages only after the commit (``events.on_commit``).

A notification keeps its link, so links are site paths built from the routes
(:func:`livinglab.core.links.path_for`): the same whether a page, a socket or a command acted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from livinglab import content, events
from livinglab.challenges.models import Phase
from livinglab.core.links import path_for
from livinglab.core.receivers import Receivers
from livinglab.follows.services import follower_ids
from livinglab.moderation.services import moderator_ids
from livinglab.notifications.services import (
    mark_group_read,
    notify,
    notify_many,
    push_unread_counts,
)

receivers = Receivers()
connect_all = receivers.connect_all


def _push_after_commit(user_ids: Iterable[int]) -> None:
    told = sorted(set(user_ids))
    if told:
        events.on_commit(lambda: push_unread_counts(told))


def _tell(user_id: int, kind: str, **params: Any) -> None:
    """One member, one notification, their unread count pushed after the commit."""
    notify(user_id, kind, **params)
    _push_after_commit([user_id])


def _tell_watchers(
    watched: tuple[str, Any],
    actor: Any,
    kind: str,
    link: str,
    group: str | None = None,
    **params: Any,
) -> None:
    """The followers of a piece of content (``watched``: its kind's name and the object) and
    those who answer for it (its authors, a pilot's team), but not whoever acted."""
    kind_name, obj = watched
    watched_kind = content.get(kind_name)
    assert watched_kind is not None, kind_name
    owners = watched_kind.owner_ids(obj)
    watchers = (follower_ids(kind_name, obj.id) | owners) - {actor.id}
    _push_after_commit(notify_many(watchers, kind, link, group, **params))


@receivers.on(events.challenge_phase_changing)
def _challenge_phase_changing(challenge: Any, *, actor: Any, previous: Any, reason: str) -> None:
    """Followers and the proposer, but not whoever changed it."""
    recipients = follower_ids("challenge", challenge.id) | (
        {challenge.proposer_id} if challenge.proposer_id else set()
    )
    recipients.discard(actor.id)
    if challenge.phase == Phase.declined:
        kind, params = "challenge_declined", {"reason": reason}
    else:
        kind, params = "challenge_phase", {"phase": challenge.phase.value}
    link = path_for("challenges.show", challenge_id=challenge.id)
    for user_id in recipients:
        notify(user_id, kind, link=link, title=challenge.title, **params)
    _push_after_commit(recipients)


@receivers.on(events.content_auto_hidden)
def _content_auto_hidden(obj: Any, *, content: Any, flags: int, city_id: int | None) -> None:
    """The author hears that members' reports hid it; each moderator of its host cities (and
    every administrator) that it waits for their decision, with a link to decide."""
    if content.author_id:
        _tell(content.author_id, "moderation_flagged", link=content.link, title=content.title)
    case = path_for("moderation.case", content_type=content.type, content_id=content.id)
    moderators = moderator_ids(content) - {content.author_id}
    told = notify_many(
        moderators, "moderation_needed", case, _case_group(content), title=content.title, num=flags
    )
    _push_after_commit(told)


def _case_group(content: Any) -> str:
    return f"flagged:{content.type}:{content.id}"


@receivers.on(events.content_decided)
def _content_decided(
    obj: Any, *, content: Any, actor: Any, hide: bool, reason: str, city_id: int | None
) -> None:
    """The author is always told why, whichever way the moderator decided; the other
    moderators' calls to judge it are settled (read), so no one opens a closed case."""
    if content.author_id:
        kind = "moderation_hidden" if hide else "moderation_restored"
        _tell(content.author_id, kind, link=content.link, title=content.title, reason=reason)
    _push_after_commit(mark_group_read("moderation_needed", _case_group(content)))


@receivers.on(events.role_request_decided)
def _role_request_decided(req: Any, *, actor: Any, member: Any, grant: bool, reason: str) -> None:
    kind = "role_granted" if grant else "role_refused"
    _tell(member.id, kind, link=path_for("accounts.profile"), role=req.role.value, reason=reason)


@receivers.on(events.role_changing)
def _role_changing(target: Any, *, actor: Any, previous: Any, reason: str, via: str) -> None:
    # An administrator made on the command line has nobody to hear it from.
    if actor is not None:
        role = target.role.value
        _tell(target.id, "role_changed", link=path_for("accounts.profile"), role=role)


@receivers.on(events.comment_posting)
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


@receivers.on(events.coauthors_invited)
def _coauthors_invited(idea: Any, *, inviter: Any, members: list[Any]) -> None:
    params = {"title": idea.title, "name": inviter.display_name}
    for member in members:
        _tell(member.id, "coauthor_invited", link=path_for("activity.index"), **params)


@receivers.on(events.coauthor_answered)
def _coauthor_answered(idea: Any, *, member: Any, accept: bool) -> None:
    if idea.author_id:
        kind = "coauthor_accepted" if accept else "coauthor_declined"
        link = path_for("ideas.show", idea_id=idea.id)
        _tell(idea.author_id, kind, link=link, title=idea.title, name=member.display_name)


@receivers.on(events.idea_decided)
def _idea_decided(idea: Any, *, actor: Any, city: Any, pilot: Any, reason: str) -> None:
    if pilot:
        kind, link = "idea_approved", path_for("pilots.show", pilot_id=pilot.id)
    else:
        kind, link = "idea_rejected", path_for("ideas.show", idea_id=idea.id)
    params = {"title": idea.title, "city": city.name, "reason": reason}
    _tell_watchers(("idea", idea), actor, kind, link, **params)


@receivers.on(events.pilot_changing)
def _pilot_changing(pilot: Any, *, actor: Any, what: str) -> None:
    link = path_for("pilots.show", pilot_id=pilot.id)
    params = {"title": pilot.title, "city": pilot.city.name}
    _tell_watchers(("pilot", pilot), actor, "pilot_updated", link, f"pilot:{pilot.id}", **params)


@receivers.on(events.pilot_replicated)
def _pilot_replicated(copy: Any, *, actor: Any, origin: Any) -> None:
    """The original's followers and team hear where it is tried again."""
    link = path_for("pilots.show", pilot_id=copy.id)
    params = {"title": origin.title, "city": actor.city.name}
    _tell_watchers(("pilot", origin), actor, "pilot_replicated", link, **params)


@receivers.on(events.review_created)
def _review_created(review: Any, *, actor: Any, idea: Any) -> None:
    link = path_for("ideas.show", idea_id=idea.id, anchor="reviews")
    params = {"name": actor.display_name, "title": idea.title}
    _tell_watchers(("idea", idea), actor, "review_new", link, **params)
