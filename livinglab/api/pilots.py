"""Pilots over JSON: read, change status, milestones, updates, replications."""

from __future__ import annotations

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab import policy
from livinglab.api import bodies
from livinglab.api import schemas as out
from livinglab.api.core import BadInput, bp, listing, signed_in
from livinglab.api.schema import filters, operation, payload
from livinglab.api.schemas import pilot_json
from livinglab.errors import ServiceError, require
from livinglab.extensions import db
from livinglab.pilots import queries, services
from livinglab.pilots.models import Milestone, Pilot, PilotStatus


def _pilot(pilot_id: int) -> Pilot:
    return queries.load_pilot(pilot_id)


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
    page = db.paginate(query, page=page_no, per_page=per_page, error_out=False)
    return jsonify(listing(page, pilot_json))


@bp.get("/pilots/<int:pilot_id>")
@operation(_l("A pilot"), tag="pilots", out=out.Pilot)
def get_pilot(pilot_id: int) -> Response:
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.patch("/pilots/<int:pilot_id>")
@operation(
    _l("Change a pilot's status"), tag="pilots", out=out.Pilot, body=bodies.PilotEdit, secured=True
)
def update_pilot(pilot_id: int) -> Response:
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))  # who, before what was sent
    data = payload(bodies.PilotEdit)
    mapped = {
        f"lessons_{k}": v
        for k, v in (data.lessons or {}).items()
        if k in ("worked", "failed", "costs", "circular_value")
    }
    services.change_status(
        current_user, pilot, data.status, reason=data.reason or "", lessons=mapped
    )
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/milestones")
@operation(
    _l("Add a milestone"),
    tag="pilots",
    ok=201,
    out=out.Milestone,
    body=bodies.MilestoneInput,
    secured=True,
)
def add_milestone(pilot_id: int) -> Response:
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))
    data = payload(bodies.MilestoneInput)
    milestone = services.add_milestone(current_user, pilot, data.title, data.due_date)
    response = jsonify(out.Milestone.of(milestone, created=True).dump())
    response.status_code = 201
    return response


@bp.patch("/pilots/<int:pilot_id>/milestones/<int:milestone_id>")
@operation(
    _l("Mark a milestone done"),
    tag="pilots",
    out=out.Pilot,
    body=bodies.MilestoneDone,
    secured=True,
)
def complete_milestone(pilot_id: int, milestone_id: int) -> Response:
    signed_in()
    pilot = _pilot(pilot_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.pilot_id != pilot.id:
        raise ServiceError(_("This does not exist."), status=404)
    require(policy.can_manage_pilot(current_user, pilot))
    data = payload(bodies.MilestoneDone)
    services.complete_milestone(current_user, pilot, milestone, data.done_on, data.evidence, None)
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/updates")
@operation(
    _l("Post an update"),
    tag="pilots",
    ok=201,
    out=out.PilotUpdate,
    body=bodies.PilotUpdateInput,
    secured=True,
)
def post_update(pilot_id: int) -> Response:
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))
    update = services.post_update(current_user, pilot, payload(bodies.PilotUpdateInput).body, [])
    response = jsonify(
        out.PilotUpdate(
            id=update.id,
            pilot_id=pilot.id,
            body=update.body,
            created_at=update.created_at.isoformat(),
        ).dump()
    )
    response.status_code = 201
    return response


@bp.post("/pilots/<int:pilot_id>/replications")
@operation(
    _l("Replicate a pilot in one's city"),
    tag="pilots",
    ok=201,
    out=out.Pilot,
    body=bodies.Replication,
    secured=True,
)
def replicate(pilot_id: int) -> Response:
    signed_in()
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
    response = jsonify(pilot_json(_pilot(copy.id)))
    response.status_code = 201
    return response
