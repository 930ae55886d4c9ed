"""Public member profiles, the role-request queue, and what administrators do to accounts."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.accounts import directory, queries, services
from livinglab.accounts.forms import ReactivateForm, RoleDecisionForm, SetRoleForm, SuspendForm
from livinglab.accounts.labels import role_label
from livinglab.accounts.models import User
from livinglab.api.errors import error_response
from livinglab.errors import ServiceError
from livinglab.extensions import db, limiter
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


def _search_limit() -> str:
    return current_app.config.get("RATELIMIT_MEMBER_SEARCH", "60 per minute")


def _searcher_key() -> str:
    """Per member (a picker types fast; a scraper is one account), else per address."""
    if current_user.is_authenticated:
        return f"member-search:{current_user.id}"
    return f"member-search:{get_remote_address()}"


@bp.get("/members/search")
@limiter.limit(_search_limit, key_func=_searcher_key)
def search():
    """The co-author picker's search, as JSON: names and cities of members, never addresses."""
    if not policy.is_member(current_user):
        return error_response(401, policy.NOT_SIGNED_IN.reason)
    found = directory.search(
        current_user,
        request.args.get("q", "")[:80],
        city_slug=request.args.get("city", "")[:40],
        page=page_number(),
    )
    return jsonify(directory.as_json(found))


def _member_action[F: FlaskForm](
    form_class: type[F], form_name: str, check: Callable[[Any, User], Any], fallback_field: str
) -> Callable[[Callable[[User, F], str]], Callable[[int], Any]]:
    """Turns ``act(member, form)`` into the view of an action on a member's profile page: the
    member loaded, ``check`` enforced, the form validated; ``act`` calls the service and returns
    the message to flash. A refusal re-renders the page with the form under ``form_name``."""

    def decorate(act: Callable[[User, F], str]) -> Callable[[int], Any]:
        @functools.wraps(act)
        def view(user_id: int) -> Any:
            member = queries.load_member(user_id)
            enforce(check(current_user, member))
            form = form_class()
            if form.validate_on_submit():
                try:
                    done = act(member, form)
                except ServiceError as error:
                    show_service_error(form, error, fallback_field=fallback_field)
                    return _member_page(member, **{form_name: form}, status=error.status)
                flash(done, "success")
                return redirect(url_for("members.member", user_id=member.id))
            return _member_page(member, **{form_name: form}, status=400)

        return view

    return decorate


@bp.post("/members/<int:user_id>/suspend")
@login_required
@_member_action(SuspendForm, "suspend_form", policy.can_suspend, "reason")
def suspend(member: User, form: SuspendForm) -> str:
    services.suspend(current_user, member, form.reason.data)
    return _("%(name)s is suspended and signed out everywhere.", name=member.display_name)


@bp.post("/members/<int:user_id>/reactivate")
@login_required
@_member_action(ReactivateForm, "reactivate_form", policy.can_suspend, "reason")
def reactivate(member: User, form: ReactivateForm) -> str:
    services.reactivate(current_user, member, form.reason.data or "")
    return _("%(name)s can sign in again.", name=member.display_name)


@bp.post("/members/<int:user_id>/role")
@login_required
@_member_action(SetRoleForm, "role_form", policy.can_set_role, "role")
def set_role(member: User, form: SetRoleForm) -> str:
    services.set_role(current_user, member, form.role.data, form.reason.data or "")
    return _("The role of %(name)s is changed.", name=member.display_name)


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
