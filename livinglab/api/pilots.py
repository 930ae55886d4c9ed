"""Pilots over JSON: read, change status, milestones, updates, replications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab import policy
from livinglab.api import bodies
from livinglab.api import schemas as out
from livinglab.api.core import BadInput, bp, created, listing, page_of
from livinglab.api.schema import filters, member_operation, operation, payload
from livinglab.api.schemas import pilot_json
from livinglab.errors import ServiceError, require
from livinglab.extensions import db
from livinglab.pilots import queries, services
from livinglab.pilots.models import Milestone, Pilot, PilotStatus


def _pilot(pilot_id: int) -> Pilot:
    return queries.load_pilot(pilot_id)


def _write(summary: Any, **options: Any) -> Callable:
    """Describes a change to a pilot: for signed-in members, under the tag "pilots"."""
    return member_operation(summary, tag="pilots", **options)


def _managed(pilot_id: int) -> Pilot:
    """The pilot, once the signed-in member is known to manage it (who, before what was sent)."""
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))
    return pilot


@bp.get("/pilots")
@operation(_l("Pilots"), tag="pilots", out=out.PilotPage, query=bodies.PilotFilters)
def list_pilots() -> Response:
    page_no, per_page, args = filters(bodies.PilotFilters)
    # The HTML list ignores an unknown status; the API says so.
    if args.status and args.status not in {s.value for s in PilotStatus}:
        raise BadInput(_("Please correct the marked fields."), {"status": _("Unknown status.")})
    query = queries.pilot_listing(
        status=args.status, city=args.city, language=args.language, newest_first=False
    )
    page = page_of(query, page_no, per_page)
    return jsonify(listing(page, pilot_json))


@bp.get("/pilots/<int:pilot_id>")
@operation(_l("A pilot"), tag="pilots", out=out.Pilot)
def get_pilot(pilot_id: int) -> Response:
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.patch("/pilots/<int:pilot_id>")
@_write(
    _l("Change a pilot's status: halt it (with a reason), resume it, or complete it"),
    out=out.Pilot,
    body=bodies.PilotEdit,
)
def update_pilot(pilot_id: int) -> Response:
    pilot = _managed(pilot_id)
    data = payload(bodies.PilotEdit)
    lessons = data.lessons.model_dump() if data.lessons else {}
    services.change_status(
        current_user, pilot, data.status, reason=data.reason or "", lessons=lessons
    )
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/milestones")
@_write(_l("Add a milestone"), ok=201, out=out.Milestone, body=bodies.MilestoneInput)
def add_milestone(pilot_id: int) -> Response:
    pilot = _managed(pilot_id)
    data = payload(bodies.MilestoneInput)
    milestone = services.add_milestone(current_user, pilot, data.title, data.due_date)
    return created(out.Milestone.of(milestone, created=True).dump())


@bp.patch("/pilots/<int:pilot_id>/milestones/<int:milestone_id>")
@_write(_l("Mark a milestone done"), out=out.Pilot, body=bodies.MilestoneDone)
def complete_milestone(pilot_id: int, milestone_id: int) -> Response:
    pilot = _pilot(pilot_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.pilot_id != pilot.id:
        raise ServiceError(_("This does not exist."), status=404)
    require(policy.can_manage_pilot(current_user, pilot))
    data = payload(bodies.MilestoneDone)
    services.complete_milestone(current_user, pilot, milestone, data.done_on, data.evidence, None)
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/updates")
@_write(_l("Post an update"), ok=201, out=out.PilotUpdate, body=bodies.PilotUpdateInput)
def post_update(pilot_id: int) -> Response:
    pilot = _managed(pilot_id)
    update = services.post_update(current_user, pilot, payload(bodies.PilotUpdateInput).body, [])
    answer = out.PilotUpdate(
        id=update.id, pilot_id=pilot.id, body=update.body, created_at=update.created_at.isoformat()
    )
    return created(answer.dump())


@bp.post("/pilots/<int:pilot_id>/replications")
@_write(_l("Replicate a pilot in one's city"), ok=201, out=out.Pilot, body=bodies.Replication)
def replicate(pilot_id: int) -> Response:
    pilot = _pilot(pilot_id)
    require(policy.can_replicate_pilot(current_user, pilot))
    wanted = payload(bodies.Replication).city
    city = getattr(current_user, "city", None)  # None: not a city representative
    if city is None or wanted != city.slug:
        verdict = policy.Verdict(
            False, 403, _("A city representative replicates into their own city only.")
        )
        raise ServiceError(verdict.reason, status=403)
    copy = services.replicate(current_user, pilot)
    return created(pilot_json(_pilot(copy.id)))
