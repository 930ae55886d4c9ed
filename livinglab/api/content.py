"""Challenges, ideas, votes, reviews, decisions and comments over JSON."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.api.core import BadInput, api_errors, body, bp, field, listing, paging, signed_in
from livinglab.api.schemas import challenge_json, idea_json, pilot_json, review_json
from livinglab.challenges import queries
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge, Phase
from livinglab.core.inputs import optional_id
from livinglab.discussion import services as discussion
from livinglab.discussion.models import Comment
from livinglab.discussion.serialize import serialize
from livinglab.discussion.targets import readable, resolve
from livinglab.errors import ServiceError, require
from livinglab.extensions import db
from livinglab.ideas import services as ideas
from livinglab.ideas.models import Idea
from livinglab.pilots import decisions
from livinglab.reviews import services as reviews
from livinglab.votes import services as votes

CHALLENGE_FIELDS = {
    "title",
    "summary",
    "body",
    "themes",
    "lead_city",
    "cohost_cities",
    "votes_per_member",
    "hide_vote_counts",
    "ideas_deadline",
    "voting_deadline",
    "selection_deadline",
    "language",
}


def _not_found():
    raise ServiceError(_("This does not exist."), status=404)


def _challenge(challenge_id: int) -> Challenge:
    challenge = db.session.scalar(
        sa.select(Challenge).where(Challenge.id == challenge_id).options(*queries.CHALLENGE_EAGER)
    )
    if challenge is None or not policy.can_view_challenge(current_user, challenge):
        _not_found()
    return challenge


def _idea(idea_id: int) -> Idea:
    idea = db.session.scalar(
        sa.select(Idea)
        .where(Idea.id == idea_id)
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.coauthors),
            selectinload(Idea.attachment_links),
        )
    )
    if idea is None or not policy.can_view_idea(current_user, idea):
        _not_found()
    return idea


def _date(data: dict, name: str) -> date | None:
    value = field(data, name, str)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(
            _("Please correct the marked fields."), {name: _("A date as YYYY-MM-DD.")}
        ) from None


def _string_list(data: dict, name: str, *, nullable: bool = False) -> list[str] | None:
    """A list of strings; ``null`` only where the field may be left empty (a 400, not a crash)."""
    value = data.get(name)
    if value is None and nullable:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(_("Please correct the marked fields."), {name: _("A list of slugs.")})
    return value


def _sent(data: dict, name: str, kind: type, current):
    """PATCH semantics: the value sent (never null: 400), else the current one."""
    return field(data, name, kind, required=True) if name in data else current


def _challenge_input(data: dict, base: Challenge | None = None) -> challenges.ChallengeInput:
    """The fields sent, the challenge's current values for the others (PATCH semantics)."""
    return challenges.ChallengeInput(
        title=_sent(data, "title", str, base.title if base else ""),
        summary=_sent(data, "summary", str, base.summary if base else ""),
        body=_sent(data, "body", str, base.body if base else ""),
        themes=_string_list(data, "themes") if "themes" in data else (base.themes if base else []),
        lead_city=_sent(data, "lead_city", str, base.lead_city.slug if base else ""),
        cohost_cities=_string_list(data, "cohost_cities")
        if "cohost_cities" in data
        else ([c.slug for c in base.cohost_cities] if base else []),
        votes_per_member=_sent(data, "votes_per_member", int, base.votes_per_member if base else 3),
        hide_vote_counts=_sent(
            data, "hide_vote_counts", bool, base.hide_vote_counts if base else False
        ),
        ideas_deadline=_date(data, "ideas_deadline")
        if "ideas_deadline" in data
        else (base.ideas_deadline if base else None),
        voting_deadline=_date(data, "voting_deadline")
        if "voting_deadline" in data
        else (base.voting_deadline if base else None),
        selection_deadline=_date(data, "selection_deadline")
        if "selection_deadline" in data
        else (base.selection_deadline if base else None),
        # Not sent (or null): the proposer's default language, or the challenge's own.
        language=field(data, "language", str),
    )


@bp.get("/challenges")
@api_errors
def list_challenges():
    page_no, per_page = paging()
    args = {k: request.args.get(k, "") for k in ("city", "theme", "phase", "language", "q", "sort")}
    page = db.paginate(
        queries.challenge_listing(**args), page=page_no, per_page=per_page, error_out=False
    )
    return jsonify(listing(page, challenge_json))


