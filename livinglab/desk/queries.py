"""The read side of the desk: what needs a member now, in one query, and the navigation's
counts, in one query per page.

The sections a member gets follow the policy: everyone has invitations, replies, votes left,
their ideas and open challenges; an expert (policy.can_view_review_queue) the ideas waiting
for their review and their reviews in draft; whoever has a desk scope (policy.desk_scope: a city representative for
their city, an administrator for all) the proposals to publish, the phases due, the decisions
pending and the overdue milestones; moderators (policy.moderation_scope) the reported items;
those who decide role requests (policy.role_request_scope) the requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from livinglab import policy
from livinglab.challenges import deadlines
from livinglab.desk import oversight, sections
from livinglab.desk.shape import first_rows
from livinglab.extensions import db
from livinglab.notifications.models import Notification

# The order sections are shown in: what only this member can do first, then their own affairs.
ORDER = (
    "flagged",
    "requests",
    "publish",
    "phases",
    "decisions",
    "milestones",
    "drafts",
    "reviews",
    "invitations",
    "replies",
    "votes",
    "ideas",
    "open",
)
# Sections that ask the member to act; the others ("ideas", "open") inform.
TASKS = frozenset(ORDER) - {"ideas", "open"}


@dataclass(frozen=True)
class Item:
    """One row of a section; what each field holds is the section's (see desk.sections)."""

    ref: int
    title: str
    note: str | None = None
    detail: str | None = None
    number: int | None = None
    of: int | None = None
    day: date | None = None
    at: datetime | None = None


@dataclass
class Section:
    key: str
    items: list[Item] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        """How many rows the desk does not list (the section's page shows them)."""
        return self.total - len(self.items)


@dataclass
class Desk:
    sections: dict[str, Section]
    today: date

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections.values())

    def get(self, key: str) -> Section | None:
        return self.sections.get(key)

    @property
    def tasks(self) -> list[Section]:
        """The sections with something to do, in the desk's order."""
        return [s for s in self if s.key in TASKS and s.total]

    @property
    def waiting(self) -> int:
        return sum(s.total for s in self.tasks)


def _branches(user: Any, today: date) -> dict[str, sa.Select]:
    """The sections this member gets, as SELECTs (see livinglab.desk.sections)."""
    me = user.id
    wanted: dict[str, sa.Select] = {
        "invitations": sections.invitations(me),
        "replies": sections.replies(me),
        "ideas": sections.my_ideas(me),
        "open": sections.open_challenges(me, today),
    }
    if policy.is_verified(user):  # an unconfirmed address votes for nothing yet
        wanted["votes"] = sections.votes_left(me, policy.no_vote_scope(user), today)
    if policy.can_view_review_queue(user):
        wanted["reviews"] = sections.to_review(user)
        wanted["drafts"] = sections.review_drafts(user)
    if scope := policy.desk_scope(user):
        wanted["publish"] = oversight.to_publish(scope)
        wanted["phases"] = oversight.phases_due(scope, today)
        wanted["decisions"] = oversight.decisions_pending(scope)
        wanted["milestones"] = oversight.overdue_milestones(scope, today)
    if moderated := policy.moderation_scope(user):
        wanted["flagged"] = oversight.flagged(me, moderated)
    if (requests := policy.role_request_scope(user)).cities:
        wanted["requests"] = oversight.role_requests(me, requests)
    return wanted


def desk_for(user: Any) -> Desk:
    """Everything the member's desk shows, read in one query (UNION ALL of its sections)."""
    today = deadlines.today()
    branches = _branches(user, today)
    found = {key: Section(key) for key in ORDER if key in branches}
    union = sa.union_all(*(first_rows(branch) for branch in branches.values()))
    rows = db.session.execute(union).mappings().all()
    for row in sorted(rows, key=lambda r: (r["section"], r["rank"])):
        section = found[row["section"]]
        section.total = row["total"]
        section.items.append(
            Item(
                ref=row["ref"],
                title=row["title"] or "",
                note=row["note"],
                detail=row["detail"],
                number=row["number"],
                of=row["of"],
                day=row["day"],
                at=row["at"],
            )
        )
    return Desk(found, today)


@dataclass(frozen=True)
class NavCounts:
    """The navigation's numbers; None where the member has no such link."""

    unread: int = 0
    review_queue: int | None = None
    moderation: int | None = None


def _count(query: sa.Select) -> Any:
    return sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()


def nav_counts(user: Any) -> NavCounts:
    """Unread notifications, ideas waiting for an expert, reports waiting for a moderator:
    one query for every page a member opens."""
    columns = [
        sa.select(sa.func.count(Notification.id))
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .scalar_subquery()
        .label("unread")
    ]
    if policy.can_view_review_queue(user):
        columns.append(_count(sections.review_queue_ids(user)).label("review_queue"))
    if scope := policy.moderation_scope(user):
        columns.append(_count(oversight.flagged(user.id, scope)).label("moderation"))
    row = db.session.execute(sa.select(*columns)).mappings().one()
    return NavCounts(**row)
