"""The documents (PDF) and images of a case study, stored by the uploads service, in order.

The HTML form and the API's file endpoint both come here. A refused file leaves nothing
behind: the files written for the same request are deleted before the refusal travels on,
and a removed file's bytes are deleted once its removal is committed.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from livinglab.casestudies.models import CaseAttachment, CaseStudy
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.uploads import services as uploads
from livinglab.uploads.models import Attachment

MAX_DOCUMENTS = 5
MAX_IMAGES = 8
NOT_PDF = _l("Documents must be PDF files.")
NOT_IMAGE = _l("Images must be PNG, JPEG or WebP files; add PDF documents as documents.")
# The form fields (and the API's multipart fields) files are sent in, and their limits.
FIELDS = {"documents": MAX_DOCUMENTS, "images": MAX_IMAGES}
Files = Sequence[FileStorage]
TOO_MANY = {
    "documents": _l("At most 5 documents per case study."),
    "images": _l("At most 8 images per case study."),
}


def _of_kind(files: Sequence[FileStorage], field: str) -> list[FileStorage]:
    """Refuses a document that is not a PDF (or an image field holding one) by its first
    bytes, before anything is stored; the uploads service checks the rest."""
    chosen = [f for f in files if f and f.filename]
    pdf = field == "documents"
    for upload in chosen:
        head = upload.stream.read(5)
        upload.stream.seek(0)
        if (head == b"%PDF-") != pdf:
            message = NOT_PDF if pdf else NOT_IMAGE
            raise Invalid(message, {field: message})
    return chosen


def store(
    user_id: int,
    case: CaseStudy,
    documents: Files = (),
    images: Files = (),
) -> list[Attachment]:
    """Checks every file, then stores and links them after the case study's own; the caller
    commits. Nothing is stored past a limit, and a refusal deletes what this call wrote."""
    sent = {"documents": _of_kind(documents, "documents"), "images": _of_kind(images, "images")}
    have = {"documents": len(case.documents), "images": len(case.images)} if case.id else {}
    for field, limit in FIELDS.items():
        if have.get(field, 0) + len(sent[field]) > limit:
            raise Invalid(TOO_MANY[field], {field: TOO_MANY[field]})
    stored: list[Attachment] = []
    position = len(case.attachment_links)
    try:
        for field, uploads_of_field in sent.items():
            for upload in uploads_of_field:
                attachment = uploads.store_upload(upload, user_id, field=field)
                stored.append(attachment)
                case.attachment_links.append(
                    CaseAttachment(attachment=attachment, position=position)
                )
                position += 1
    except Invalid:
        delete(stored)
        raise
    return stored


def detach(case: CaseStudy, attachment_ids: Collection[int]) -> list[Attachment]:
    """Unlinks and deletes the rows of the named files of this case study (others' ids are
    ignored); the caller commits, then deletes their bytes with :func:`delete`."""
    wanted = set(attachment_ids)
    kept = [link for link in case.attachment_links if link.attachment_id not in wanted]
    removed = [link.attachment for link in case.attachment_links if link not in kept]
    case.attachment_links = kept
    for attachment in removed:
        db.session.delete(attachment)
    return removed


def delete(attachments: Sequence[Attachment]) -> None:
    """Their stored bytes and thumbnails (after the commit that dropped their rows)."""
    for attachment in attachments:
        uploads.delete_files(attachment)
