"""Challenges, ideas, votes, reviews, decisions and comments over JSON."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import Response, jsonify
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from livinglab import content as registry
from livinglab import policy
from livinglab.api import bodies
from livinglab.api import schemas as out
from livinglab.api.core import bp, created, listing
from livinglab.api.schema import filtered_page, member_operation, operation, payload, sent
from livinglab.api.schemas import challenge_json, comment_json, idea_json, pilot_json, review_json
from livinglab.challenges import queries
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge, Phase
from livinglab.discussion import services as discussion
from livinglab.discussion.models import Comment
from livinglab.discussion.serialize import serialize
from livinglab.discussion.targets import Target, readable, resolve
from livinglab.errors import ServiceError, require
from livinglab.ideas import queries as idea_queries
from livinglab.ideas import services as ideas
from livinglab.ideas.models import Idea
from livinglab.pilots import decisions
from livinglab.pilots.queries import load_pilot
from livinglab.reviews import services as reviews
from livinglab.votes import services as votes

# The challenge fields a PATCH may change besides its phase.
CHALLENGE_FIELDS = set(bodies.ChallengeFields.model_fields)


def _challenge(challenge_id: int) -> Challenge:
    return queries.load_challenge(challenge_id, current_user, queries.CHALLENGE_EAGER)


def _idea(idea_id: int) -> Idea:
    return idea_queries.load_idea(idea_id, current_user, idea_queries.IDEA_EAGER)


def _challenge_input(
    data: bodies.ChallengeFields, base: Challenge | None = None
) -> challenges.ChallengeInput:
    """The fields sent, the challenge's current values for the others (PATCH semantics)."""
    current = challenges.ChallengeInput()
    if base is not None:
        current = challenges.ChallengeInput(
            title=base.title,
            summary=base.summary,
            body=base.body,
            themes=base.themes,
            lead_city=base.lead_city.slug,
            cohost_cities=[c.slug for c in base.cohost_cities],
            votes_per_member=base.votes_per_member,
            hide_vote_counts=base.hide_vote_counts,
            ideas_deadline=base.ideas_deadline,
            voting_deadline=base.voting_deadline,
            selection_deadline=base.selection_deadline,
        )
    # Not sent (or null): the proposer's default language, or the challenge's own.
    current.language = None
    given = data.model_dump(include=sent(data) & CHALLENGE_FIELDS)
    return replace(current, **given)


@bp.get("/challenges")
@operation(
    _l("Find challenges"),
    tag="challenges",
    out=out.ChallengePage,
    query=bodies.ChallengeFilters,
)
def list_challenges() -> Response:
    page = filtered_page(bodies.ChallengeFilters, queries.challenge_listing)
    return jsonify(listing(page, challenge_json))


@bp.post("/challenges")
@member_operation(
    _l("Propose a challenge"),
    tag="challenges",
    ok=201,
    out=out.Challenge,
    body=bodies.ChallengeInput,
)
def create_challenge() -> Response:
    data = payload(bodies.ChallengeInput)
    challenge = challenges.propose(current_user, _challenge_input(data))
    return created(challenge_json(_challenge(challenge.id)))


@bp.get("/challenges/<int:challenge_id>")
@operation(_l("A challenge"), tag="challenges", out=out.Challenge)
def get_challenge(challenge_id: int) -> Response:
    return jsonify(challenge_json(_challenge(challenge_id)))


@bp.patch("/challenges/<int:challenge_id>")
@member_operation(
    _l('Edit a challenge, or move its phase with {"phase": ...}'),
    tag="challenges",
    out=out.Challenge,
    body=bodies.ChallengeEdit,
)
def update_challenge(challenge_id: int) -> Response:
    challenge = _challenge(challenge_id)
    require(policy.can_edit_challenge(current_user, challenge))  # who, before what was sent
    data = payload(bodies.ChallengeEdit)
    if data.phase is not None:  # sent (null is refused)
        challenges.change_phase(current_user, challenge, Phase(data.phase), data.reason or "")
    if sent(data) & CHALLENGE_FIELDS:
        challenges.edit(current_user, challenge, _challenge_input(data, challenge))
    return jsonify(challenge_json(_challenge(challenge_id)))


