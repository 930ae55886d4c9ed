"""Voting buttons (on the idea's page and on each idea card of a challenge's list), the
confirmation that answers them, and the results of a challenge once voting has closed.

The buttons are plain forms (with the one-submission key), so voting works without
JavaScript; the counts on every open page follow over the socket (``vote.changed``).
After a vote or its withdrawal the member goes back where they pressed (the card's anchor)
and that card says what happened, with the undo beside it: a receipt kept in the session
for the next page only, as a flashed message is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from livinglab import policy
from livinglab.challenges.queries import load_challenge
from livinglab.votes import services
from livinglab.web.helpers import enforce, on_refusal_redirect, safe_next

bp = Blueprint("votes", __name__)

RECEIPT = "vote_receipt"  # the session's key: {"idea": id, "done": "cast" | "withdrawn"}


def _vote_action(idea_id: int, action: Callable[[Any, int], int], done: str) -> ResponseReturnValue:
    if not FlaskForm().validate_on_submit():
        abort(400)
    back = safe_next(url_for("ideas.show", idea_id=idea_id, _anchor="votes"))
    # A refusal of timing or budget (409) goes back with its message flashed at the top of
    # the page (no anchor); 401/403/404 are the error pages (the app's ServiceError handler).
    on_refusal_redirect(back.split("#", 1)[0])
    action(current_user, idea_id)
    session[RECEIPT] = {"idea": idea_id, "done": done}
    return redirect(back)


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    return _vote_action(idea_id, services.cast, "cast")


@bp.post("/ideas/<int:idea_id>/vote/withdraw")
@login_required
def withdraw(idea_id: int):
    return _vote_action(idea_id, services.withdraw, "withdrawn")


@bp.before_app_request
def _take_receipt() -> None:
    """The receipt lives for the one request after the vote: the page it redirected to."""
    if RECEIPT in session:
        g.vote_receipt = session.pop(RECEIPT)


def vote_receipt(idea_id: int) -> str | None:
    """``"cast"`` or ``"withdrawn"`` when this request follows the member's vote on the idea."""
    receipt = g.get("vote_receipt")
    if isinstance(receipt, dict) and receipt.get("idea") == idea_id:
        return str(receipt.get("done"))
    return None


@bp.app_context_processor
def _receipt_helper() -> dict[str, Any]:
    return {"vote_receipt": vote_receipt}


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
