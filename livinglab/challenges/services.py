"""Challenge operations: each checks the policy, validates, writes, audits and notifies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from livinglab import events, policy
from livinglab.accounts.models import User
from livinglab.challenges import deadlines, queries
from livinglab.challenges.models import THEMES, Challenge, ChallengeTheme, Phase
from livinglab.cities.models import City
from livinglab.core.inputs import required_texts
from livinglab.database import utcnow
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.i18n import content_language_for, supported
from livinglab.scheduler import PLATFORM, job

LIMITS = {"title": 160, "summary": 500, "body": 20_000}


@dataclass
class ChallengeInput:
    title: str = ""
    summary: str = ""
    body: str = ""
    themes: list[str] = field(default_factory=list)
    lead_city: str = ""
    cohost_cities: list[str] = field(default_factory=list)
    votes_per_member: int | None = 3
    hide_vote_counts: bool = False
    ideas_deadline: date | None = None
    voting_deadline: date | None = None
    selection_deadline: date | None = None
    # A code of config.LANGUAGES; None: the proposer's default (propose) or unchanged (edit).
    language: str | None = None


# The phases in their order, to tell a phase still to come (or under way) from one that is over.
_PHASE_ORDER = (Phase.proposed, Phase.open, Phase.voting, Phase.selection)


def _check_deadlines_ahead(
    data: ChallengeInput, challenge: Challenge | None, errors: dict[str, object]
) -> None:
    """A deadline set or changed for a phase not yet over must not be a day that has passed:
    the scheduler would close that phase at once. Deadlines left as they were stay valid."""
    current = challenge.phase if challenge is not None else Phase.proposed
    if current not in _PHASE_ORDER:
        return  # closed or declined: the deadlines are history
    today = deadlines.today()
    for phase, column in deadlines.DEADLINE_COLUMNS.items():
        day = getattr(data, column)
        unchanged = challenge is not None and getattr(challenge, column) == day
        if day is None or day >= today or unchanged:
            continue
        if _PHASE_ORDER.index(phase) >= _PHASE_ORDER.index(current):
            errors[column] = _l("This day has passed: choose today or a later day.")


def _validated(
    data: ChallengeInput, challenge: Challenge | None = None
) -> tuple[dict, City, list[City]]:
    errors: dict[str, object] = {}
    text = required_texts(data, LIMITS, errors)
    themes = sorted(set(data.themes))
    if not 1 <= len(themes) <= 3 or any(t not in THEMES for t in themes):
        errors["themes"] = _l("Choose one to three themes.")
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    lead = cities.get(data.lead_city)
    if lead is None:
        errors["lead_city"] = _l("Choose the lead city among the partners.")
    cohost_slugs = sorted(set(data.cohost_cities) - {data.lead_city})
    if any(slug not in cities for slug in cohost_slugs):
        errors["cohost_cities"] = _l("Co-hosts must be partner cities.")
    votes = data.votes_per_member
    if votes is None or not 1 <= votes <= 20:
        errors["votes_per_member"] = _l("Choose between 1 and 20 votes per member.")
    dated = [d for d in (data.ideas_deadline, data.voting_deadline, data.selection_deadline) if d]
    if dated != sorted(dated):
        errors["selection_deadline"] = _l(
            "Deadlines must follow the phases: ideas, then voting, then selection."
        )
    _check_deadlines_ahead(data, challenge, errors)
    if data.language is not None and not supported(data.language):
        errors["language"] = _l("Choose a language.")
    if errors or lead is None:  # a missing lead is among the errors
        raise Invalid(_l("Please correct the marked fields."), errors)
    return text, lead, [cities[s] for s in cohost_slugs]


def _apply(
    challenge: Challenge, data: ChallengeInput, text: dict, lead: City, cohosts: list[City]
) -> None:
    challenge.title, challenge.summary, challenge.body = (
        text["title"],
        text["summary"],
        text["body"],
    )
    challenge.lead_city_id = lead.id
    challenge.cohost_cities = cohosts
    wanted = set(data.themes)
    challenge.theme_rows = [row for row in challenge.theme_rows if row.theme in wanted] + [
        ChallengeTheme(theme=t)
        for t in sorted(wanted - {row.theme for row in challenge.theme_rows})
    ]
    challenge.ideas_deadline = data.ideas_deadline
    challenge.voting_deadline = data.voting_deadline
    challenge.selection_deadline = data.selection_deadline
    if data.language is not None:
        challenge.language = data.language


def propose(user: User, data: ChallengeInput) -> Challenge:
    require(policy.can_propose_challenge(user))
    text, lead, cohosts = _validated(data)
    challenge = Challenge(
        phase=Phase.proposed,
        proposer_id=user.id,
        votes_per_member=data.votes_per_member,
        hide_vote_counts=data.hide_vote_counts,
        language=content_language_for(user),
    )
    challenge.theme_rows = []
    _apply(challenge, data, text, lead, cohosts)
    db.session.add(challenge)
    db.session.flush()
    events.send(events.challenge_proposed, challenge, actor=user)  # audit, follow
    events.commit()
    return challenge


def edit(user: User, challenge: Challenge, data: ChallengeInput) -> None:
    require(policy.can_edit_challenge(user, challenge))
    text, lead, cohosts = _validated(data, challenge)
    for rule in ("votes_per_member", "hide_vote_counts"):
        if getattr(data, rule) != getattr(challenge, rule):
            verdict = policy.can_change_vote_rules(user, challenge)
            if not verdict:
                raise Invalid(verdict.reason, {rule: verdict.reason}, status=verdict.status)
            setattr(challenge, rule, getattr(data, rule))
    if lead.id != challenge.lead_city_id and not policy.can_change_phase(
        user, challenge, Phase.open
    ):
        # Only whoever may publish may hand the challenge to another lead city.
        message = _l("Only the lead city's representative may change the lead city.")
        raise Invalid(message, {"lead_city": message}, status=403)
    _apply(challenge, data, text, lead, cohosts)
    challenge.updated_at = utcnow()
    events.send(events.challenge_edited, challenge, actor=user)  # audit
    events.commit()


def change_phase(user: User, challenge: Challenge, to_phase: Phase, reason: str = "") -> None:
    """Publishing (proposed → open), declining, and every later phase change."""
    require(policy.can_change_phase(user, challenge, to_phase))
    reason = reason.strip()
    if to_phase == Phase.declined and not reason:
        message = _l("Say why the proposal is declined; the proposer will read it.")
        raise Invalid(message, {"reason": message})
    if len(reason) > 1000:
        raise Invalid(
            _l("Use at most 1000 characters."), {"reason": _l("Use at most 1000 characters.")}
        )
    _move(challenge, to_phase, user, reason)


def _move(challenge: Challenge, to_phase: Phase, actor: Any, reason: str) -> None:
    """Moves the phase once, audited and announced; Conflict if it moved meanwhile."""
    previous = challenge.phase
    # Compare-and-set: two clicks or two representatives at once move the phase only once.
    # Session.execute is typed as returning Result; a DML statement's is a CursorResult.
    moved = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            sa.update(Challenge)
            .where(Challenge.id == challenge.id, Challenge.phase == previous)
            .values(phase=to_phase)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise Conflict(_l("This challenge has just changed phase; reload the page."))
    challenge.phase = to_phase
    if to_phase == Phase.open and challenge.published_at is None:
        challenge.published_at = utcnow()
    if to_phase == Phase.declined:
        challenge.decline_reason = reason
    # Audit and the followers' notifications, in this transaction.
    events.send(
        events.challenge_phase_changing, challenge, actor=actor, previous=previous, reason=reason
    )
    events.commit()
    events.challenge_phase_changed.send(challenge, previous=previous)


@job("challenge-deadlines")
def close_passed_phases(now: datetime) -> int:
    """Moves every challenge whose phase's deadline has passed on to the next phase (several
    steps if several deadlines passed), each move by the platform, audited and announced to
    the followers like a representative's. Returns the number of moves; a second run finds
    nothing to do, and a challenge moved meanwhile by someone else is left as it is."""
    moves = 0
    for challenge_id in queries.past_deadline_ids(now):
        challenge = db.session.get(Challenge, challenge_id)
        while challenge is not None and (closed := deadlines.passed_deadline(challenge, now)):
            column = deadlines.DEADLINE_COLUMNS[challenge.phase]
            try:
                _move(
                    challenge,
                    deadlines.NEXT_PHASE[challenge.phase],
                    PLATFORM,
                    f"{column} {closed.isoformat()}",  # the audit log's reason: which one passed
                )
            except Conflict:  # moved by a representative or another process meanwhile
                break
            moves += 1
    return moves
