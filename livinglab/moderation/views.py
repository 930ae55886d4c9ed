"""Flagging by members; the moderators' queue, one reported item's page, and their decisions."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.errors import Invalid
from livinglab.moderation import services
from livinglab.moderation.models import FLAGS_TO_HIDE
from livinglab.web.helpers import enforce, on_refusal_redirect, on_refusal_render, safe_next

bp = Blueprint("moderation", __name__)


def _content_or_404(content_type: str, content_id: int) -> services.Content:
    content = services.load_content(content_type, content_id)
    if content is None:
        abort(404)
    return content


@bp.post("/flags/<content_type>/<int:content_id>")
@login_required
def flag(content_type: str, content_id: int):
    content = _content_or_404(content_type, content_id)
    enforce(policy.can_flag(current_user, content))
    if not FlaskForm().validate_on_submit():
        abort(400)
    # Flagged already, or no reason: back where the member was, with why (303).
    back = on_refusal_redirect(safe_next(content.link))
    hid = services.flag(current_user, content, request.form.get("reason", ""))
    if hid:
        flash(_("Thank you. It is hidden until a moderator decides."), "success")
    else:
        flash(_("Thank you for the report; the moderators will look at it."), "success")
    return redirect(back)


def _queue_page(failed: services.Content | None = None, error: str = "", status: int = 200):
    """The queue; after a refused decision, the message at that item's reason field."""
    return render_template(
        "moderation/queue.html",
        items=services.queue_for(current_user),
        form=FlaskForm(),
        failed=(failed.type, failed.id) if failed else None,
        error=error,
        typed=request.form.get("reason", "") if failed else "",
    ), status


def _case_page(content: services.Content, error: str = "", status: int = 200):
    return render_template(
        "moderation/case.html",
        content=content,
        reports=services.open_flags_of(content),
        hidden_by_reports=FLAGS_TO_HIDE,
        form=FlaskForm(),
        error=error,
        typed=request.form.get("reason", "") if error else "",
    ), status


@bp.get("/moderation")
@login_required
def queue():
    enforce(policy.can_view_admin_area(current_user))
    return _queue_page()


@bp.get("/moderation/<content_type>/<int:content_id>")
@login_required
def case(content_type: str, content_id: int):
    """One reported item: what it says, why members reported it, and the decision."""
    content = _content_or_404(content_type, content_id)
    enforce(policy.can_moderate(current_user, content))
    return _case_page(content)


@bp.post("/moderation/<content_type>/<int:content_id>/<any(hide, restore):decision>")
@login_required
def decide(content_type: str, content_id: int, decision: str):
    content = _content_or_404(content_type, content_id)
    enforce(policy.can_moderate(current_user, content))
    if not FlaskForm().validate_on_submit():
        abort(400)
    from_case = request.form.get("from") == "case"
    on_refusal_render(lambda: _case_page(content) if from_case else _queue_page())
    try:
        services.decide(
            current_user, content, hide=decision == "hide", reason=request.form.get("reason", "")
        )
    except Invalid as error:  # no reason, or too long: said at the field, what was typed kept
        message = str(error.fields.get("reason", error.message))
        if from_case:
            return _case_page(content, message, 400)
        return _queue_page(content, message, 400)
    flash(_("Done: the author is told what you decided and why."), "success")
    return redirect(safe_next(url_for("moderation.queue")))
