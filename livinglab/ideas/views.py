"""Idea pages: submit to an open challenge, read, edit, withdraw, answer an invitation, follow."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.challenges.models import Challenge
from livinglab.challenges.views import load_challenge
from livinglab.core.helpers import enforce
from livinglab.core.inputs import id_text
from livinglab.discussion.targets import idea_target
from livinglab.discussion.views import thread_context
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.follows.services import follow, is_following, unfollow
from livinglab.forms import show_service_error
from livinglab.i18n import content_language_for
from livinglab.ideas import attachments, services
from livinglab.ideas.forms import IdeaForm
from livinglab.ideas.models import Coauthor, Idea
from livinglab.reviews import services as review_services
from livinglab.reviews.models import CRITERIA
from livinglab.text import render_markdown
from livinglab.votes import services as vote_services

bp = Blueprint("ideas", __name__)


def load_idea(idea_id: int) -> Idea:
    """The idea with its challenge, team and files; 404 when unknown or not visible."""
    idea = db.session.scalar(
        sa.select(Idea)
        .where(Idea.id == idea_id)
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.lead_city),
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.author),
            selectinload(Idea.coauthors).selectinload(Coauthor.user),
            *attachments.eager(),
        )
    )
    if idea is None or not policy.can_view_idea(current_user, idea):
        abort(404)
    return idea


@bp.route("/challenges/<int:challenge_id>/ideas/new", methods=["GET", "POST"])
@login_required
def submit(challenge_id: int):
    challenge = load_challenge(challenge_id)
    enforce(policy.can_submit_idea(current_user, challenge))
    form = IdeaForm()
    if request.method == "GET":
        form.language.data = content_language_for(current_user)
    status = 200
    if form.validate_on_submit():
        try:
            idea = services.submit(
                current_user,
                challenge,
                form.to_input(),
                files=form.uploaded_files(),
                coauthor_emails=form.coauthor_emails(),
            )
        except ServiceError as error:
            show_service_error(form, error, fallback_field="attachments")
            status = error.status
        else:
            flash(_("Your idea is submitted. Good luck!"), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    elif form.errors:
        status = 400
    return render_template("ideas/form.html", form=form, challenge=challenge, idea=None), status


@bp.get("/ideas/<int:idea_id>")
def show(idea_id: int):
    idea = load_idea(idea_id)
    user_id = current_user.id if current_user.is_authenticated else None
    return render_template(
        "ideas/show.html",
        idea=idea,
        challenge=idea.challenge,
        body_html=render_markdown(idea.body),
        files=attachments.of(idea),
        following=is_following(user_id, "idea", idea.id),
        invitation=services.pending_invitation(user_id, idea),
        may_edit=policy.can_edit_idea(current_user, idea),
        is_author=user_id in idea.author_ids,
        form=FlaskForm(),
        **_votes_and_reviews(idea, user_id),
        **thread_context(idea_target(idea), request.args.get("before")),
    )


def _votes_and_reviews(idea: Idea, user_id: int | None) -> dict:
    challenge = idea.challenge
    reviews = review_services.of_idea(idea.id)
    return {
        "votes": vote_services.count_for(idea.id),
        "votes_visible": vote_services.counts_visible(challenge),
        "votes_by_city": vote_services.by_city([idea.id]).get(idea.id, []),
        "voted": idea.id in vote_services.my_votes(user_id, challenge.id),
        "votes_left": challenge.votes_per_member - vote_services.used_in(user_id, challenge.id)
        if user_id
        else None,
        "vote_verdict": policy.can_vote(current_user, idea),
        "reviews": reviews,
        "review_averages": review_services.averages(reviews),
        "criteria": CRITERIA,
        "may_review": policy.can_review(current_user, idea),
        "decisions": _decisions_of(idea.id),
        "may_decide": policy.can_decide_idea(current_user, idea, current_user.city_id)
        if current_user.is_authenticated
        else None,
    }


def _decisions_of(idea_id: int) -> list:
    from livinglab.pilots.models import Decision, Pilot

    rows = db.session.execute(
        sa.select(Decision, Pilot.id)
        .outerjoin(
            Pilot,
            sa.and_(
                Pilot.idea_id == Decision.idea_id,
                Pilot.city_id == Decision.city_id,
                Pilot.origin_id.is_(None),
            ),
        )
        .where(Decision.idea_id == idea_id)
        .options(selectinload(Decision.city), selectinload(Decision.decided_by))
        .order_by(Decision.created_at)
    ).all()
    return [(decision, pilot_id) for decision, pilot_id in rows]


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = load_idea(idea_id)
    enforce(policy.can_edit_idea(current_user, idea))
    form = IdeaForm(obj=idea) if request.method == "GET" else IdeaForm()
    if request.method == "GET":
        form.coauthors.data = ""
    status = 200
    if form.validate_on_submit():
        chosen = (id_text(v) for v in request.form.getlist("remove_attachment"))
        remove = [ident for ident in chosen if ident is not None]
        try:
            services.edit(
                current_user,
                idea,
                form.to_input(),
                files=form.uploaded_files(),
                remove_attachment_ids=remove,
                coauthor_emails=form.coauthor_emails(),
            )
        except ServiceError as error:
            show_service_error(form, error, fallback_field="attachments")
            status = error.status
        else:
            flash(_("Your idea is saved."), "success")
            return redirect(url_for("ideas.show", idea_id=idea.id))
    elif form.errors:
        status = 400
    return (
        render_template(
            "ideas/form.html",
            form=form,
            challenge=idea.challenge,
            idea=idea,
            files=attachments.of(idea),
        ),
        status,
    )


def _checked_post() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.post("/ideas/<int:idea_id>/withdraw")
@login_required
def withdraw(idea_id: int):
    idea = load_idea(idea_id)
    enforce(policy.can_withdraw_idea(current_user, idea))
    _checked_post()
    services.withdraw(current_user, idea)
    flash(_("Your idea is withdrawn. It stays visible, marked as withdrawn."), "info")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/invitation/<any(accept, decline):answer>")
@login_required
def answer_invitation(idea_id: int, answer: str):
    idea = load_idea(idea_id)
    _checked_post()
    try:
        services.respond(current_user, idea, accept=answer == "accept")
    except ServiceError as error:
        if error.status == 404:
            abort(404)
        flash(str(error.message), "error")
        return redirect(url_for("ideas.show", idea_id=idea.id)), 303
    if answer == "accept":
        flash(_("You are now a co-author of this idea."), "success")
    else:
        flash(_("You declined the invitation."), "info")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/follow")
@login_required
def toggle_follow(idea_id: int):
    idea = load_idea(idea_id)
    _checked_post()
    if request.form.get("action") == "unfollow":
        unfollow(current_user.id, "idea", idea.id)
        flash(_("You no longer follow this idea."), "info")
    else:
        follow(current_user.id, "idea", idea.id)
        flash(_("You follow this idea."), "success")
    return redirect(url_for("ideas.show", idea_id=idea.id))
