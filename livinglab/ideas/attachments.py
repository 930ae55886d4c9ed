"""The files of an idea: at most five, stored by the uploads service, linked in order."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import lazy_ngettext
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from livinglab.challenges.models import Challenge
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.ideas.models import MAX_ATTACHMENTS, Idea, IdeaAttachment
from livinglab.uploads import services as uploads
from livinglab.uploads.access import shows_files
from livinglab.uploads.models import Attachment


def eager() -> tuple:
    return (selectinload(Idea.attachment_links).selectinload(IdeaAttachment.attachment),)


def of(idea: Idea) -> list[Attachment]:
    return [link.attachment for link in idea.attachment_links]


def count(idea: Idea) -> int:
    return len(idea.attachment_links)


def attach(idea: Idea, user, files: Sequence[FileStorage], *, existing: int) -> list[Attachment]:
    """Stores and links new files; the caller commits. Nothing is stored past the limit."""
    if existing + len(files) > MAX_ATTACHMENTS:
        message = lazy_ngettext(
            "An idea has at most %(num)d image or document.",
            "An idea has at most %(num)d images or documents.",
            MAX_ATTACHMENTS,
        )
        raise Invalid(message, {"attachments": message})
    stored: list[Attachment] = []
    try:
        for offset, file in enumerate(files):
            attachment = uploads.store_upload(file, user.id, field="attachments")
            stored.append(attachment)
            idea.attachment_links.append(
                IdeaAttachment(attachment=attachment, position=existing + offset)
            )
    except Invalid:
        delete_files(stored)  # files already written for this refused request
        raise
    return stored


def detach(idea: Idea, attachment_ids: Sequence[int]) -> list[Attachment]:
    """Unlinks the named files of this idea (others' ids are ignored); delete them after commit."""
    wanted = set(attachment_ids)
    removed = [link for link in idea.attachment_links if link.attachment_id in wanted]
    for link in removed:
        idea.attachment_links.remove(link)
    for link in removed:
        db.session.delete(link.attachment)
    return [link.attachment for link in removed]


def delete_files(attachments: Sequence[Attachment]) -> None:
    for attachment in attachments:
        uploads.delete_files(attachment)


@shows_files
def ideas_showing(attachment_id: int) -> list[Idea]:
    """The idea a file belongs to, loaded with what ``policy.can_view_idea`` reads: its
    challenge (phase, hosts, hidden) and its authors (who may still see it once hidden)."""
    return list(
        db.session.scalars(
            sa.select(Idea)
            .join(IdeaAttachment, IdeaAttachment.idea_id == Idea.id)
            .where(IdeaAttachment.attachment_id == attachment_id)
            .options(
                selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
                selectinload(Idea.coauthors),
            )
        )
    )
