"""Public member profiles, the role-request queue, and what administrators do to accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.accounts import queries, services
from livinglab.accounts.forms import ReactivateForm, RoleDecisionForm, SetRoleForm, SuspendForm
from livinglab.accounts.labels import role_label
from livinglab.accounts.models import User
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.forms import show_service_error
from livinglab.web.helpers import enforce, page_number

bp = Blueprint("members", __name__)


def _member_page(
    member: User, *, suspend_form=None, reactivate_form=None, role_form=None, status=200
):
    proposed = queries.proposed_by(member)
    return (
        render_template(
            "accounts/member.html",
            member=member,
            proposed=proposed,
            may_suspend=policy.can_suspend(current_user, member),
            may_set_role=policy.can_set_role(current_user, member),
            suspend_form=suspend_form or SuspendForm(formdata=None),
            reactivate_form=reactivate_form or ReactivateForm(formdata=None),
            role_form=role_form or SetRoleForm(formdata=None, role=member.role.value),
        ),
        status,
    )


@bp.get("/members/<int:user_id>")
def member(user_id: int):
    return _member_page(queries.load_member(user_id))


def _act_on_member(
    user_id: int,
    check: Callable[[Any, User], Any],
    form: FlaskForm,
    form_name: str,
    fallback_field: str,
    act: Callable[[User], object],
    done: Callable[[User], str],
):
    """The shared flow of the administration forms on a member page: the policy check, then the
    service call; a refusal re-renders the page with the submitted form under ``form_name``."""
    member = queries.load_member(user_id)
    enforce(check(current_user, member))
    if form.validate_on_submit():
        try:
            act(member)
        except ServiceError as error:
            show_service_error(form, error, fallback_field=fallback_field)
            return _member_page(member, **{form_name: form}, status=error.status)
        flash(done(member), "success")
        return redirect(url_for("members.member", user_id=member.id))
    return _member_page(member, **{form_name: form}, status=400)


@bp.post("/members/<int:user_id>/suspend")
@login_required
def suspend(user_id: int):
    form = SuspendForm()
    return _act_on_member(
        user_id,
        policy.can_suspend,
        form,
        "suspend_form",
        "reason",
        lambda member: services.suspend(current_user, member, form.reason.data),
        lambda member: _(
            "%(name)s is suspended and signed out everywhere.", name=member.display_name
        ),
    )


@bp.post("/members/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    form = ReactivateForm()
    return _act_on_member(
        user_id,
        policy.can_suspend,
        form,
        "reactivate_form",
        "reason",
        lambda member: services.reactivate(current_user, member, form.reason.data or ""),
        lambda member: _("%(name)s can sign in again.", name=member.display_name),
    )


@bp.post("/members/<int:user_id>/role")
@login_required
def set_role(user_id: int):
    form = SetRoleForm()
    return _act_on_member(
        user_id,
        policy.can_set_role,
        form,
        "role_form",
        "role",
        lambda member: services.set_role(
            current_user, member, form.role.data, form.reason.data or ""
        ),
        lambda member: _("The role of %(name)s is changed.", name=member.display_name),
    )


@bp.get("/role-requests")
@login_required
def role_requests():
    enforce(policy.can_view_role_requests(current_user))
    page = db.paginate(
        queries.decidable_requests(current_user), page=page_number(), per_page=20, error_out=False
    )
    return render_template(
        "accounts/role_requests.html", page=page, form=RoleDecisionForm(formdata=None)
    )


@bp.post("/role-requests/<int:request_id>/<any(grant, refuse):decision>")
@login_required
def decide(request_id: int, decision: str):
    req = queries.load_role_request(request_id)
    enforce(policy.can_decide_role_request(current_user, req))
    form = RoleDecisionForm()
    name, role = req.user.display_name, req.role  # read before the commit expires them
    if form.validate_on_submit():
        try:
            services.decide_role_request(
                current_user, req, grant=decision == "grant", reason=form.reason.data or ""
            )
        except ServiceError as error:
            page = db.paginate(
                queries.decidable_requests(current_user), page=1, per_page=20, error_out=False
            )
            return (
                render_template(
                    "accounts/role_requests.html",
                    page=page,
                    form=form,
                    failed_id=req.id,
                    failure=str(error.message),
                ),
                error.status,
            )
        if decision == "grant":
            flash(
                _(
                    "%(name)s is now “%(role)s”.",
                    name=name,
                    role=role_label(role),
                ),
                "success",
            )
        else:
            flash(_("The request of %(name)s is refused.", name=name), "success")
        return redirect(url_for("members.role_requests"))
    flash(_("Keep the reason under 500 characters."), "error")
    return redirect(url_for("members.role_requests"))
