"""Voting that holds under load: a member's votes are serialised by a lock on their row,
an idea counts a member once (unique constraint), and every count is COUNT(*)."""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from livinglab import events, policy
from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.core.counting import count_per
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.ideas.models import Idea, IdeaStatus
from livinglab.text import spreadsheet_safe
from livinglab.votes.models import Vote


def _lock_member(user_id: int) -> None:
    """Starts a fresh transaction holding the member's row lock (PostgreSQL) or the write
    lock (SQLite): concurrent votes of one member then run one after the other.

    A vote is its own transaction: it ends the caller's read-only one (so nothing read before
    is stale) but refuses to commit writes the caller left pending."""
    if events.has_pending_writes():
        raise RuntimeError("A vote starts its own transaction: commit or roll back first.")
    db.session.commit()  # only reads to end: nothing is written by this commit
    db.session.execute(
        sa.update(User).where(User.id == user_id).values(session_version=User.session_version)
    )


def _idea(idea_id: int) -> Idea:
    idea = db.session.scalar(
        sa.select(Idea)
        .where(Idea.id == idea_id)
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.coauthors),
        )
    )
    if idea is None or not policy.can_view_idea(None, idea):
        db.session.rollback()
        raise Invalid(_l("This idea does not exist."), status=404)
    return idea


def count_for(idea_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Vote.id)).where(Vote.idea_id == idea_id)) or 0


def used_in(user_id: int, challenge_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Vote.id)).where(
                Vote.user_id == user_id, Vote.challenge_id == challenge_id
            )
        )
        or 0
    )


def _allowed(user: Any, idea_id: int, rule: Callable[[Any, Idea], policy.Verdict]) -> Idea:
    """The idea, once ``rule`` lets the member vote or withdraw. The member is locked first
    (:func:`_lock_member`), so the checks that follow read votes nobody else is changing."""
    require(policy.NOT_SIGNED_IN if not policy.is_member(user) else policy.ALLOW)
    _lock_member(user.id)
    idea = _idea(idea_id)
    verdict = rule(user, idea)
    if not verdict:
        db.session.rollback()
        require(verdict)
    return idea


def cast(user: Any, idea_id: int) -> int:
    """Adds the member's vote; returns the idea's new count."""
    idea = _allowed(user, idea_id, policy.can_vote)
    if db.session.scalar(
        sa.select(Vote.id).where(Vote.idea_id == idea.id, Vote.user_id == user.id)
    ):
        db.session.rollback()
        raise Conflict(_l("You have already voted for this idea."))
    budget = idea.challenge.votes_per_member
    if used_in(user.id, idea.challenge_id) >= budget:
        db.session.rollback()
        raise Conflict(
            lazy_ngettext(
                "You have no votes left in this challenge: 0 of %(num)d left.",
                "You have no votes left in this challenge: 0 of %(num)d left.",
                budget,
            )
        )
    db.session.add(
        Vote(idea_id=idea.id, challenge_id=idea.challenge_id, user_id=user.id, city_id=user.city_id)
    )
    try:
        db.session.commit()
    except IntegrityError:  # the unique constraint: a double vote slipped past the check
        db.session.rollback()
        raise Conflict(_l("You have already voted for this idea.")) from None
    return _announce(idea)


def withdraw(user: Any, idea_id: int) -> int:
    idea = _allowed(user, idea_id, policy.can_withdraw_vote)
    # Session.execute is typed as returning Result; a DML statement's is a CursorResult.
    removed = typing.cast(  # typing's: this module's cast() casts a vote
        "sa.CursorResult[Any]",
        db.session.execute(sa.delete(Vote).where(Vote.idea_id == idea.id, Vote.user_id == user.id)),
    ).rowcount
    if not removed:
        db.session.rollback()
        raise Conflict(_l("You have not voted for this idea."))
    db.session.commit()
    return _announce(idea)


def _announce(idea: Idea) -> int:
    """Publishes the idea's new count (after the commit) and returns it."""
    votes = count_for(idea.id)
    events.vote_changed.send(idea, votes=votes)
    return votes


def announce_count(idea_id: int) -> None:
    """Tells the idea's viewers its count after votes went another way (account deletion)."""
    idea = db.session.scalar(
        sa.select(Idea).where(Idea.id == idea_id).options(selectinload(Idea.challenge))
    )
    if idea is not None:
        _announce(idea)


def counts(idea_ids: Sequence[int]) -> dict[int, int]:
    return count_per(Vote.idea_id, Vote.idea_id.in_(idea_ids)) if idea_ids else {}


def my_votes(user_id: int | None, challenge_id: int) -> set[int]:
    if user_id is None:
        return set()
    return set(
        db.session.scalars(
            sa.select(Vote.idea_id).where(
                Vote.user_id == user_id, Vote.challenge_id == challenge_id
            )
        )
    )


def by_city(idea_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
    """Votes per partner city for each idea, largest first."""
    if not idea_ids:
        return {}
    rows = db.session.execute(
        sa.select(Vote.idea_id, City.name, sa.func.count(Vote.id))
        .join(City, Vote.city_id == City.id)
        .where(Vote.idea_id.in_(idea_ids))
        .group_by(Vote.idea_id, City.name)
        .order_by(Vote.idea_id, sa.func.count(Vote.id).desc(), City.name)
    ).all()
    result: dict[int, list[tuple[str, int]]] = {}
    for idea_id, city, n in rows:
        result.setdefault(idea_id, []).append((city, n))
    return result


def counts_visible(challenge: Challenge) -> bool:
    return bool(policy.can_see_vote_counts(challenge))


def ranking(challenge: Challenge) -> list[tuple[Idea, int]]:
    """Ideas by votes, ties to the earlier submission; withdrawn ideas left out."""
    votes = sa.func.count(Vote.id).label("votes")
    rows = db.session.execute(
        sa.select(Idea, votes)
        .outerjoin(Vote, Vote.idea_id == Idea.id)
        .where(
            Idea.challenge_id == challenge.id,
            Idea.status != IdeaStatus.withdrawn,
            Idea.hidden_at.is_(None),
        )
        .group_by(Idea.id)
        .order_by(votes.desc(), Idea.created_at, Idea.id)
        .options(selectinload(Idea.author))
    ).all()
    return [(idea, n) for idea, n in rows]


def results_csv(challenge: Challenge) -> str:
    ranked = ranking(challenge)
    cities = [c.name for c in db.session.scalars(sa.select(City).order_by(City.name))]
    breakdown = by_city([idea.id for idea, _ in ranked])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "idea_id", "title", "votes", "submitted_at", *cities])
    for rank, (idea, n) in enumerate(ranked, start=1):
        per_city = dict(breakdown.get(idea.id, []))
        row = [
            rank,
            idea.id,
            spreadsheet_safe(idea.title),
            n,
            idea.created_at.isoformat(),
            *(per_city.get(c, 0) for c in cities),
        ]
        writer.writerow(row)
    return out.getvalue()
