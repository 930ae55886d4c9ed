"""Open data: public content only, no emails, votes only as counts per idea and city."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from livinglab.api.core import bp
from livinglab.api.schema import operation
from livinglab.casestudies.queries import export_rows as case_study_rows
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge
from livinglab.challenges.queries import CHALLENGE_EAGER, public_ideas
from livinglab.cities.models import City
from livinglab.core.downloads import open_data
from livinglab.extensions import db
from livinglab.ideas.models import Idea
from livinglab.pilots.models import Pilot
from livinglab.votes.models import Vote


def _rows(dataset: str) -> tuple[list[str], list[list]]:
    if dataset == "case-studies":
        return case_study_rows()  # published only; no author, no contacts
    if dataset == "challenges":
        challenges = db.session.scalars(
            sa.select(Challenge)
            .where(Challenge.phase.in_(PUBLISHED_PHASES), Challenge.hidden_at.is_(None))
            .options(*CHALLENGE_EAGER)
            .order_by(Challenge.id)
        )
        head = [
            "id",
            "title",
            "summary",
            "phase",
            "themes",
            "lead_city",
            "cohost_cities",
            "votes_per_member",
            "published_at",
        ]
        return head, [
            [
                c.id,
                c.title,
                c.summary,
                c.phase.value,
                " ".join(c.themes),
                c.lead_city.slug,
                " ".join(sorted(x.slug for x in c.cohost_cities)),
                c.votes_per_member,
                c.published_at.isoformat() if c.published_at else "",
            ]
            for c in challenges
        ]
    if dataset == "ideas":
        ideas = db.session.scalars(public_ideas().order_by(Idea.id))
        head = ["id", "challenge_id", "title", "summary", "status", "created_at"]
        return head, [
            [i.id, i.challenge_id, i.title, i.summary, i.status.value, i.created_at.isoformat()]
            for i in ideas
        ]
    if dataset == "pilots":
        pilots = db.session.scalars(
            sa.select(Pilot)
            .options(selectinload(Pilot.city), selectinload(Pilot.milestones))
            .order_by(Pilot.id)
        )
        head = [
            "id",
            "idea_id",
            "challenge_id",
            "city",
            "status",
            "origin_id",
            "milestones_done",
            "milestones_total",
            "created_at",
        ]
        return head, [
            [
                p.id,
                p.idea_id,
                p.challenge_id,
                p.city.slug,
                p.status.value,
                p.origin_id or "",
                *p.progress,
                p.created_at.isoformat(),
            ]
            for p in pilots
        ]
    public = public_ideas().with_only_columns(Idea.id).subquery()
    counts = db.session.execute(
        sa.select(Vote.idea_id, City.slug, sa.func.count(Vote.id))
        .join(City, Vote.city_id == City.id)
        .where(Vote.idea_id.in_(sa.select(public.c.id)))
        .group_by(Vote.idea_id, City.slug)
        .order_by(Vote.idea_id, City.slug)
    ).all()
    return ["idea_id", "city", "votes"], [list(row) for row in counts]


DATASETS = {
    "challenges": _l("Challenges"),
    "ideas": _l("Ideas"),
    "pilots": _l("Pilots"),
    "votes": _l("Votes per idea and city"),
    "case-studies": _l("Case studies"),
}


def _summary(dataset: str, fmt: str) -> str:
    return _("Open data: %(dataset)s as %(format)s", dataset=DATASETS[dataset], format=fmt.upper())


def _content(values: dict[str, str]) -> dict:
    if values["fmt"] == "csv":
        return {"text/csv": {"schema": {"type": "string"}}}
    return {"application/json": {"schema": {"type": "object"}}}


@bp.get(
    "/export/<any(challenges, ideas, pilots, votes, 'case-studies'):dataset>.<any(csv, json):fmt>"
)
@operation(_summary, tag="open data", errors=False, content=_content)
def export(dataset: str, fmt: str) -> Response:
    head, rows = _rows(dataset)
    return open_data(dataset, fmt, head, rows)
