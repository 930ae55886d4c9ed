"""An event's agenda, for its organisers: the sessions by day, and the form that adds or
changes one (its time, room, speakers — members chosen by name, or named guests — and the
challenges, ideas and pilots it is about). Everyone reads the agenda on the event's page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.meetings import queries, services
from livinglab.meetings.form_data import form_values, from_form, session_input
from livinglab.meetings.inputs import AgendaInput
from livinglab.meetings.pages import linkable_items, organiser_action, sessions_of
from livinglab.web.helpers import enforce

bp = Blueprint("meeting_agenda", __name__)

PAGE = "meetings/agenda.html"


def _page(
    meeting_id: int,
    errors: dict[str, dict[str, str]] | None = None,
    status: int = 200,
    item_id: int | None = None,
) -> tuple[str, int]:
    """The agenda with the session form: empty to add one, or filled to change ``item_id``;
    after invalid input, filled as typed with a message at each field."""
    meeting = queries.load_meeting(meeting_id)  # again: a refusal rolled the session back
    enforce(policy.can_manage_meeting(current_user, meeting))
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item_id is not None and item is None:
        abort(404)
    if errors:
        values: dict[str, Any] = form_values(from_form(AgendaInput, request.form))
    elif item is not None:
        values = form_values(session_input(meeting, item))
    else:
        values = {}
    return (
        render_template(
            PAGE,
            meeting=meeting,
            agenda_days=sessions_of(meeting, current_user),
            editing=item,
            values=values,
            errors=errors or {},
            speakers=queries.speaker_choices(),
            linkable=linkable_items(),
            form=FlaskForm(),
        ),
        status,
    )


def _back(meeting_id: int) -> str:
    return url_for(".agenda", meeting_id=meeting_id)


@bp.get("/events/<int:meeting_id>/agenda")
@login_required
def agenda(meeting_id: int):
    return _page(meeting_id)


def _act(meeting_id: int, action: Any, message: str, page: Any = _page):
    """An organiser's change to the agenda; back to the agenda, or its form with the errors."""
    return organiser_action(
        meeting_id, action, message, back=_back(meeting_id), form_key="agenda", page=page
    )


@bp.post("/events/<int:meeting_id>/agenda")
@login_required
def add_session(meeting_id: int):
    data = from_form(AgendaInput, request.form)
    return _act(
        meeting_id,
        lambda m: services.add_agenda_item(current_user, m, data),
        _("The session is added to the agenda."),
    )


@bp.route("/events/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(meeting_id: int, item_id: int):
    if request.method == "GET":
        return _page(meeting_id, item_id=item_id)
    data = from_form(AgendaInput, request.form)
    return _act(
        meeting_id,
        lambda m: services.edit_agenda_item(current_user, m, item_id, data),
        _("The session is saved."),
        page=lambda m, errors, status: _page(m, errors, status, item_id),
    )


@bp.post("/events/<int:meeting_id>/agenda/<int:item_id>/delete")
@login_required
def remove_session(meeting_id: int, item_id: int):
    return _act(
        meeting_id,
        lambda m: services.remove_agenda_item(current_user, m, item_id),
        _("The session is removed from the agenda."),
    )
