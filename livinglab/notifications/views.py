from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.notifications.models import Notification
from livinglab.notifications.services import (
    CHOOSABLE,
    mark_all_read,
    muted_kinds,
    push_unread_count,
    set_preferences,
    text_of,
)
from livinglab.web.helpers import page_number

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    query = (
        sa.select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
    )
    page = db.paginate(query, page=page_number(), per_page=25, error_out=False)
    return render_template("notifications/index.html", page=page, text_of=text_of)


@bp.post("/<int:note_id>/read")
@login_required
def read(note_id: int):
    note = db.session.get(Notification, note_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    if note.read_at is None:
        note.read_at = utcnow()
        db.session.commit()
        push_unread_count(current_user.id)
    if note.link and note.link.startswith("/") and not note.link.startswith("//"):
        return redirect(note.link)
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Each member chooses which kinds of notification they receive."""
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        set_preferences(current_user.id, request.form.getlist("kinds"))
        flash(_("Your notification choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    muted = muted_kinds(current_user.id)
    return render_template(
        "notifications/preferences.html", choosable=CHOOSABLE, muted=muted, form=FlaskForm()
    )


@bp.post("/read-all")
@login_required
def read_all():
    mark_all_read(current_user.id)
    push_unread_count(current_user.id)
    return redirect(url_for("notifications.index"))
