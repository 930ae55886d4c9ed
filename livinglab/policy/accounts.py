"""Accounts and roles, the administration area and what a city representative sees in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import REQUESTABLE_ROLES, Role
from livinglab.policy.core import (
    ALLOW,
    STAFF_ROLES,
    CityScope,
    Verdict,
    _admin_or_own_city,
    _conflict,
    _forbidden,
    _is_admin,
    _is_city_rep,
    _is_city_rep_of,
    _only_roles,
    members_only,
)

_ADMINS = (Role.admin,)


@members_only
def can_request_role(user: Any, role: Role) -> Verdict:
    if role not in REQUESTABLE_ROLES:
        return _forbidden(_l("This role cannot be requested."))
    if user.role == Role.admin:
        return _conflict(_l("Administrators already hold every right."))
    if user.role == role:
        return _conflict(_l("You already have this role."))
    return ALLOW


@members_only
def can_decide_role_request(user: Any, request: Any) -> Verdict:
    """Admins decide every request; a city_rep decides expert requests from their own city."""
    if request.user_id == user.id:
        return _forbidden(_l("Nobody decides their own role request."))
    if _is_admin(user):
        return ALLOW
    if request.role == Role.expert and _is_city_rep_of(user, {request.user.city_id}):
        return ALLOW
    return _forbidden(
        _l(
            "Only an administrator or a city representative of the member's city may decide this request."
        )
    )


@dataclass(frozen=True)
class RoleRequestScope:
    """The pending requests a viewer's queue lists: from members of ``cities``, asking for one
    of ``roles`` (``None``: any role). The same rule as :func:`can_decide_role_request`."""

    cities: CityScope
    roles: frozenset[Role] | None


def role_request_scope(user: Any) -> RoleRequestScope:
    if _is_admin(user):
        return RoleRequestScope(_admin_or_own_city(user), None)
    if _is_city_rep(user):
        return RoleRequestScope(_admin_or_own_city(user), frozenset({Role.expert}))
    return RoleRequestScope(CityScope(), frozenset())


def can_view_role_requests(user: Any) -> Verdict:
    return _only_roles(
        user,
        STAFF_ROLES,
        _forbidden(_l("Only administrators and city representatives decide role requests.")),
    )


# Changes to another member's account: administrators only, and never to their own account
# (an administrator who demoted or suspended themselves could leave the lab without one).
# Each change: (the refusal for other members, the refusal for one's own account).
_ACCOUNT_CHANGE_REFUSALS = {
    "role": (
        _forbidden(_l("Only an administrator may change roles.")),
        _forbidden(_l("You cannot change your own role.")),
    ),
    "suspension": (
        _forbidden(_l("Only an administrator may suspend or reactivate accounts.")),
        _forbidden(_l("You cannot suspend your own account.")),
    ),
}


def _change_to_account(user: Any, target: Any, change: str) -> Verdict:
    not_admin, own_account = _ACCOUNT_CHANGE_REFUSALS[change]
    if not _is_admin(user):
        return not_admin
    return own_account if target.id == user.id else ALLOW


@members_only
def can_set_role(user: Any, target: Any) -> Verdict:
    return _change_to_account(user, target, "role")


@members_only
def can_suspend(user: Any, target: Any) -> Verdict:
    return _change_to_account(user, target, "suspension")


def can_edit_partner(user: Any) -> Verdict:
    return _only_roles(user, _ADMINS, _forbidden(_l("Only an administrator may edit partners.")))


# --- The administration area --------------------------------------------------------------


def can_view_admin_area(user: Any) -> Verdict:
    return _only_roles(
        user,
        STAFF_ROLES,
        _forbidden(_l("Only administrators and city representatives may open this page.")),
    )


def can_oversee_all_cities(user: Any) -> Verdict:
    """Admins see the administration area for every city; a city representative sees it for
    their own city only (and the pages say so)."""
    return _only_roles(
        user, _ADMINS, _forbidden(_l("Only administrators oversee every partner city."))
    )


def member_scope(user: Any) -> CityScope:
    """Whose accounts a viewer lists in the administration area: admins every city's members,
    a city representative their own city's, anyone else nobody's."""
    return _admin_or_own_city(user)


def can_see_member_email(user: Any) -> Verdict:
    """Email addresses are personal data: only administrators read (and search) them."""
    return _only_roles(
        user, _ADMINS, _forbidden(_l("Only an administrator may read members' email addresses."))
    )


# --- The audit log ------------------------------------------------------------------------


def can_view_audit_log(user: Any) -> Verdict:
    """Admins read the whole log; a city representative reads their own city's entries."""
    return can_view_admin_area(user)


def audit_scope(user: Any) -> CityScope:
    """The cities whose audit entries a viewer reads (see :func:`can_view_audit_log`)."""
    return _admin_or_own_city(user)


def can_view_whole_audit_log(user: Any) -> bool:
    return audit_scope(user).everywhere


def can_export_audit_log(user: Any) -> Verdict:
    return _only_roles(
        user, _ADMINS, _forbidden(_l("Only an administrator may export the audit log."))
    )
