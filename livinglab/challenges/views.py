"""Challenge pages: find, read, propose, edit, publish or decline, move through phases, follow."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from livinglab import policy
from livinglab.challenges import deadlines, queries, services
from livinglab.challenges.forms import ChallengeForm, DeclineForm, PhaseForm
from livinglab.challenges.labels import phase_label
from livinglab.challenges.models import PUBLISHED_PHASES, THEMES, Phase
from livinglab.cities import queries as city_queries
from livinglab.discussion.queries import comment_counts, thread_context
from livinglab.discussion.targets import challenge_target
from livinglab.errors import ServiceError
from livinglab.extensions import db
from livinglab.follows import button as follow_button
from livinglab.follows.services import is_following
from livinglab.forms import save_form, show_service_error
from livinglab.i18n import content_language_for
from livinglab.ideas.services import idea_count_by_challenge
from livinglab.text import render_markdown
from livinglab.votes import queries as vote_queries
from livinglab.votes import services as vote_services
from livinglab.web.helpers import enforce, on_refusal_render, page_number

bp = Blueprint("challenges", __name__, url_prefix="/challenges")
# "9 days left", "closes today", "closed on ...": the current phase's deadline on every page
# that shows a challenge (its cards are on the home, city and search pages too).
bp.add_app_template_global(deadlines.countdown, "phase_countdown")


def load_challenge(challenge_id: int):
    return queries.load_challenge(challenge_id, current_user)


@bp.get("/")
def index():
    args = {k: request.args.get(k, "") for k in ("city", "theme", "phase", "language", "q", "sort")}
    query = queries.challenge_listing(**args)
    page = db.paginate(query, page=page_number(), per_page=20, error_out=False)
    counts = idea_count_by_challenge([c.id for c in page.items])
    discussed = comment_counts([c.id for c in page.items])
    return render_template(
        "challenges/index.html",
        page=page,
        counts=counts,
        discussed=discussed,
        args=args,
        themes=THEMES,
        cities=city_queries.by_name(),
        phases=[p.value for p in PUBLISHED_PHASES],
        sorts=queries.CHALLENGE_SORTS,
    )


@bp.get("/<int:challenge_id>")
def show(challenge_id: int):
    challenge = load_challenge(challenge_id)
    args = {k: request.args.get(k, "") for k in ("city", "status", "language", "q", "sort")}
    ideas = db.paginate(
        queries.idea_listing(challenge.id, **args), page=page_number(), per_page=20, error_out=False
    )
    user = current_user if current_user.is_authenticated else None
    idea_ids = [i.id for i in ideas.items]
    return render_template(
        "challenges/show.html",
        challenge=challenge,
        body_html=render_markdown(challenge.body),
        ideas=ideas,
        args=args,
        cities=city_queries.by_name(),
        following=is_following(user.id if user else None, "challenge", challenge.id),
        vote_counts=vote_services.counts(idea_ids)
        if vote_services.counts_visible(challenge)
        else None,
        # The budget line, "You voted" and the buttons of each card, from one query.
        ballot=vote_queries.ballot(current_user, challenge, ideas.items),
        may_submit=policy.can_submit_idea(current_user, challenge),
        may_edit=policy.can_edit_challenge(current_user, challenge),
        next_phases=[
            p
            for p in policy.PHASE_FLOW[challenge.phase]
            if policy.can_change_phase(current_user, challenge, p)
        ],
        phase_form=PhaseForm(),
        decline_form=DeclineForm(formdata=None),
        **thread_context(challenge_target(challenge), request.args.get("before"), current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def propose():
    enforce(policy.can_propose_challenge(current_user))
    form = ChallengeForm()
    form.set_city_choices(city_queries.by_name())
    if request.method == "GET":
        form.lead_city.data = current_user.city.slug
        form.language.data = content_language_for(current_user)
    if form.validate_on_submit():
        try:
            challenge = services.propose(current_user, form.to_input())
        except ServiceError as error:
            show_service_error(form, error, fallback_field="title")
        else:
            flash(
                _("Your proposal is sent to the lead city's representatives, who publish it."),
                "success",
            )
            return redirect(url_for("challenges.show", challenge_id=challenge.id))
    return render_template(
        "challenges/form.html", form=form, challenge=None
    ), 400 if form.errors else 200


@bp.route("/<int:challenge_id>/edit", methods=["GET", "POST"])
@login_required
def edit(challenge_id: int):
    challenge = load_challenge(challenge_id)
    enforce(policy.can_edit_challenge(current_user, challenge))
    if request.method == "GET":
        form = ChallengeForm(obj=challenge)
        form.themes.data = challenge.themes
        form.cohost_cities.data = [c.slug for c in challenge.cohost_cities]
        form.lead_city.data = challenge.lead_city.slug
    else:
        form = ChallengeForm()
    form.set_city_choices(city_queries.by_name())

    def done(_saved: None):
        flash(_("The challenge is saved."), "success")
        return redirect(url_for("challenges.show", challenge_id=challenge.id))

    return save_form(
        form,
        lambda: services.edit(current_user, challenge, form.to_input()),
        done,
        lambda: render_template("challenges/form.html", form=form, challenge=challenge),
        fallback_field="title",
    )


@bp.post("/<int:challenge_id>/phase/<phase>")
@login_required
def change_phase(challenge_id: int, phase: str):
    challenge = load_challenge(challenge_id)
    try:
        target = Phase(phase)
    except ValueError:
        abort(404)
    if target == Phase.declined:
        abort(404)  # declining has its own form, with a reason
    enforce(policy.can_change_phase(current_user, challenge, target))
    if not PhaseForm().validate_on_submit():
        abort(400)
    on_refusal_render(lambda: show(challenge_id))
    services.change_phase(current_user, challenge, target)
    if target == Phase.open and challenge.published_at is not None:
        flash(_("The challenge is published and open for ideas."), "success")
    else:
        flash(_("The challenge is now in phase “%(phase)s”.", phase=phase_label(target)), "success")
    return redirect(url_for("challenges.show", challenge_id=challenge_id))


@bp.post("/<int:challenge_id>/decline")
@login_required
def decline(challenge_id: int):
    challenge = load_challenge(challenge_id)
    enforce(policy.can_decline_challenge(current_user, challenge))
    form = DeclineForm()
    if form.validate_on_submit():
        on_refusal_render(lambda: show(challenge_id))
        services.change_phase(current_user, challenge, Phase.declined, form.reason.data)
        flash(_("The proposal is declined; the proposer will read your reason."), "success")
        return redirect(url_for("challenges.show", challenge_id=challenge_id))
    flash(_("Say why the proposal is declined; the proposer will read it."), "error")
    return show(challenge_id), 400


@bp.post("/<int:challenge_id>/follow")
@login_required
def toggle_follow(challenge_id: int):
    challenge = load_challenge(challenge_id)
    back = url_for("challenges.show", challenge_id=challenge.id)
    return follow_button.press("challenge", challenge.id, back)
