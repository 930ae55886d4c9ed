"""A day in the demo's life, played through the real services so the audit log, the
decision log, notifications and the pilot pages show what a working day looks like.

It runs once, on a database whose audit log is still empty, with the audit clock set to
yesterday's hours. Every step goes through the same policy checks as a person would.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab.accounts import services as accounts
from livinglab.accounts.models import ProfileKind, Role, RoleRequest, User
from livinglab.audit.models import AuditEntry
from livinglab.audit.services import replay_clock
from livinglab.challenges import services as challenges
from livinglab.challenges.models import Challenge, Phase
from livinglab.challenges.queries import CHALLENGE_EAGER
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.discussion import services as discussion
from livinglab.extensions import db
from livinglab.ideas import services as ideas
from livinglab.ideas.models import Idea
from livinglab.moderation import services as moderation
from livinglab.pilots import decisions
from livinglab.pilots import services as pilots
from livinglab.reviews import services as reviews
from livinglab.votes import services as votes

DAY_TITLE = "Wayfinding along Hildesheim's Rose Route"
# The demo's texts are written in English, whatever the demo members' cities speak.
DEMO_LANGUAGE = "en"
SCORES = {
    "heritage_value": 5,
    "feasibility": 4,
    "circularity": 3,
    "youth_involvement": 5,
    "replicability": 4,
    "no_conflict": True,
}

# The two ideas the day's challenge receives, by their authors' cities.
DAY_IDEAS = (
    (
        "pavia",
        ideas.IdeaInput(
            title="Rose signs from reclaimed oak",
            summary="Carpentry students cut route signs from beams removed in restorations.",
            body="Each sign carries a rose carved by a student and a QR code to the story.",
            language=DEMO_LANGUAGE,
        ),
    ),
    (
        "iasi",
        ideas.IdeaInput(
            title="A painted line on the pavement",
            summary="A thin rose-coloured line painted by art students along the route.",
            body="Cheap and visible, refreshed every spring by a new class.",
            language=DEMO_LANGUAGE,
        ),
    ),
)


def _present[T](found: T | None) -> T:
    """Every row the day plays with was seeded or made earlier in the day."""
    if found is None:
        raise LookupError("the demo's data is not what the day expects")
    return found


def _person(slug: str, role: Role) -> User:
    prefix = {Role.participant: "participant", Role.expert: "expert", Role.city_rep: "cityrep"}
    return db.session.execute(
        sa.select(User).where(User.email == f"{prefix[role]}.{slug}@demo.livinglab.eu")
    ).scalar_one()


def _extra(email: str, name: str, slug: str, password_hash: str) -> User:
    city = db.session.execute(sa.select(City).where(City.slug == slug)).scalar_one()
    user = User(
        email=email,
        display_name=name,
        city_id=city.id,
        role=Role.participant,
        profile_kind=ProfileKind.student,
        password_hash=password_hash,
    )
    db.session.add(user)
    db.session.commit()
    return user


def _challenge(challenge_id: int) -> Challenge:
    return db.session.execute(
        sa.select(Challenge).where(Challenge.id == challenge_id).options(*CHALLENGE_EAGER)
    ).scalar_one()


def _idea(idea_id: int) -> Idea:
    return db.session.execute(
        sa.select(Idea)
        .where(Idea.id == idea_id)
        .options(
            selectinload(Idea.challenge).selectinload(Challenge.cohost_cities),
            selectinload(Idea.coauthors),
            selectinload(Idea.author),
        )
    ).scalar_one()


def play(password_hash: str) -> bool:
    """Plays yesterday once; returns whether it did."""
    if db.session.scalar(sa.select(sa.func.count(AuditEntry.id))):
        return False
    if db.session.scalar(sa.select(Challenge.id).where(Challenge.title == DAY_TITLE)):
        return False
    yesterday = (utcnow() - timedelta(days=1)).date()

    def at(hour: int, minute: int = 0) -> None:
        replay_clock.set(datetime.combine(yesterday, time(hour, minute), tzinfo=utcnow().tzinfo))

    def admin() -> User:
        return db.session.execute(
            sa.select(User).where(User.email == "admin@demo.livinglab.eu")
        ).scalar_one()

    def part(slug: str) -> User:
        return _person(slug, Role.participant)

    def rep(slug: str) -> User:
        return _person(slug, Role.city_rep)

    def expert(slug: str) -> User:
        return _person(slug, Role.expert)

    def member(user_id: int) -> User:
        return db.session.get_one(User, user_id)

    def request_of(user_id: int) -> RoleRequest:
        return db.session.execute(
            sa.select(RoleRequest)
            .where(RoleRequest.user_id == user_id)
            .options(selectinload(RoleRequest.user))
        ).scalar_one()

    sara = _extra("sara.conti@demo.livinglab.eu", "Sara Conti", "pavia", password_hash).id
    spammer = _extra("deals@demo.livinglab.eu", "Best Deals 24", "besancon", password_hash).id
    turku = part("turku").id
    try:
        at(8, 40)
        accounts.request_role(member(sara), "expert", "Conservator of frescoes, 12 years.")
        at(9, 5)
        accounts.request_role(member(turku), "city_rep", "I help at the youth centre.")
        at(9, 20)
        accounts.decide_role_request(rep("pavia"), request_of(sara), grant=True)
        at(9, 50)
        challenge = challenges.propose(
            part("hildesheim"),
            challenges.ChallengeInput(
                title=DAY_TITLE,
                summary="Visitors lose the Rose Route between the cathedral and St. Michael's. "
                "How can signs made by students lead them?",
                body="The **Rose Route** links Hildesheim's World Heritage churches. "
                "We look for wayfinding made with reused materials and designed by students.",
                themes=["youth-engagement", "sustainable-reuse"],
                lead_city="hildesheim",
                cohost_cities=["pavia"],
                language=DEMO_LANGUAGE,
            ),
        ).id
        at(10, 5)
        accounts.decide_role_request(
            admin(),
            request_of(turku),
            grant=False,
            reason="City representatives are named by the municipality; "
            "ask Turku's culture office to write to the coordination.",
        )
        at(10, 30)
        challenges.change_phase(rep("hildesheim"), _challenge(challenge), Phase.open)
        at(11, 0)
        idea, other = (
            ideas.submit(part(city), _challenge(challenge), text).id for city, text in DAY_IDEAS
        )
        at(11, 10)
        comment = discussion.post(
            member(spammer),
            "challenge",
            challenge,
            "Cheap watches!!! Visit best-deals.example",
            language=DEMO_LANGUAGE,
        ).id
        for minute, slug in ((15, "pavia"), (22, "iasi"), (31, "turku")):
            at(11, minute)
            moderation.flag(
                part(slug), _present(moderation.load_content("comment", comment)), "Advertising"
            )
        at(11, 45)
        moderation.decide(
            rep("hildesheim"),
            _present(moderation.load_content("comment", comment)),
            hide=True,
            reason="Advertising has no place in the Living Lab's discussions.",
        )
        at(12, 10)
        accounts.suspend(admin(), member(spammer), "Posted advertising under a challenge.")
        at(13, 0)
        for slug in ("salamanca", "besancon"):
            reviews.save(expert(slug), _idea(idea), {**SCORES, "assessment": "Sound and cheap."})
        reviews.save(
            expert("salamanca"),
            _idea(other),
            {**SCORES, "feasibility": 2, "assessment": "Fragile."},
        )
        at(13, 30)
        challenges.change_phase(rep("hildesheim"), _challenge(challenge), Phase.voting)
        for slug in ("turku", "hildesheim", "coimbra"):
            votes.cast(part(slug), idea)
        votes.cast(part("salamanca"), other)
        at(15, 0)
        challenges.change_phase(rep("hildesheim"), _challenge(challenge), Phase.selection)
        at(15, 30)
        approved = decisions.decide(rep("hildesheim"), _idea(idea), "hildesheim", "approve")[1]
        pilot = _present(approved).id
        at(15, 40)
        decisions.decide(
            rep("pavia"),
            _idea(other),
            "pavia",
            "reject",
            "Pavia's historic centre does not allow paint on its paving stones.",
        )
        at(16, 0)
        pilots.change_status(rep("hildesheim"), _present(pilots.load(pilot)), "running")
        pilots.add_milestone(
            rep("hildesheim"), _present(pilots.load(pilot)), "First ten signs up", None
        )
        at(17, 20)
        pilots.replicate(rep("coimbra"), _present(pilots.load(pilot)))
        at(18, 0)
        challenges.change_phase(rep("hildesheim"), _challenge(challenge), Phase.closed)
    finally:
        replay_clock.set(None)
    return True
