"""The Living Lab's figures, each one aggregated by the database (GROUP BY, UNION ALL): a page
costs the same few statements however many members and ideas there are.

Every function takes a :class:`Period` (None bounds: since the start, until now) so the
dashboard and the reports read the same numbers. Counted: accounts not deleted; public content
only (published challenges, ideas and comments not hidden, published case studies).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from livinglab.accounts.models import User
from livinglab.casestudies.models import CaseStatus, CaseStudy, KnowledgeLink
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge
from livinglab.discussion.models import Comment
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, InvitationStatus
from livinglab.meetings.models import Meeting, MeetingStatus, Registration, RegistrationStatus
from livinglab.pilots.models import Decision, DecisionKind, Pilot
from livinglab.reviews.models import Review
from livinglab.votes.models import Vote

FUNNEL = (
    "members",
    "ideas",
    "comments",
    "votes",
    "reviews",
    "approvals",
    "pilots",
    "replications",
)
CHALLENGE_FUNNEL = ("participants", *FUNNEL[1:])
LINKS = ("replications", "adaptations", "votes", "coauthors", "visits")
EVENTS = ("events", "registered", "attended")


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None  # inclusive

    def bounds(self, column: Any) -> list[Any]:
        """WHERE clauses keeping ``column`` (a UTC timestamp) inside the period."""
        where = []
        if self.start is not None:
            where.append(column >= datetime.combine(self.start, time(), UTC))
        if self.end is not None:
            where.append(column < datetime.combine(self.end + timedelta(days=1), time(), UTC))
        return where


ALWAYS = Period()


def _members(period: Period) -> list[Any]:
    return [User.deleted_at.is_(None), *period.bounds(User.created_at)]


def _public_ideas() -> list[Any]:
    return [
        Idea.hidden_at.is_(None),
        Idea.challenge_id.in_(
            sa.select(Challenge.id).where(
                Challenge.phase.in_(PUBLISHED_PHASES), Challenge.hidden_at.is_(None)
            )
        ),
    ]


def _visible_comments() -> list[Any]:
    return [Comment.deleted_at.is_(None), Comment.hidden_at.is_(None)]


def tag(name: str) -> Any:
    """A constant text column: written into the SQL, not bound, so every database types it in a
    UNION (PostgreSQL cannot type an untyped parameter there). Only names from this code."""
    assert name.replace("_", "").isalpha(), name
    return sa.literal_column(f"'{name}'")


def _grouped(
    metric: str, key: Any, where: list[Any], source: Any = None, join: tuple[Any, Any] | None = None
) -> sa.Select:
    query = sa.select(tag(metric).label("metric"), key.label("key"), sa.func.count())
    if source is not None:
        query = query.select_from(source)
    if join is not None:
        query = query.join(*join)
    return query.where(*where).group_by(key)


def _collect(parts: list[sa.Select]) -> dict[Any, dict[str, int]]:
    """Runs the parts as one UNION ALL: {key: {metric: count}}."""
    found: dict[Any, dict[str, int]] = defaultdict(dict)
    for metric, key, count in db.session.execute(sa.union_all(*parts)):
        if key is not None:
            found[key][metric] = found[key].get(metric, 0) + int(count)
    return dict(found)


def _by_author_city(metric: str, author: Any, created: Any, where: list[Any], period: Period):
    """A count per city of the members who wrote it (joined through the ``author`` column)."""
    return _grouped(
        metric,
        User.city_id,
        [*where, *period.bounds(created)],
        author.class_,
        (User, author == User.id),
    )


def funnel_by_city(period: Period = ALWAYS) -> dict[int, dict[str, int]]:
    """Per partner city, what its members did: joined, wrote ideas and comments, voted,
    reviewed; what the city decided: approvals, pilots, replications and adaptations made."""
    approved = Decision.kind == DecisionKind.approve
    copied = Pilot.origin_id.is_not(None)
    # A case study adapted as a challenge of the city is its replication of a practice.
    adapted = KnowledgeLink.relation == "adapted"
    within = period.bounds
    return _collect(
        [
            _grouped("members", User.city_id, _members(period)),
            _by_author_city("ideas", Idea.author_id, Idea.created_at, _public_ideas(), period),
            _by_author_city(
                "comments", Comment.author_id, Comment.created_at, _visible_comments(), period
            ),
            _grouped("votes", Vote.city_id, within(Vote.created_at)),
            _by_author_city("reviews", Review.expert_id, Review.created_at, [], period),
            _grouped("approvals", Decision.city_id, [approved, *within(Decision.created_at)]),
            _grouped("pilots", Pilot.city_id, within(Pilot.created_at)),
            _grouped("replications", Pilot.city_id, [copied, *within(Pilot.created_at)]),
            _grouped(
                "replications", KnowledgeLink.city_id, [adapted, *within(KnowledgeLink.created_at)]
            ),
        ]
    )


def funnel_by_challenge(period: Period = ALWAYS, city_ids: set[int] | None = None, limit: int = 30):
    """The funnel of the most recent published challenges (led by ``city_ids`` if given):
    [(challenge, {metric: count})], in two statements."""
    query = sa.select(Challenge).where(
        Challenge.phase.in_(PUBLISHED_PHASES), Challenge.hidden_at.is_(None)
    )
    if city_ids is not None:
        query = query.where(Challenge.lead_city_id.in_(city_ids))
    challenges = list(
        db.session.scalars(query.order_by(Challenge.published_at.desc()).limit(limit))
    )
    ids = [c.id for c in challenges]
    if not ids:
        return []
    public = [*_public_ideas(), Idea.challenge_id.in_(ids)]
    takers = sa.union(
        sa.select(Idea.challenge_id.label("c"), Idea.author_id.label("u")).where(
            *public, *period.bounds(Idea.created_at)
        ),
        sa.select(Comment.challenge_id, Comment.author_id).where(
            *_visible_comments(), Comment.challenge_id.in_(ids), *period.bounds(Comment.created_at)
        ),
        sa.select(Vote.challenge_id, Vote.user_id).where(
            Vote.challenge_id.in_(ids), *period.bounds(Vote.created_at)
        ),
    ).subquery()
    counts = _collect(
        [
            sa.select(tag("participants"), takers.c.c, sa.func.count(sa.distinct(takers.c.u)))
            .where(takers.c.u.is_not(None))
            .group_by(takers.c.c),
            _grouped("ideas", Idea.challenge_id, [*public, *period.bounds(Idea.created_at)]),
            _grouped(
                "comments",
                Comment.challenge_id,
                [
                    *_visible_comments(),
                    Comment.challenge_id.in_(ids),
                    *period.bounds(Comment.created_at),
                ],
            ),
            _grouped(
                "votes",
                Vote.challenge_id,
                [Vote.challenge_id.in_(ids), *period.bounds(Vote.created_at)],
            ),
            _grouped(
                "reviews",
                Idea.challenge_id,
                [*public, *period.bounds(Review.created_at)],
                Review,
                (Idea, Idea.id == Review.idea_id),
            ),
            _grouped(
                "approvals",
                Idea.challenge_id,
                [
                    *public,
                    Decision.kind == DecisionKind.approve,
                    *period.bounds(Decision.created_at),
                ],
                Decision,
                (Idea, Idea.id == Decision.idea_id),
            ),
            _grouped(
                "pilots",
                Pilot.challenge_id,
                [Pilot.challenge_id.in_(ids), *period.bounds(Pilot.created_at)],
            ),
            _grouped(
                "replications",
                Pilot.challenge_id,
                [
                    Pilot.challenge_id.in_(ids),
                    Pilot.origin_id.is_not(None),
                    *period.bounds(Pilot.created_at),
                ],
            ),
        ]
    )
    return [(c, counts.get(c.id, {})) for c in challenges]


def collaboration(period: Period = ALWAYS) -> dict[tuple[int, int], dict[str, int]]:
    """The city-to-city matrix, (from city, to city) -> {kind: count}: pilots replicated and
    case studies adapted or inspiring (from the origin's city to the new one), votes given to
    another city's ideas (from the voter's city to the author's), ideas co-authored across
    cities (from the lead author's city to the co-author's), people checked in at another
    city's event (from their city to the host's). One statement."""
    origin = aliased(Pilot)
    lead = aliased(User)
    partner = aliased(User)
    case_city = CaseStudy.city_id
    parts = [
        sa.select(tag("replications"), origin.city_id, Pilot.city_id, sa.func.count())
        .select_from(Pilot)
        .join(origin, Pilot.origin_id == origin.id)
        .where(origin.city_id != Pilot.city_id, *period.bounds(Pilot.created_at))
        .group_by(origin.city_id, Pilot.city_id),
        sa.select(tag("adaptations"), case_city, KnowledgeLink.city_id, sa.func.count())
        .select_from(KnowledgeLink)
        .join(CaseStudy, KnowledgeLink.case_study_id == CaseStudy.id)
        .where(case_city != KnowledgeLink.city_id, *period.bounds(KnowledgeLink.created_at))
        .group_by(case_city, KnowledgeLink.city_id),
        sa.select(tag("votes"), Vote.city_id, lead.city_id, sa.func.count())
        .select_from(Vote)
        .join(Idea, Vote.idea_id == Idea.id)
        .join(lead, Idea.author_id == lead.id)
        .where(Vote.city_id != lead.city_id, *period.bounds(Vote.created_at))
        .group_by(Vote.city_id, lead.city_id),
        sa.select(tag("coauthors"), lead.city_id, partner.city_id, sa.func.count())
        .select_from(Coauthor)
        .join(Idea, Coauthor.idea_id == Idea.id)
        .join(lead, Idea.author_id == lead.id)
        .join(partner, Coauthor.user_id == partner.id)
        .where(
            Coauthor.status == InvitationStatus.accepted,
            lead.city_id != partner.city_id,
            *_public_ideas(),
            *period.bounds(Idea.created_at),
        )
        .group_by(lead.city_id, partner.city_id),
        sa.select(tag("visits"), Registration.city_id, Meeting.city_id, sa.func.count())
        .select_from(Registration)
        .join(Meeting, Registration.event_id == Meeting.id)
        .where(
            Registration.checked_in_at.is_not(None),
            Registration.city_id != Meeting.city_id,
            Meeting.status == MeetingStatus.scheduled,
            *period.bounds(Meeting.starts_at),
        )
        .group_by(Registration.city_id, Meeting.city_id),
    ]
    matrix: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    for kind, source, target, count in db.session.execute(sa.union_all(*parts)):
        matrix[(source, target)][kind] = int(count)
    return dict(matrix)


def events_by_city(period: Period = ALWAYS) -> dict[int, dict[str, int]]:
    """Per city: events it hosted (not cancelled) that started in the period, and its people's
    confirmed seats and check-ins at the events of the period (wherever they were held)."""
    held = [Meeting.status == MeetingStatus.scheduled, *period.bounds(Meeting.starts_at)]
    seats = (Meeting, Registration.event_id == Meeting.id)
    return _collect(
        [
            _grouped("events", Meeting.city_id, held),
            _grouped(
                "registered",
                Registration.city_id,
                [*held, Registration.status == RegistrationStatus.confirmed],
                Registration,
                seats,
            ),
            _grouped(
                "attended",
                Registration.city_id,
                [*held, Registration.checked_in_at.is_not(None)],
                Registration,
                seats,
            ),
        ]
    )


def members_by_kind(period: Period = ALWAYS) -> dict[tuple[int, str], int]:
    """(city id, profile kind) -> members who joined in the period."""
    rows = db.session.execute(
        sa.select(User.city_id, User.profile_kind, sa.func.count())
        .where(*_members(period))
        .group_by(User.city_id, User.profile_kind)
    )
    return {(city, kind.value): n for city, kind, n in rows}


def members_by_month(city_ids: set[int] | None, since: date) -> dict[tuple[str, str], int]:
    """("YYYY-MM", profile kind) -> members who joined that month in these cities."""
    year = sa.extract("year", User.created_at)
    month = sa.extract("month", User.created_at)
    query = sa.select(year, month, User.profile_kind, sa.func.count()).where(
        *_members(Period(since, None))
    )
    if city_ids is not None:
        query = query.where(User.city_id.in_(city_ids))
    rows = db.session.execute(query.group_by(year, month, User.profile_kind))
    return {(f"{int(y):04d}-{int(m):02d}", kind.value): n for y, m, kind, n in rows}


def profile_counts(attribute: str) -> dict[tuple[int, str], int]:
    """(city id, answer) -> how many members give it now; ``attribute`` is "age_band" or
    "gender". Never for a period: two periods compared would single out who joined between."""
    column = {"age_band": User.age_band, "gender": User.gender}[attribute]
    rows = db.session.execute(
        sa.select(User.city_id, column, sa.func.count())
        .where(User.deleted_at.is_(None), column.is_not(None))
        .group_by(User.city_id, column)
    )
    return {(city, str(value)): n for city, value, n in rows}


def totals(period: Period = ALWAYS) -> dict[str, int]:
    """The headline counts, one statement."""
    parts = [
        sa.select(tag("members"), sa.func.count()).select_from(User).where(*_members(period)),
        sa.select(tag("challenges"), sa.func.count())
        .select_from(Challenge)
        .where(
            Challenge.phase.in_(PUBLISHED_PHASES),
            Challenge.hidden_at.is_(None),
            *period.bounds(Challenge.published_at),
        ),
        sa.select(tag("ideas"), sa.func.count())
        .select_from(Idea)
        .where(*_public_ideas(), *period.bounds(Idea.created_at)),
        sa.select(tag("pilots"), sa.func.count())
        .select_from(Pilot)
        .where(*period.bounds(Pilot.created_at)),
        sa.select(tag("case_studies"), sa.func.count())
        .select_from(CaseStudy)
        .where(CaseStudy.status == CaseStatus.published, *period.bounds(CaseStudy.published_at)),
        sa.select(tag("links"), sa.func.count())
        .select_from(KnowledgeLink)
        .where(*period.bounds(KnowledgeLink.created_at)),
    ]
    return {name: int(n) for name, n in db.session.execute(sa.union_all(*parts))}
