"""Serving stored uploads with headers that keep browsers from running or sniffing them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file, url_for
from flask_login import current_user

from livinglab import policy
from livinglab.extensions import db, login_manager
from livinglab.uploads.access import owners_of
from livinglab.uploads.models import Attachment
from livinglab.uploads.services import CONTENT_TYPES, file_path

bp = Blueprint("uploads", __name__)

SAFE_HEADERS = {
    # The stored content type is the one that was checked; browsers must not guess another.
    "X-Content-Type-Options": "nosniff",
    # Opened directly (not in an <img>), a file gets no scripts, no plugins, no same origin.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
}
# Files anyone may see: the browser may keep them a while, a shared cache never (once moderation
# hides the content, a proxy must not go on serving its files).
PUBLIC_CACHE = "private, max-age=3600"
# Files served only because of who asks (an author, a moderator): stored nowhere.
RESTRICTED_CACHE = "private, no-store"


@bp.app_template_global()
def attachment_url(attachment: Attachment, thumb: bool = False) -> str:
    """The address of a stored file (its name in the path, for "save as") or of its thumbnail."""
    if thumb:
        return url_for("uploads.thumbnail", attachment_id=attachment.id)
    return url_for("uploads.download", attachment_id=attachment.id, name=attachment.original_name)


@bp.get("/files/<int:attachment_id>/thumb")
def thumbnail(attachment_id: int) -> Response:
    return _serve(attachment_id, thumb=True)


@bp.get("/files/<int:attachment_id>/<path:name>")
def download(attachment_id: int, name: str) -> Response:
    # The name only makes the address readable; the id alone decides which file is served.
    return _serve(attachment_id, thumb=False)


def _serve(attachment_id: int, *, thumb: bool) -> Response:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    # A file is exactly as visible as the content showing it; refused like that content: 404.
    shown_on = owners_of(attachment.id)
    if not policy.can_view_upload(current_user, shown_on):
        abort(404)
    public = policy.can_view_upload(login_manager.anonymous_user(), shown_on)
    try:
        path = file_path(attachment, thumb=thumb)
        if thumb:
            response = send_file(path, mimetype=CONTENT_TYPES[path.suffix])
        else:
            response = send_file(
                path,
                mimetype=attachment.content_type,
                # Images show inline; a PDF is a download, never rendered on this origin.
                as_attachment=not attachment.is_image,
                download_name=attachment.original_name,
            )
    except FileNotFoundError:
        abort(404)
    response.headers.update(SAFE_HEADERS)
    response.headers["Cache-Control"] = PUBLIC_CACHE if public else RESTRICTED_CACHE
    return response