@bp.post("/challenges")
@api_errors
def create_challenge():
    signed_in()
    data = body(CHALLENGE_FIELDS, {"title", "summary", "body", "themes", "lead_city"})
    challenge = challenges.propose(current_user, _challenge_input(data))
    response = jsonify(challenge_json(_challenge(challenge.id)))
    response.status_code = 201
    return response


@bp.get("/challenges/<int:challenge_id>")
@api_errors
def get_challenge(challenge_id: int):
    return jsonify(challenge_json(_challenge(challenge_id)))


@bp.patch("/challenges/<int:challenge_id>")
@api_errors
def update_challenge(challenge_id: int):
    signed_in()
    challenge = _challenge(challenge_id)
    require(policy.can_edit_challenge(current_user, challenge))  # who, before what was sent
    data = body(CHALLENGE_FIELDS | {"phase", "reason"})
    if "phase" in data:
        phase_name = field(data, "phase", str, required=True)
        try:
            target = Phase(phase_name)
        except ValueError:
            raise BadInput(
                _("Please correct the marked fields."), {"phase": _("Unknown phase.")}
            ) from None
        challenges.change_phase(current_user, challenge, target, field(data, "reason", str) or "")
    edits = set(data) & CHALLENGE_FIELDS
    if edits:
        challenges.edit(current_user, challenge, _challenge_input(data, challenge))
    return jsonify(challenge_json(_challenge(challenge_id)))


@bp.get("/challenges/<int:challenge_id>/ideas")
@api_errors
def list_ideas(challenge_id: int):
    challenge = _challenge(challenge_id)
    page_no, per_page = paging()
    args = {k: request.args.get(k, "") for k in ("city", "status", "language", "q", "sort")}
    page = db.paginate(
        queries.idea_listing(challenge.id, **args), page=page_no, per_page=per_page, error_out=False
    )
    counts = votes.counts([i.id for i in page.items]) if votes.counts_visible(challenge) else None
    return jsonify(
        listing(page, lambda i: idea_json(i, None if counts is None else counts.get(i.id, 0)))
    )


@bp.post("/challenges/<int:challenge_id>/ideas")
@api_errors
def create_idea(challenge_id: int):
    signed_in()
    challenge = _challenge(challenge_id)
    data = body({"title", "summary", "body", "language", "coauthors"}, {"title", "summary", "body"})
    emails = _string_list(data, "coauthors", nullable=True) or []
    idea = ideas.submit(
        current_user,
        challenge,
        ideas.IdeaInput(
            field(data, "title", str, True),
            field(data, "summary", str, True),
            field(data, "body", str, True),
            field(data, "language", str),
        ),
        coauthor_emails=emails,
    )
    response = jsonify(idea_json(_idea(idea.id)))
    response.status_code = 201
    return response


def _idea_out(idea: Idea):
    shown = votes.counts_visible(idea.challenge)
    return jsonify(idea_json(idea, votes.count_for(idea.id) if shown else None))


@bp.get("/ideas/<int:idea_id>")
@api_errors
def get_idea(idea_id: int):
    return _idea_out(_idea(idea_id))


@bp.patch("/ideas/<int:idea_id>")
@api_errors
def update_idea(idea_id: int):
    signed_in()
    idea = _idea(idea_id)
    require(policy.can_edit_idea(current_user, idea))
    data = body({"title", "summary", "body", "language", "status"})
    if "status" in data:
        if field(data, "status", str) != "withdrawn":
            raise BadInput(
                _("Please correct the marked fields."),
                {"status": _("Only “withdrawn” can be set.")},
            )
        ideas.withdraw(current_user, idea)
    edits = {k: _sent(data, k, str, None) for k in ("title", "summary", "body") if k in data}
    if "language" in data:  # null: the author's default language
        edits["language"] = field(data, "language", str)
    if edits:
        current = {"title": idea.title, "summary": idea.summary, "body": idea.body, **edits}
        ideas.edit(current_user, idea, ideas.IdeaInput(**current))
    return _idea_out(_idea(idea_id))


