"""Case studies (write, publish, adapt, link), the statistics dashboard and the reports.

A case study reads ``city_id``, ``author_id`` and ``status``. The dashboard is public (its
aggregates never reveal a cell below five people, see livinglab.stats.privacy); city
representatives and admins see more detail of their scope and make reports.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import Role
from livinglab.policy import core
from livinglab.policy.core import ALLOW, CityScope, Verdict, members_only
from livinglab.policy.verification import verified_only


def _is_author(user: Any, case: Any) -> bool:
    return core.is_member(user) and case.author_id is not None and case.author_id == user.id


def _manages(user: Any, case: Any) -> bool:
    """Its author, its city's representatives, admins."""
    return _is_author(user, case) or core._oversees(user, {case.city_id})


def _once_published(case: Any, refusal: Any) -> Verdict:
    """What only a published case study allows: 409 with ``refusal`` before."""
    return ALLOW if case.status == "published" else core._conflict(refusal)


def can_view_case_study(user: Any, case: Any) -> Verdict:
    """Published case studies are public; a draft is seen by its author, its city's
    representatives (who publish it) and admins."""
    if case.status == "published" or _manages(user, case):
        return ALLOW
    return Verdict(False, 404, _l("This case study does not exist or is not published."))


@members_only
@verified_only
def can_write_case_study(user: Any) -> Verdict:
    """Any member with a confirmed address writes a case study of their own city's practice
    (it notifies the city's representatives, and is read by all once published)."""
    return ALLOW


@members_only
def can_edit_case_study(user: Any, case: Any) -> Verdict:
    if _manages(user, case):
        return ALLOW
    return core._forbidden(
        _l("Only its author, its city's representatives and administrators edit a case study.")
    )


@members_only
def can_submit_case_study(user: Any, case: Any) -> Verdict:
    """Its author asks the city's representatives to publish a draft."""
    if not _manages(user, case):
        return core._forbidden(_l("Only its author asks for a case study to be published."))
    if case.status != "draft":
        return core._conflict(_l("This case study is no longer a draft."))
    return ALLOW


@members_only
def can_publish_case_study(user: Any, case: Any) -> Verdict:
    if not core._oversees(user, {case.city_id}):
        return core._forbidden(
            _l("Only a city representative of the case study's city publishes it.")
        )
    if case.status == "published":
        return core._conflict(_l("This case study is already published."))
    return ALLOW


def case_study_review_scope(user: Any) -> CityScope:
    """The cities whose unpublished case studies a viewer is asked to publish."""
    return core._admin_or_own_city(user)


@members_only
def can_adapt_case_study(user: Any, case: Any) -> Verdict:
    """A representative of another partner city turns it into a challenge of their city,
    as replication does for pilots."""
    if user.role != Role.city_rep:
        return core._forbidden(_l("Only a city representative adapts a case study in their city."))
    if user.city_id == case.city_id:
        return core._forbidden(_l("A case study is adapted in another partner city, not its own."))
    return _once_published(case, _l("Only a published case study can be adapted."))


@members_only
def can_link_case_study(user: Any, case: Any) -> Verdict:
    """ "This inspired…": its author, its city's representatives, the representatives of the
    city that was inspired, and admins say what a published case study inspired."""
    if not (_manages(user, case) or core._is_city_rep(user)):
        return core._forbidden(
            _l("Only its author and city representatives say what a case study inspired.")
        )
    return _once_published(
        case, _l("Only a published case study can be linked to what it inspired.")
    )


# --- Statistics and reports ---------------------------------------------------------------


def stats_scope(user: Any) -> CityScope:
    """Where a viewer sees the dashboard's detail (per challenge, per city's profile
    aggregates): admins everywhere, a city representative their own city."""
    return core._admin_or_own_city(user)


@members_only
def can_view_stats_detail(user: Any) -> Verdict:
    if stats_scope(user):
        return ALLOW
    return core._forbidden(_l("City representatives and administrators see the detailed figures."))


@members_only
def can_make_report(user: Any, city_id: int | None = None) -> Verdict:
    """Reports for a council or the funder: a city representative for their own city or for
    all cities together, an admin for any; ``city_id`` None means all cities."""
    if core._is_admin(user):
        return ALLOW
    if not core._is_city_rep(user):
        return core._forbidden(_l("City representatives and administrators make reports."))
    if city_id is not None and city_id != user.city_id:
        return core._forbidden(
            _l("A city representative reports on their own city or on all cities.")
        )
    return ALLOW
