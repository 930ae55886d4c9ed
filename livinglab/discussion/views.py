"""The discussion without JavaScript: post, reply, edit, delete over plain forms; lazy replies."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.discussion import queries, services
from livinglab.discussion.forms import CommentForm, EditCommentForm
from livinglab.discussion.models import Comment
from livinglab.discussion.targets import readable, resolve
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.forms import show_service_error
from livinglab.web.helpers import enforce

bp = Blueprint("discussion", __name__)


def _comment_and_target(comment_id: int):
    comment = db.session.get(Comment, comment_id)
    target = resolve(comment.target_type, comment.target_id) if comment else None
    if target is None or not readable(current_user, target):
        abort(404)
    return comment, target


@bp.post("/comments")
@login_required
def create():
    form = CommentForm()
    target = resolve(form.target_type.data, form.target_id.data)
    if target is None or not readable(current_user, target):
        abort(404)
    if form.validate_on_submit():
        try:
            comment = services.post(
                current_user, target.type, target.id, form.body.data, form.parent_id.data
            )
        except ServiceError as error:
            if error.status in (401, 403, 404):
                raise  # not about the text: the app's error page (site/errors.py)
            show_service_error(form, error, fallback_field="body")
            return render_template("discussion/retry.html", form=form, target=target), error.status
        return redirect(f"{target.url}#comment-{comment.id}")
    # The text is kept: the member corrects it here instead of losing it.
    return render_template("discussion/retry.html", form=form, target=target), 400


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    """A comment with all its replies: the no-JavaScript way to read a branch of a thread."""
    comment, target = _comment_and_target(comment_id)
    top_id = comment.id
    while comment.parent_id is not None:  # at most two steps up: threads are three levels deep
        comment = db.session.get_one(Comment, comment.parent_id)
        top_id = comment.id
    top = queries.with_author(top_id)
    if top is None:  # deleted between the two reads
        abort(404)
    replies = queries.subtree(top)
    return render_template(
        "discussion/branch.html",
        top=top,
        replies=replies,
        target=target,
        form=queries.reply_form(current_user, target),
        focus=comment_id,
    )


@bp.get("/comments/<int:comment_id>/replies")
def replies(comment_id: int):
    """The replies under a top-level comment as an HTML fragment, loaded on demand."""
    comment, target = _comment_and_target(comment_id)
    return render_template(
        "discussion/_replies.html", replies=queries.subtree(comment), target=target
    )


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit(comment_id: int):
    comment, target = _comment_and_target(comment_id)
    enforce(policy.can_change_comment(current_user, comment))
    form = EditCommentForm()
    if form.validate_on_submit():
        try:
            services.edit(current_user, comment, form.body.data)
        except ServiceError as error:
            if error.status != 400:
                raise  # not about the text: the app's error page (site/errors.py)
            show_service_error(form, error, fallback_field="body")
        else:
            flash(_("Your comment is saved."), "success")
            return redirect(f"{target.url}#comment-{comment.id}")
    return render_template("discussion/edit.html", form=form, comment=comment, target=target), 400


@bp.get("/comments/<int:comment_id>/edit")
@login_required
def edit_form(comment_id: int):
    comment, target = _comment_and_target(comment_id)
    enforce(policy.can_change_comment(current_user, comment))
    form = EditCommentForm(formdata=None, body=comment.body)
    return render_template("discussion/edit.html", form=form, comment=comment, target=target)


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete(comment_id: int):
    comment, target = _comment_and_target(comment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.delete(current_user, comment)  # a refusal is the error page (site/errors.py)
    flash(_("Your comment is deleted; replies to it stay in place."), "info")
    return redirect(f"{target.url}#comment-{comment.id}")
