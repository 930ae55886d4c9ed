from __future__ import annotations

from flask import Blueprint, render_template, request

from livinglab.casestudies.queries import case_study_listing
from livinglab.challenges.queries import challenge_listing, idea_search
from livinglab.extensions import db
from livinglab.meetings.queries import meeting_listing
from livinglab.search.services import words

bp = Blueprint("search", __name__)


@bp.get("/search")
def index():
    q = request.args.get("q", "")[:200]
    challenges = ideas = cases = meetings = None
    if words(q):  # punctuation alone searches nothing, rather than listing everything
        challenges = db.paginate(challenge_listing(q=q), page=1, per_page=12, error_out=False)
        ideas = db.paginate(idea_search(q), page=1, per_page=20, error_out=False)
        cases = db.paginate(case_study_listing(q=q), page=1, per_page=6, error_out=False)
        meetings = db.paginate(
            meeting_listing(q=q, when="all", newest_first=True),
            page=1,
            per_page=6,
            error_out=False,
        )
    return render_template(
        "search/index.html",
        q=q if ideas is not None else "",
        challenges=challenges,
        ideas=ideas,
        cases=cases,
        meetings=meetings,
    )
