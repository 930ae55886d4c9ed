"""Idea operations: submit, edit, withdraw, and the co-author invitations of a team."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.datastructures import FileStorage

from livinglab import events, policy
from livinglab.accounts.directory import members_by_ids
from livinglab.accounts.models import User
from livinglab.accounts.services import find_by_email
from livinglab.challenges.models import Challenge
from livinglab.core.counting import count_per
from livinglab.core.inputs import required_texts
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.i18n import content_language_for, supported
from livinglab.ideas import attachments
from livinglab.ideas.models import Coauthor, Idea, IdeaStatus, InvitationStatus

LIMITS = {"title": 160, "summary": 500, "body": 20_000}
MAX_TEAM = 8


@dataclass
class IdeaInput:
    title: str = ""
    summary: str = ""
    body: str = ""
    # A code of config.LANGUAGES; None: the author's default (submit) or unchanged (edit).
    language: str | None = None


def _validated(data: IdeaInput) -> dict[str, str]:
    errors: dict[str, object] = {}
    text = required_texts(data, LIMITS, errors)
    if data.language is not None and not supported(data.language):
        errors["language"] = _l("Choose a language.")
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    return text


def _chosen(inviter: User, ids: Sequence[int]) -> list[User]:
    """Members chosen in the co-author picker, by id; an unknown, suspended or deleted one, or
    the inviter themself, is reported at the field."""
    found = {member.id: member for member in members_by_ids(ids)}
    for ident in ids:
        if ident == inviter.id:
            message = _l("You are already an author of this idea: choose someone else.")
            raise Invalid(message, {"coauthors": message})
        if ident not in found:
            message = _l("This member cannot be found: choose one from the list.")
            raise Invalid(message, {"coauthors": message})
    return list(found.values())


def _invitees(
    inviter: User, emails: Sequence[str], already: set[int], ids: Sequence[int] = ()
) -> list[User]:
    """Members chosen by id (the HTML form) or named by address (the API); every unknown or
    impossible one is reported at the field."""
    members: list[User] = [m for m in _chosen(inviter, ids) if m.id not in already]
    for raw in emails:
        address = raw.strip()
        if not address:
            continue
        member = find_by_email(address)
        if member is None or member.is_suspended:
            message = _l("No member has the address %(email)s.", email=address)
            raise Invalid(message, {"coauthors": message})
        if member.id == inviter.id or member.id in already or member in members:
            continue
        members.append(member)
    if len(already) + len(members) > MAX_TEAM:
        message = lazy_ngettext(
            "A team has at most %(num)d co-author.",
            "A team has at most %(num)d co-authors.",
            MAX_TEAM,
        )
        raise Invalid(message, {"coauthors": message})
    return members


def _invite(idea: Idea, inviter: User, members: list[User]) -> None:
    for member in members:
        idea.coauthors.append(Coauthor(user_id=member.id, invited_by_id=inviter.id))
    if members:
        events.send(events.coauthors_invited, idea, inviter=inviter, members=members)  # notify


def submit(
    user: User,
    challenge: Challenge,
    data: IdeaInput,
    *,
    files: Sequence[FileStorage] = (),
    coauthor_emails: Sequence[str] = (),
    coauthor_ids: Sequence[int] = (),
) -> Idea:
    require(policy.can_submit_idea(user, challenge))
    text = _validated(data)
    members = _invitees(user, coauthor_emails, set(), coauthor_ids)
    idea = Idea(
        challenge_id=challenge.id,
        author_id=user.id,
        status=IdeaStatus.submitted,
        language=data.language or content_language_for(user),
        **text,
    )
    idea.coauthors = []
    idea.attachment_links = []
    db.session.add(idea)
    db.session.flush()
    attachments.attach(idea, user, files, existing=0)
    _invite(idea, user, members)
    events.send(events.idea_submitting, idea, actor=user)  # the author follows it
    events.commit()
    events.idea_submitted.send(idea)
    return idea


def edit(
    user: User,
    idea: Idea,
    data: IdeaInput,
    *,
    files: Sequence[FileStorage] = (),
    remove_attachment_ids: Sequence[int] = (),
    coauthor_emails: Sequence[str] = (),
    coauthor_ids: Sequence[int] = (),
) -> None:
    require(policy.can_edit_idea(user, idea))
    text = _validated(data)
    members = _invitees(
        user,
        coauthor_emails,
        {c.user_id for c in idea.coauthors} | idea.author_ids,
        coauthor_ids,
    )
    removed = attachments.detach(idea, remove_attachment_ids)
    attachments.attach(idea, user, files, existing=attachments.count(idea))
    idea.title, idea.summary, idea.body = text["title"], text["summary"], text["body"]
    if data.language is not None:
        idea.language = data.language
    idea.updated_at = utcnow()
    _invite(idea, user, members)
    events.commit()
    attachments.delete_files(removed)


def withdraw(user: User, idea: Idea) -> None:
    require(policy.can_withdraw_idea(user, idea))
    previous = idea.status
    idea.status = IdeaStatus.withdrawn
    idea.withdrawn_at = utcnow()
    events.send(events.idea_withdrawing, idea, actor=user, previous=previous)  # audit
    events.commit()
    events.idea_status_changed.send(idea, previous=previous)


def respond(user: User, idea: Idea, *, accept: bool) -> None:
    """An invited member joins the team or declines; either way the lead author is told."""
    invitation = next((c for c in idea.coauthors if c.user_id == user.id), None)
    if invitation is None:
        raise Invalid(_l("You were not invited to this idea."), status=404)
    if invitation.status != InvitationStatus.invited:
        raise Conflict(_l("You already answered this invitation."))
    if accept and idea.status == IdeaStatus.withdrawn:
        raise Conflict(_l("This idea has been withdrawn."))
    invitation.status = InvitationStatus.accepted if accept else InvitationStatus.declined
    invitation.responded_at = utcnow()
    # The lead author is told; a member who joins follows the idea.
    events.send(events.coauthor_answered, idea, member=user, accept=accept)
    events.commit()


def pending_invitation(user_id: int | None, idea: Idea) -> Coauthor | None:
    if user_id is None:
        return None
    return next(
        (
            c
            for c in idea.coauthors
            if c.user_id == user_id and c.status == InvitationStatus.invited
        ),
        None,
    )


def idea_count_by_challenge(challenge_ids: Sequence[int]) -> dict[int, int]:
    """Ideas per challenge (withdrawn ones excluded), counted in one query."""
    if not challenge_ids:
        return {}
    live = Idea.status != IdeaStatus.withdrawn
    return count_per(Idea.challenge_id, Idea.challenge_id.in_(challenge_ids), live)