@bp.get("/challenges/<int:challenge_id>/ideas")
@operation(_l("Ideas of a challenge"), tag="ideas", out=out.IdeaPage, query=bodies.IdeaFilters)
def list_ideas(challenge_id: int) -> Response:
    challenge = _challenge(challenge_id)
    page = filtered_page(bodies.IdeaFilters, partial(queries.idea_listing, challenge.id))
    counts = votes.counts([i.id for i in page.items]) if votes.counts_visible(challenge) else None
    return jsonify(
        listing(page, lambda i: idea_json(i, None if counts is None else counts.get(i.id, 0)))
    )


@bp.post("/challenges/<int:challenge_id>/ideas")
@member_operation(_l("Submit an idea"), tag="ideas", ok=201, out=out.Idea, body=bodies.IdeaInput)
def create_idea(challenge_id: int) -> Response:
    challenge = _challenge(challenge_id)
    data = payload(bodies.IdeaInput)
    idea = ideas.submit(
        current_user,
        challenge,
        ideas.IdeaInput(data.title, data.summary, data.body, data.language),
        coauthor_emails=data.coauthors or [],
    )
    return created(idea_json(_idea(idea.id)))


def _idea_out(idea: Idea) -> Response:
    shown = votes.counts_visible(idea.challenge)
    return jsonify(idea_json(idea, votes.count_for(idea.id) if shown else None))


@bp.get("/ideas/<int:idea_id>")
@operation(_l("An idea"), tag="ideas", out=out.Idea)
def get_idea(idea_id: int) -> Response:
    return _idea_out(_idea(idea_id))


@bp.patch("/ideas/<int:idea_id>")
@member_operation(
    _l('Edit an idea, or withdraw it with {"status": "withdrawn"}'),
    tag="ideas",
    out=out.Idea,
    body=bodies.IdeaEdit,
)
def update_idea(idea_id: int) -> Response:
    idea = _idea(idea_id)
    require(policy.can_edit_idea(current_user, idea))
    data = payload(bodies.IdeaEdit)
    if "status" in sent(data):
        ideas.withdraw(current_user, idea)
    # language null: the author's default language
    edits = data.model_dump(include=sent(data) & {"title", "summary", "body", "language"})
    if edits:
        current = {"title": idea.title, "summary": idea.summary, "body": idea.body, **edits}
        ideas.edit(current_user, idea, ideas.IdeaInput(**current))
    return _idea_out(_idea(idea_id))


def _vote_count(idea_id: int, change: Callable[[Any, int], int]) -> dict[str, Any]:
    """The idea's count once the member's vote is cast or withdrawn (``change``); an idea the
    member cannot read is a 404 first."""
    _idea(idea_id)
    return out.VoteCount(idea_id=idea_id, votes=change(current_user, idea_id)).dump()


@bp.post("/ideas/<int:idea_id>/vote")
@member_operation(_l("Vote for an idea"), tag="votes", ok=201, out=out.VoteCount)
def vote(idea_id: int) -> Response:
    return created(_vote_count(idea_id, votes.cast))


@bp.delete("/ideas/<int:idea_id>/vote")
@member_operation(_l("Withdraw one's vote"), tag="votes", out=out.VoteCount)
def unvote(idea_id: int) -> Response:
    return jsonify(_vote_count(idea_id, votes.withdraw))


@bp.get("/ideas/<int:idea_id>/reviews")
@operation(_l("Expert reviews of an idea"), tag="reviews", out=out.Reviews)
def list_reviews(idea_id: int) -> Response:
    idea = _idea(idea_id)
    rows = reviews.of_idea(idea.id)
    answer = out.Reviews(items=[out.Review.of(r) for r in rows], averages=reviews.averages(rows))
    return jsonify(answer.dump())


