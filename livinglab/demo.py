"""Demo data: three members in each partner city, an administrator, and a few challenges.

Running it again changes nothing: accounts are found by email, challenges by title.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from livinglab.accounts.models import ProfileKind, Role, User
from livinglab.accounts.passwords import hash_password
from livinglab.casestudies.demo import seed as seed_case_studies
from livinglab.challenges import deadlines
from livinglab.challenges.models import Challenge, ChallengeTheme, Phase
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.demo_day import play
from livinglab.extensions import db
from livinglab.ideas.models import Coauthor, Idea, InvitationStatus
from livinglab.meetings.demo import seed_events
from livinglab.onboarding import consent

DEMO_PASSWORD = "heritage-lab-2022"  # noqa: S105 - published in the README on purpose
DEMO_DOMAIN = "demo.livinglab.eu"

# slug: (participant, their profile kind, expert, city representative)
PEOPLE = {
    "pavia": ("Giulia Rossi", ProfileKind.student, "Marco Bianchi", "Elena Ferri"),
    "poitiers": ("Léa Martin", ProfileKind.young_artist, "Hugo Bernard", "Claire Petit"),
    "coimbra": ("Inês Costa", ProfileKind.student, "João Almeida", "Rita Santos"),
    "iasi": ("Ioana Popescu", ProfileKind.young_artist, "Andrei Ionescu", "Maria Dumitru"),
    "besancon": ("Camille Girard", ProfileKind.student, "Louis Moreau", "Sophie Lambert"),
    "hildesheim": ("Lena Schmidt", ProfileKind.young_artist, "Jonas Weber", "Anna Fischer"),
    "salamanca": ("Lucía García", ProfileKind.student, "Pablo Sánchez", "Carmen López"),
    "turku": ("Aino Virtanen", ProfileKind.young_artist, "Mikko Nieminen", "Laura Mäkinen"),
}

ROLE_PREFIX = {Role.participant: "participant", Role.expert: "expert", Role.city_rep: "cityrep"}

# (title, lead, co-hosts, themes, phase, summary, body)
CHALLENGES = (
    (
        "A second life for the stables of the Visconti Castle",
        "pavia",
        ("coimbra",),
        ("sustainable-reuse", "circular-business"),
        Phase.open,
        "The castle's former stables stand empty. How can young people turn them into a place that pays for its own upkeep?",
        "The stables of the **Visconti Castle** have been closed for years.\n\n"
        "We look for uses that:\n\n- respect the building's fabric,\n- bring students and residents in,\n"
        "- earn enough to maintain the space.",
    ),
    (
        "Crowdfunding the restoration of Romanesque frescoes",
        "poitiers",
        ("besancon",),
        ("financing", "conservation"),
        Phase.open,
        "Small Romanesque churches around Poitiers hold frescoes that need care. Can citizens fund it together?",
        "Restoration budgets cover only the most famous sites. We want financing models that let "
        "communities adopt a fresco, follow its restoration and tell its story.",
    ),
    (
        "Students as guardians of the Alta and Sofia heritage site",
        "coimbra",
        (),
        ("youth-engagement", "governance"),
        Phase.voting,
        "The University of Coimbra's World Heritage area is lived in by thousands of students. How can they help look after it?",
        "We invite ideas for student-led stewardship: guided walks, repair days, a charter co-written with residents.",
    ),
    (
        "Reusing timber from half-timbered house restorations",
        "hildesheim",
        ("turku",),
        ("circular-business", "sustainable-reuse"),
        Phase.open,
        "Every restoration removes old oak beams. Could they become a resource instead of waste?",
        "Hildesheim's half-timbered houses are restored beam by beam. We look for a circular chain: "
        "salvage, grading, a market for reclaimed timber, and training for young carpenters.",
    ),
    (
        "Community governance for the porticoes of the Plaza Mayor",
        "salamanca",
        (),
        ("governance",),
        Phase.selection,
        "Shops, residents and visitors share the porticoes. Who decides how they are cared for?",
        "We want a governance model where every user of the porticoes has a voice and a duty.",
    ),
    (
        "Artist residencies in the old shipyard halls",
        "turku",
        (),
        ("youth-engagement", "sustainable-reuse"),
        Phase.open,
        "Turku's shipyard halls could host young artists. What would make a residency programme work?",
        "Residencies should leave something behind for the neighbourhood: open studios, workshops, public works.",
    ),
    (
        "Volunteer care for Vauban's fortifications",
        "besancon",
        ("poitiers",),
        ("governance", "financing"),
        Phase.closed,
        "The citadel's walls need constant small repairs. Can volunteers and sponsors share the work?",
        "A model for regular volunteer maintenance days, funded by local sponsors and supervised by experts.",
    ),
    (
        "Digital workshops in the Palace of Culture",
        "iasi",
        (),
        ("conservation", "youth-engagement"),
        Phase.proposed,
        "Teach conservation techniques to students with digital twins of the palace's rooms.",
        "A proposal waiting for the Iași city representative to publish it.",
    ),
)


# (challenge title prefix, author city, co-author cities, title, summary, body)
IDEAS = (
    (
        "A second life for the stables",
        "turku",
        ("iasi",),
        "A night market of local makers",
        "Stalls for young craftspeople under the stable vaults, rent paying for the restoration.",
        "Every Friday night the stables host **twenty stalls** of students and young artisans. "
        "Rents fund a maintenance reserve; the castle museum runs guided visits between the stalls.",
    ),
    (
        "A second life for the stables",
        "coimbra",
        (),
        "Open conservation workshop",
        "Let visitors watch restorers and students at work on the castle's wooden ceilings.",
        "A glass-walled workshop where apprentices learn from restorers, open to school classes.",
    ),
    (
        "Crowdfunding the restoration",
        "besancon",
        ("poitiers",),
        "Adopt a saint",
        "Donors adopt one painted figure and follow its restoration online.",
        "Each fresco is split into figures; donors receive photographs of every restoration step.",
    ),
    (
        "Students as guardians",
        "salamanca",
        ("coimbra",),
        "Guardian walks",
        "Students lead monthly walks that double as inspections of the heritage site.",
        "Walkers note cracks, graffiti and loose stones in a shared log the university maintains.",
    ),
    (
        "Students as guardians",
        "besancon",
        (),
        "Repair days with residents",
        "Twice a year students and residents repair railings, steps and benches together.",
        "A restorer trains volunteers in the morning; the afternoon is work on the site itself.",
    ),
    (
        "Reusing timber",
        "hildesheim",
        ("turku", "pavia"),
        "Reclaimed beam exchange",
        "A yard where salvaged oak beams are graded, stored and sold to restorers.",
        "Apprentice carpenters grade the beams; the exchange sells them at a fair price.",
    ),
)


# Coimbra's challenge is in voting with two ideas: one vote each makes choosing real.
VOTES_PER_MEMBER = {"coimbra": 1}
# Deadlines (ideas, voting, selection) in days from the seeding day: live countdowns.
DEADLINE_DAYS = {
    Phase.open: (21, 35, 49),
    Phase.voting: (-7, 9, 23),
    Phase.selection: (-21, -7, 14),
    Phase.closed: (-60, -45, -30),
}


def demo_account_lines() -> list[str]:
    lines = [f"admin@{DEMO_DOMAIN}  (administrator)"]
    for slug in PEOPLE:
        lines.append(
            f"{slug}: participant.{slug}@{DEMO_DOMAIN}, expert.{slug}@{DEMO_DOMAIN}, cityrep.{slug}@{DEMO_DOMAIN}"
        )
    return lines


def _ensure_user(
    email: str, name: str, city: City, role: Role, kind: ProfileKind, password_hash: str
) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            display_name=name,
            city_id=city.id,
            role=role,
            profile_kind=kind,
            password_hash=password_hash,
            preferred_language=None,
        )
        db.session.add(user)
        db.session.flush()
        consent.record(user)  # the demo's people joined as a newcomer does, accepting the terms
    return user


def seed() -> dict[str, int]:
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    if len(cities) < len(PEOPLE):
        raise RuntimeError(
            "The partner cities are missing: run `flask --app wsgi db upgrade` first."
        )
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: the password is public anyway
    users: dict[tuple[str, Role], User] = {}
    _ensure_user(
        f"admin@{DEMO_DOMAIN}",
        "Living Lab coordination",
        cities["pavia"],
        Role.admin,
        ProfileKind.other,
        password_hash,
    )
    for slug, (participant, kind, expert, rep) in PEOPLE.items():
        for role, name, profile in (
            (Role.participant, participant, kind),
            (Role.expert, expert, ProfileKind.other),
            (Role.city_rep, rep, ProfileKind.other),
        ):
            email = f"{ROLE_PREFIX[role]}.{slug}@{DEMO_DOMAIN}"
            users[(slug, role)] = _ensure_user(
                email, name, cities[slug], role, profile, password_hash
            )
    db.session.flush()

    now = utcnow()
    for index, (title, lead, cohosts, themes, phase, summary, body) in enumerate(CHALLENGES):
        if db.session.scalar(sa.select(Challenge.id).where(Challenge.title == title)) is not None:
            continue
        challenge = Challenge(
            title=title,
            summary=summary,
            body=body,
            phase=phase,
            lead_city_id=cities[lead].id,
            proposer_id=users[(lead, Role.participant)].id,
            created_at=now - timedelta(days=40 - index),
            published_at=None if phase == Phase.proposed else now - timedelta(days=30 - index),
            votes_per_member=VOTES_PER_MEMBER.get(lead, 3),
        )
        if phase in DEADLINE_DAYS:
            day = deadlines.today(now)  # the platform's calendar day, as the countdowns'
            ideas, voting, selection = (day + timedelta(days=d) for d in DEADLINE_DAYS[phase])
            challenge.ideas_deadline, challenge.voting_deadline = ideas, voting
            challenge.selection_deadline = selection
        challenge.cohost_cities = [cities[slug] for slug in cohosts]
        challenge.theme_rows = [ChallengeTheme(theme=theme) for theme in themes]
        db.session.add(challenge)
    db.session.flush()
    _seed_ideas(users, now)
    db.session.commit()
    seed_case_studies(users)  # one practice per city, and the members' participation answers
    seed_events()  # the 2022 twinning event in Pavia, and events to come (meetings/demo.py)
    play(password_hash)
    return {
        "ideas": db.session.scalar(sa.select(sa.func.count(Idea.id))) or 0,
        "users": db.session.scalar(sa.select(sa.func.count(User.id))) or 0,
        "challenges": db.session.scalar(sa.select(sa.func.count(Challenge.id))) or 0,
    }


def _seed_ideas(users: dict, now) -> None:
    for index, (prefix, author_city, coauthor_cities, title, summary, body) in enumerate(IDEAS):
        if db.session.scalar(sa.select(Idea.id).where(Idea.title == title)) is not None:
            continue
        challenge_id = db.session.scalar(
            sa.select(Challenge.id).where(Challenge.title.startswith(prefix))
        )
        if challenge_id is None:
            continue
        idea = Idea(
            challenge_id=challenge_id,
            author_id=users[(author_city, Role.participant)].id,
            title=title,
            summary=summary,
            body=body,
            created_at=now - timedelta(days=20 - index),
        )
        idea.coauthors = [
            Coauthor(user_id=users[(city, Role.participant)].id, status=InvitationStatus.accepted)
            for city in coauthor_cities
        ]
        db.session.add(idea)