@bp.post("/ideas/<int:idea_id>/vote")
@api_errors
def vote(idea_id: int):
    signed_in()
    _idea(idea_id)
    count = votes.cast(current_user, idea_id)
    response = jsonify({"idea_id": idea_id, "votes": count})
    response.status_code = 201
    return response


@bp.delete("/ideas/<int:idea_id>/vote")
@api_errors
def unvote(idea_id: int):
    signed_in()
    _idea(idea_id)
    return jsonify({"idea_id": idea_id, "votes": votes.withdraw(current_user, idea_id)})


@bp.get("/ideas/<int:idea_id>/reviews")
@api_errors
def list_reviews(idea_id: int):
    idea = _idea(idea_id)
    rows = reviews.of_idea(idea.id)
    return jsonify({"items": [review_json(r) for r in rows], "averages": reviews.averages(rows)})


@bp.post("/ideas/<int:idea_id>/reviews")
@api_errors
def create_review(idea_id: int):
    signed_in()
    idea = _idea(idea_id)
    require(policy.can_review(current_user, idea))
    from livinglab.reviews.models import CRITERION_NAMES

    data = body({"scores", "assessment", "no_conflict"}, {"scores", "assessment", "no_conflict"})
    scores = field(data, "scores", dict, required=True)
    problems = {k: _("Unknown criterion.") for k in scores if k not in CRITERION_NAMES}
    problems.update(  # whole numbers only: "²" passes str.isdigit() and then breaks int()
        {
            k: _("Give a score from 1 to 5.")
            for k, v in scores.items()
            if k in CRITERION_NAMES and (isinstance(v, bool) or not isinstance(v, int))
        }
    )
    if problems:
        raise BadInput(_("Please correct the marked fields."), problems)
    review, created = reviews.save(
        current_user,
        idea,
        {
            **scores,
            "assessment": data.get("assessment"),
            "no_conflict": data.get("no_conflict") is True,
        },
    )
    response = jsonify(review_json(review))
    response.status_code = 201 if created else 200
    return response


@bp.post("/ideas/<int:idea_id>/decisions")
@api_errors
def decide(idea_id: int):
    signed_in()
    idea = _idea(idea_id)
    data = body({"decision", "city", "reason"}, {"decision", "city"})
    decision, pilot = decisions.decide(
        current_user,
        idea,
        field(data, "city", str, True),
        field(data, "decision", str, True),
        field(data, "reason", str) or "",
    )
    if pilot is not None:
        from livinglab.pilots.services import load

        response = jsonify(pilot_json(load(pilot.id)))
    else:
        response = jsonify(
            {
                "id": decision.id,
                "idea_id": idea_id,
                "decision": "reject",
                "city": field(data, "city", str),
                "reason": decision.reason,
            }
        )
    response.status_code = 201
    return response


@bp.get("/<any(challenges, ideas, pilots):kind>/<int:target_id>/comments")
@api_errors
def list_comments(kind: str, target_id: int):
    target = resolve(kind[:-1], target_id)
    if target is None or not readable(current_user, target):
        _not_found()
    page_no, per_page = paging()
    query = (
        sa.select(Comment)
        .where(Comment.target_type == target.type, Comment.target_id == target.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.id)
    )
    page = db.paginate(query, page=page_no, per_page=per_page, error_out=False)
    return jsonify(listing(page, lambda c: serialize(c, c.author)))


@bp.post("/<any(challenges, ideas, pilots):kind>/<int:target_id>/comments")
@api_errors
def create_comment(kind: str, target_id: int):
    signed_in()
    target = resolve(kind[:-1], target_id)
    if target is None or not readable(current_user, target):
        _not_found()
    data = body({"body", "parent_id", "language"}, {"body"})
    # 0 and null both mean "not a reply"; anything else is a comment id in the columns' range.
    parent_id = data.get("parent_id")
    parent = (
        None if type(parent_id) is int and parent_id == 0 else optional_id(parent_id, "parent_id")
    )
    comment = discussion.post(
        current_user,
        target.type,
        target.id,
        field(data, "body", str, True),
        parent,
        language=field(data, "language", str),
    )
    response = jsonify(serialize(comment, current_user))
    response.status_code = 201
    return response
