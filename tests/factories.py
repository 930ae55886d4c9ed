"""Test data builders beyond members (members come from the ``make_user`` fixture)."""

from __future__ import annotations

from itertools import count

import sqlalchemy as sa

from livinglab.challenges.models import Challenge, ChallengeTheme, Phase
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db

_serial = count(1)


def make_challenge(
    lead: str = "pavia",
    cohosts: tuple[str, ...] = (),
    phase: Phase = Phase.open,
    themes: tuple[str, ...] = ("conservation",),
    proposer_id: int | None = None,
    title: str | None = None,
    body: str = "A **heritage** problem worth solving.",
    language: str = "en",
) -> int:
    """Adds a challenge in the current app context and returns its id."""
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    n = next(_serial)
    challenge = Challenge(
        title=title or f"Challenge {n}",
        summary=f"Summary of challenge {n}",
        body=body,
        language=language,
        phase=phase,
        lead_city_id=cities[lead].id,
        proposer_id=proposer_id,
        published_at=None if phase in (Phase.proposed, Phase.declined) else utcnow(),
    )
    challenge.cohost_cities = [cities[slug] for slug in cohosts]
    challenge.theme_rows = [ChallengeTheme(theme=t) for t in themes]
    db.session.add(challenge)
    db.session.commit()
    return challenge.id


def make_idea(
    challenge_id: int,
    author_id: int,
    *,
    title: str | None = None,
    body: str = "An idea worth a pilot.",
    status: str = "submitted",
    coauthor_ids: tuple[int, ...] = (),
    language: str = "en",
) -> int:
    """Adds an idea (with accepted co-authors) in the current app context and returns its id."""
    from livinglab.ideas.models import Coauthor, Idea, IdeaStatus, InvitationStatus

    n = next(_serial)
    idea = Idea(
        challenge_id=challenge_id,
        author_id=author_id,
        title=title or f"Idea {n}",
        summary=f"Summary of idea {n}",
        body=body,
        language=language,
        status=IdeaStatus(status),
    )
    idea.coauthors = [
        Coauthor(user_id=uid, status=InvitationStatus.accepted) for uid in coauthor_ids
    ]
    db.session.add(idea)
    db.session.commit()
    return idea.id


def members_accept_terms() -> None:
    """Every member of the database accepts the current terms and privacy notice, as the
    registration form records it (for tests that make their members by hand and sign them in)."""
    from livinglab.accounts.models import User
    from livinglab.onboarding import consent
    from livinglab.onboarding.models import TermsAcceptance

    db.session.flush()
    accepted = sa.select(TermsAcceptance.user_id)
    for member in db.session.scalars(sa.select(User).where(User.id.not_in(accepted))):
        consent.record(member)
    db.session.commit()
