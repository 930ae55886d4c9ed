"""Voting buttons and the results of a challenge once voting has closed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.challenges.queries import load_challenge
from livinglab.votes import services
from livinglab.web.helpers import enforce, on_refusal_redirect, safe_next

bp = Blueprint("votes", __name__)


def _vote_action(idea_id: int, action) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        abort(400)
    # A refusal of timing or budget (409) goes back with its message; 401/403/404 are the
    # error pages (the app's ServiceError handler, site/errors.py).
    back = on_refusal_redirect(safe_next(url_for("ideas.show", idea_id=idea_id)))
    action(current_user, idea_id)
    return redirect(back)


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    return _vote_action(idea_id, services.cast)


@bp.post("/ideas/<int:idea_id>/vote/withdraw")
@login_required
def withdraw(idea_id: int):
    return _vote_action(idea_id, services.withdraw)


def _closed_challenge(challenge_id: int):
    challenge = load_challenge(challenge_id, current_user)
    enforce(policy.can_view_vote_results(current_user, challenge))
    return challenge


@bp.get("/challenges/<int:challenge_id>/results")
def results(challenge_id: int):
    """The ranking, once voting has closed, with each idea's support per city."""
    challenge = _closed_challenge(challenge_id)
    ranked = services.ranking(challenge)
    breakdown = services.by_city([idea.id for idea, _ in ranked])
    return render_template(
        "votes/results.html", challenge=challenge, ranked=ranked, breakdown=breakdown
    )


@bp.get("/challenges/<int:challenge_id>/results.csv")
def results_csv(challenge_id: int):
    challenge = _closed_challenge(challenge_id)
    return Response(
        services.results_csv(challenge),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="challenge-{challenge.id}-results.csv"'
        },
    )
