"""What an event's page shows, for the faces that render it (the page itself, and the forms
that send the member back to it with their errors), what the forms offer to link, and how an
organiser's form is answered. Not a face: it registers no route."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm

from livinglab import content, policy
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge
from livinglab.database import utcnow
from livinglab.discussion.queries import thread_context
from livinglab.discussion.targets import target_of
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.follows.services import is_following
from livinglab.ideas.models import Idea
from livinglab.meetings import figures, queries
from livinglab.meetings.kinds import KIND_NAME
from livinglab.meetings.models import Meeting, RegistrationStatus
from livinglab.pilots.models import Pilot
from livinglab.web.helpers import enforce, on_refusal_redirect

SHOW = "meetings/show.html"
# What an organiser's form page renders again with its errors: (event id, errors, status).
ErrorPage = Callable[[int, dict[str, dict[str, str]], int], ResponseReturnValue]


def agenda_by_day(meeting: Meeting) -> list[tuple[Any, list[Any]]]:
    """The sessions grouped by their local day, in order."""
    days: OrderedDict[Any, list[Any]] = OrderedDict()
    for item in meeting.agenda:
        days.setdefault(item.starts_at.astimezone(meeting.zone).date(), []).append(item)
    return list(days.items())


def sessions_of(meeting: Meeting, reader: Any) -> list[tuple[Any, list[dict[str, Any]]]]:
    """The agenda by local day: each session with the items it is about that this reader
    may see (loaded once for the whole agenda)."""
    linked = queries.linked_items(meeting, reader, sessions=True)
    return [
        (
            day,
            [
                {"item": item, "links": [x for x in linked if x["link"].session_id == item.id]}
                for item in items
            ],
        )
        for day, items in agenda_by_day(meeting)
    ]


def show_context(
    meeting: Meeting, errors: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    user = current_user._get_current_object()
    user_id = user.id if user.is_authenticated else None
    mine = queries.registration_of(meeting.id, user_id)
    if mine is not None and not mine.is_active:
        mine = None
    organiser = bool(policy.can_manage_meeting(user, meeting))
    now = utcnow()
    return {
        "meeting": meeting,
        "now": now,
        "agenda_days": sessions_of(meeting, user),
        "advances": queries.linked_items(meeting, user, role="advances"),
        "outcomes": queries.linked_items(meeting, user, role="outcome"),
        "mine": mine,
        "waiting_position": (
            queries.waiting_position(mine)
            if mine is not None and mine.status == RegistrationStatus.waitlisted
            else None
        ),
        "counts": queries.seat_counts(meeting.id),
        "may_register": policy.can_register_for_meeting(user, meeting),
        "online_link": policy.can_see_online_link(user, meeting, mine),
        "organiser": organiser,
        "may_delegate": policy.can_manage_delegation(user, meeting),
        "figures": figures.of(meeting),
        "candidates": queries.outcome_candidates(meeting, user) if organiser else [],
        "following": is_following(user_id, KIND_NAME, meeting.id),
        "errors": errors or {},
        "values": request.form if errors else {},
        "form": FlaskForm(),
        **thread_context(target_of(KIND_NAME, meeting), request.args.get("before"), user),
    }


def render_show(
    meeting_id: int, errors: dict[str, dict[str, str]] | None = None, status: int = 200
):
    meeting = queries.load_meeting(meeting_id)  # again: a refusal rolled the session back
    return render_template(SHOW, **show_context(meeting, errors)), status


def field_errors(error: Any) -> dict[str, str]:
    fields = {k: str(v) for k, v in (error.fields or {}).items()}
    return fields or {"_": str(error.message)}


def linkable_items() -> dict[str, list[tuple[int, str]]]:
    """The public challenges, ideas and pilots an event may advance, newest first."""
    choices: dict[str, list[tuple[int, str]]] = {}
    for name, model, where in (
        ("challenge", Challenge, Challenge.phase.in_(PUBLISHED_PHASES)),
        ("idea", Idea, sa.true()),
        ("pilot", Pilot, sa.true()),
    ):
        kind = content.get(name)
        ids = list(
            db.session.scalars(
                sa.select(model.id).where(where).order_by(model.id.desc()).limit(200)
            )
        )
        found = kind.load(ids) if kind is not None else {}
        choices[name] = [
            (i, kind.title_of(found[i]))  # type: ignore[union-attr]
            for i in ids
            if i in found and kind.visible_to(None, found[i])  # type: ignore[union-attr]
        ]
    return choices


def valid_form() -> None:
    """A form that is not this site's (no valid CSRF token) is a bad request."""
    if not FlaskForm().validate_on_submit():
        abort(400)


def organiser_action(
    meeting_id: int,
    action: Callable[[Meeting], Any],
    message: str,
    *,
    back: str,
    form_key: str,
    page: ErrorPage | None = None,
) -> ResponseReturnValue:
    """Answers an organiser's form: the policy first (refused as such), then ``action``.
    Invalid input shows the form's page again (the event's page unless ``page`` says) with a
    message at each field, nothing written; success goes ``back`` with ``message``."""
    meeting = queries.load_meeting(meeting_id)
    enforce(policy.can_manage_meeting(current_user, meeting))
    valid_form()
    on_refusal_redirect(back)
    try:
        action(meeting)
    except ServiceError as error:
        if error.status not in (400, 413):
            raise
        db.session.rollback()
        flash(str(error.message), "error")
        return (page or render_show)(meeting_id, {form_key: field_errors(error)}, error.status)
    flash(message, "success")
    return redirect(back)
