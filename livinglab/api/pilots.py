"""Pilots over JSON: read, change status, milestones, updates, replications."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.api.core import BadInput, api_errors, body, bp, field, listing, paging, signed_in
from livinglab.api.schemas import pilot_json
from livinglab.cities.models import City
from livinglab.errors import ServiceError, require
from livinglab.extensions import db
from livinglab.i18n import supported
from livinglab.ideas.models import Idea
from livinglab.pilots import services
from livinglab.pilots.models import Milestone, Pilot, PilotStatus


def _pilot(pilot_id: int) -> Pilot:
    pilot = services.load(pilot_id)
    if pilot is None:
        raise ServiceError(_("This does not exist."), status=404)
    return pilot


@bp.get("/pilots")
@api_errors
def list_pilots():
    page_no, per_page = paging()
    query = sa.select(Pilot).options(
        selectinload(Pilot.city),
        selectinload(Pilot.milestones),
        selectinload(Pilot.idea).selectinload(Idea.coauthors),
    )
    status = request.args.get("status", "")
    if status:
        if status not in {s.value for s in PilotStatus}:
            raise BadInput(_("Please correct the marked fields."), {"status": _("Unknown status.")})
        query = query.where(Pilot.status == PilotStatus(status))
    city = request.args.get("city", "")
    if city:
        query = query.where(
            Pilot.city_id == sa.select(City.id).where(City.slug == city).scalar_subquery()
        )
    language = request.args.get("language", "")
    if supported(language):  # an unknown code filters nothing
        query = query.where(Pilot.language == language)
    page = db.paginate(query.order_by(Pilot.id), page=page_no, per_page=per_page, error_out=False)
    return jsonify(listing(page, pilot_json))


@bp.get("/pilots/<int:pilot_id>")
@api_errors
def get_pilot(pilot_id: int):
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.patch("/pilots/<int:pilot_id>")
@api_errors
def update_pilot(pilot_id: int):
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))  # who, before what was sent
    data = body({"status", "reason", "lessons"}, {"status"})
    lessons = field(data, "lessons", dict) or {}
    wrong = {f"lessons.{k}": _("Wrong type.") for k, v in lessons.items() if not isinstance(v, str)}
    if wrong:
        raise BadInput(_("Please correct the marked fields."), wrong)
    mapped = {
        f"lessons_{k}": v
        for k, v in lessons.items()
        if k in ("worked", "failed", "costs", "circular_value")
    }
    services.change_status(
        current_user,
        pilot,
        field(data, "status", str, True),
        reason=field(data, "reason", str) or "",
        lessons=mapped,
    )
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/milestones")
@api_errors
def add_milestone(pilot_id: int):
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))
    data = body({"title", "due_date"}, {"title"})
    milestone = services.add_milestone(
        current_user, pilot, field(data, "title", str, True), field(data, "due_date", str)
    )
    response = jsonify(
        {
            "id": milestone.id,
            "title": milestone.title,
            "due_date": milestone.due_date.isoformat() if milestone.due_date else None,
        }
    )
    response.status_code = 201
    return response


@bp.patch("/pilots/<int:pilot_id>/milestones/<int:milestone_id>")
@api_errors
def complete_milestone(pilot_id: int, milestone_id: int):
    signed_in()
    pilot = _pilot(pilot_id)
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.pilot_id != pilot.id:
        raise ServiceError(_("This does not exist."), status=404)
    require(policy.can_manage_pilot(current_user, pilot))
    data = body({"done_on", "evidence"}, {"done_on", "evidence"})
    services.complete_milestone(
        current_user,
        pilot,
        milestone,
        field(data, "done_on", str, True),
        field(data, "evidence", str, True),
        None,
    )
    return jsonify(pilot_json(_pilot(pilot_id)))


@bp.post("/pilots/<int:pilot_id>/updates")
@api_errors
def post_update(pilot_id: int):
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_manage_pilot(current_user, pilot))
    data = body({"body"}, {"body"})
    update = services.post_update(current_user, pilot, field(data, "body", str, True), [])
    response = jsonify(
        {
            "id": update.id,
            "pilot_id": pilot.id,
            "body": update.body,
            "created_at": update.created_at.isoformat(),
        }
    )
    response.status_code = 201
    return response


@bp.post("/pilots/<int:pilot_id>/replications")
@api_errors
def replicate(pilot_id: int):
    signed_in()
    pilot = _pilot(pilot_id)
    require(policy.can_replicate_pilot(current_user, pilot))
    data = body({"city"}, {"city"})
    if field(data, "city", str, True) != getattr(current_user, "city", None).slug:
        verdict = policy.Verdict(
            False, 403, _("A city representative replicates into their own city only.")
        )
        raise ServiceError(verdict.reason, status=403)
    copy = services.replicate(current_user, pilot)
    response = jsonify(pilot_json(_pilot(copy.id)))
    response.status_code = 201
    return response
