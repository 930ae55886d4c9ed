"""Demo case studies: one practice per partner city across the three kinds of model, two
"this inspired…" links, and participation answers for the demo members, so the library and
the statistics show something meaningful out of the box. Running it again changes nothing.

The practices themselves are data (``demo_cases.json``, in the form's own field names): each
goes through the same checks and the same writing code as one typed into the form.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from livinglab.accounts.models import Role, User
from livinglab.casestudies.inputs import from_mapping, validated
from livinglab.casestudies.models import CaseStatus, CaseStudy, KnowledgeLink
from livinglab.casestudies.services import written
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db

CASES_FILE = Path(__file__).with_name("demo_cases.json")

# A case study's city, and the title of a challenge of another city it inspired.
INSPIRED = (
    ("coimbra", "Reusing timber from half-timbered house restorations"),
    ("poitiers", "Community governance for the porticoes of the Plaza Mayor"),
)

# The demo members' voluntary answers: (age band, gender) per role, by city.
ANSWERS = {
    Role.participant: ("18-24", "woman"),
    Role.expert: ("over-30", "man"),
    Role.city_rep: ("over-30", "woman"),
}


def cases() -> list[dict[str, Any]]:
    return json.loads(CASES_FILE.read_text(encoding="utf-8"))


def seed(users: dict[tuple[str, Role], User]) -> int:
    """Adds what is missing; ``users`` are the demo members by (city slug, role)."""
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    now = utcnow()
    made = 0
    for n, case in enumerate(cases()):
        if db.session.scalar(sa.select(CaseStudy.id).where(CaseStudy.title == case["title"])):
            continue
        when = now - timedelta(days=60 - 5 * n)
        db.session.add(_published(case, cities[case["city"]], users, when))
        made += 1
    db.session.flush()
    _link(users)
    for (_slug, role), user in users.items():
        if role in ANSWERS and user.age_band is None and user.gender is None:
            user.age_band, user.gender = ANSWERS[role]
    db.session.commit()
    return made


def _published(case: dict[str, Any], city: City, users: dict, when: datetime) -> CaseStudy:
    """Written by the city's demo participant in English (the city's language beside it),
    published two days later by its representative."""
    values = {
        **case,
        "language": "en",
        "other_languages": [city.language],
        "contacts": f"Heritage office, {city.municipality}",
    }
    row = written(users[(city.slug, Role.participant)], validated(from_mapping(values)))
    row.status = CaseStatus.published
    row.created_at, row.published_at = when, when + timedelta(days=2)
    row.published_by_id = users[(city.slug, Role.city_rep)].id
    return row


def _link(users: dict) -> None:
    titles = {case["city"]: case["title"] for case in cases()}
    for slug, challenge_title in INSPIRED:
        case = db.session.scalar(sa.select(CaseStudy).where(CaseStudy.title == titles[slug]))
        challenge = db.session.scalar(
            sa.select(Challenge).where(Challenge.title == challenge_title)
        )
        if case is None or challenge is None:
            continue
        exists = db.session.scalar(
            sa.select(KnowledgeLink.id).where(
                KnowledgeLink.case_study_id == case.id,
                KnowledgeLink.target_type == "challenge",
                KnowledgeLink.target_id == challenge.id,
            )
        )
        if exists is None:
            db.session.add(
                KnowledgeLink(
                    case_study_id=case.id,
                    target_type="challenge",
                    target_id=challenge.id,
                    relation="inspired",
                    city_id=challenge.lead_city_id,
                    created_by_id=users[(slug, Role.city_rep)].id,
                )
            )
