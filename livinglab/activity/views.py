from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload

from livinglab import policy
from livinglab.challenges.models import Challenge, Phase
from livinglab.challenges.queries import CHALLENGE_EAGER, IDEA_EAGER
from livinglab.extensions import db
from livinglab.follows.models import Follow
from livinglab.ideas.models import Coauthor, Idea, InvitationStatus

bp = Blueprint("activity", __name__)
LIMIT = 50  # the most recent of each kind; the lists link on to the full pages


def _followed(model: Any, kind: str, user_id: int) -> Sequence[Any]:
    """What the member follows of one kind (``model``'s rows), by title."""
    followed = sa.select(Follow.target_id).where(
        Follow.user_id == user_id, Follow.target_type == kind
    )
    query = sa.select(model).where(model.id.in_(followed)).order_by(model.title).limit(LIMIT)
    return db.session.scalars(query).all()


@bp.get("/activity")
@login_required
def index():
    me = current_user.id
    mine = sa.select(Coauthor.idea_id).where(
        Coauthor.user_id == me, Coauthor.status == InvitationStatus.accepted
    )
    ideas = db.session.scalars(
        sa.select(Idea)
        .where(sa.or_(Idea.author_id == me, Idea.id.in_(mine)))
        .options(*IDEA_EAGER)
        .order_by(Idea.created_at.desc())
        .limit(LIMIT)
    ).all()
    invitations = db.session.scalars(
        sa.select(Coauthor)
        .where(Coauthor.user_id == me, Coauthor.status == InvitationStatus.invited)
        .options(selectinload(Coauthor.idea))
        .order_by(Coauthor.invited_at.desc())
        .limit(LIMIT)
    ).all()
    proposed = db.session.scalars(
        sa.select(Challenge)
        .where(Challenge.proposer_id == me)
        .options(*CHALLENGE_EAGER)
        .order_by(Challenge.created_at.desc())
        .limit(LIMIT)
    ).all()
    to_decide = []
    if scope := policy.proposals_to_decide_scope(current_user):
        waiting = sa.select(Challenge).where(Challenge.phase == Phase.proposed)
        if not scope.everywhere:
            waiting = waiting.where(Challenge.lead_city_id.in_(scope.city_ids))
        to_decide = db.session.scalars(
            waiting.options(*CHALLENGE_EAGER).order_by(Challenge.created_at).limit(LIMIT)
        ).all()
    return render_template(
        "activity/index.html",
        ideas=ideas,
        invitations=invitations,
        proposed=proposed,
        to_decide=to_decide,
        followed_challenges=_followed(Challenge, "challenge", me),
        followed_ideas=_followed(Idea, "idea", me),
        form=FlaskForm(),
    )
