"""Idea pages: submit to an open challenge, read, edit, withdraw, answer an invitation, follow."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.accounts import directory
from livinglab.accounts.models import User
from livinglab.challenges.queries import load_challenge
from livinglab.core.inputs import id_text
from livinglab.follows import button as follow_button
from livinglab.forms import save_form
from livinglab.i18n import content_language_for
from livinglab.ideas import attachments, queries, services
from livinglab.ideas.forms import IdeaForm
from livinglab.ideas.models import Idea
from livinglab.web.helpers import enforce, on_refusal_redirect

bp = Blueprint("ideas", __name__)

# The name of the idea form's no-script search button of the co-author picker.
FIND_COAUTHORS = "find_coauthors"


def load_idea(idea_id: int) -> Idea:
    return queries.load_idea(idea_id, current_user)


def _form_page(form: IdeaForm, **context: Any) -> str:
    """The idea form with its co-author picker: the members chosen so far and, when the
    no-script "Find members" button sent the form, the members found (to tick)."""
    chosen = directory.members_by_ids(form.coauthor_ids())
    found: list[User] = []
    searching = FIND_COAUTHORS in request.form
    if searching:
        picked = {m.id for m in chosen}
        query = form.coauthor_query.data or ""
        found = [m for m in directory.search(current_user, query).members if m.id not in picked]
    return render_template(
        "ideas/form.html",
        form=form,
        chosen_members=chosen,
        found_members=found,
        searching=searching,
        **context,
    )


@bp.route("/challenges/<int:challenge_id>/ideas/new", methods=["GET", "POST"])
@login_required
def submit(challenge_id: int):
    challenge = load_challenge(challenge_id, current_user)
    enforce(policy.can_submit_idea(current_user, challenge))
    form = IdeaForm()
    if request.method == "GET":
        form.language.data = content_language_for(current_user)
    if FIND_COAUTHORS in request.form:
        return _form_page(form, challenge=challenge, idea=None)

    def done(idea: Idea):
        flash(_("Your idea is submitted. Good luck!"), "success")
        return redirect(url_for("ideas.show", idea_id=idea.id))

    return save_form(
        form,
        lambda: services.submit(
            current_user,
            challenge,
            form.to_input(),
            files=form.uploaded_files(),
            coauthor_ids=form.coauthor_ids(),
        ),
        done,
        lambda: _form_page(form, challenge=challenge, idea=None),
        fallback_field="attachments",
    )


@bp.get("/ideas/<int:idea_id>")
def show(idea_id: int):
    context = queries.idea_page_context(
        load_idea(idea_id), current_user, request.args.get("before")
    )
    return render_template(queries.IDEA_PAGE, **context)


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = load_idea(idea_id)
    enforce(policy.can_edit_idea(current_user, idea))
    form = IdeaForm(obj=idea) if request.method == "GET" else IdeaForm()
    if request.method == "GET":
        form.coauthors.data = []  # the picker invites more; the team is on the idea's page
    context = {"challenge": idea.challenge, "idea": idea, "files": attachments.of(idea)}
    if FIND_COAUTHORS in request.form:
        return _form_page(form, **context)

    def save() -> None:
        chosen = (id_text(v) for v in request.form.getlist("remove_attachment"))
        services.edit(
            current_user,
            idea,
            form.to_input(),
            files=form.uploaded_files(),
            remove_attachment_ids=[ident for ident in chosen if ident is not None],
            coauthor_ids=form.coauthor_ids(),
        )

    def done(_saved: None):
        flash(_("Your idea is saved."), "success")
        return redirect(url_for("ideas.show", idea_id=idea.id))

    return save_form(
        form,
        save,
        done,
        lambda: _form_page(form, **context),
        fallback_field="attachments",
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
    on_refusal_redirect(url_for("ideas.show", idea_id=idea.id))
    services.respond(current_user, idea, accept=answer == "accept")
    if answer == "accept":
        flash(_("You are now a co-author of this idea."), "success")
    else:
        flash(_("You declined the invitation."), "info")
    return redirect(url_for("ideas.show", idea_id=idea.id))


@bp.post("/ideas/<int:idea_id>/follow")
@login_required
def toggle_follow(idea_id: int):
    idea = load_idea(idea_id)
    return follow_button.press("idea", idea.id, url_for("ideas.show", idea_id=idea.id))