@bp.post("/ideas/<int:idea_id>/reviews")
@member_operation(
    _l("Review an idea (experts)"),
    tag="reviews",
    ok=201,  # 200 when the expert's review is updated
    out=out.Review,
    body=bodies.ReviewInput,
)
def create_review(idea_id: int) -> Response:
    idea = _idea(idea_id)
    require(policy.can_review(current_user, idea))
    data = payload(bodies.ReviewInput)
    review, is_new = reviews.save(
        current_user,
        idea,
        {
            **data.scores.model_dump(exclude_unset=True),
            "assessment": data.assessment,
            "no_conflict": data.no_conflict,
        },
    )
    return created(review_json(review), 201 if is_new else 200)


@bp.post("/ideas/<int:idea_id>/decisions")
@member_operation(
    _l("Approve (creates a pilot) or reject an idea for one's city"),
    tag="pilots",
    ok=201,
    out=out.Pilot | out.Rejection,
    body=bodies.Decision,
)
def decide(idea_id: int) -> Response:
    idea = _idea(idea_id)
    data = payload(bodies.Decision)
    decision, pilot = decisions.decide(
        current_user, idea, data.city, data.decision, data.reason or ""
    )
    if pilot is not None:
        return created(pilot_json(load_pilot(pilot.id)))
    rejection = out.Rejection(
        id=decision.id,
        idea_id=idea_id,
        decision="reject",
        city=data.city,
        reason=decision.reason,
    )
    return created(rejection.dump())


def comments_rule() -> str:
    """The discussion's address for every commentable kind of the content registry:
    ``/<any(challenges, ideas, pilots, case-studies):kind>/<int:target_id>/comments``."""
    # "case-studies" quoted: werkzeug reads a bare one as an expression, not a name.
    plurals = ", ".join(
        k.plural if k.plural.isidentifier() else f"'{k.plural}'"
        for k in registry.kinds()
        if k.commentable
    )
    return f"/<any({plurals}):kind>/<int:target_id>/comments"


def _target(kind: str, target_id: int) -> Target:
    """What a discussion is about, by the plural in its address; 404 where it cannot be read."""
    named = registry.by_plural(kind)
    target = resolve(named.name, target_id) if named is not None else None
    if target is None or not readable(current_user, target):
        raise ServiceError(_("This does not exist."), status=404)
    return target


@operation(_l("The discussion"), tag="discussion", out=out.CommentPage, query=bodies.Paged)
def list_comments(kind: str, target_id: int) -> Response:
    target = _target(kind, target_id)
    query = (
        sa.select(Comment)
        .where(Comment.target_type == target.type, Comment.target_id == target.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.id)
    )
    page = filtered_page(bodies.Paged, lambda: query)
    return jsonify(listing(page, lambda c: comment_json(serialize(c, c.author))))


@member_operation(
    _l("Comment or reply"), tag="discussion", ok=201, out=out.Comment, body=bodies.CommentInput
)
def create_comment(kind: str, target_id: int) -> Response:
    target = _target(kind, target_id)
    data = payload(bodies.CommentInput)
    comment = discussion.post(
        current_user,
        target.type,
        target.id,
        data.body,
        data.parent_id or None,  # 0 and null both mean "not a reply"
        language=data.language,
    )
    return created(comment_json(serialize(comment, current_user)))


@bp.record_once
def _comment_routes(state: BlueprintSetupState) -> None:
    """The comment routes are added when the blueprint joins the app, not when this module is
    imported: the factory registers the kinds (``init_extensions``) before the blueprints, and
    a module imported earlier (a test, a script) must not freeze an empty list of kinds.
    Recorded here, after the other routes, so the URL map keeps its order."""
    rule = comments_rule()
    state.add_url_rule(rule, view_func=list_comments, methods=["GET"])
    state.add_url_rule(rule, view_func=create_comment, methods=["POST"])
