"""Demo events: the Pavia twinning event of 4–7 April 2022 (where the Friendship Agreement
was signed), past, with its four-day agenda, its delegations and its minutes; and upcoming
events in Coimbra, Turku and Hildesheim.

Written directly as rows (the registration window of 2022 is long closed), found again by
title: running it twice changes nothing.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.challenges.models import Challenge
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingLink,
    Registration,
    RegistrationStatus,
)

TWINNING_TITLE = "CultCities twinning event in Pavia"
# The sessions where the cities' representatives spoke, by their cities.
SPEAKERS = {
    "Exchange of good practices, part 1": ("pavia", "coimbra"),
    "Exchange of good practices, part 2": ("turku", "hildesheim"),
    "Young people and heritage: an open discussion": ("iasi",),
}
ROME = ZoneInfo("Europe/Rome")

TWINNING_DESCRIPTION = """The founding twinning event of the Culture and Heritage Living Lab.
Delegations of the eight partner cities visited Pavia's heritage sites, exchanged good
practices and case studies, and discussed in the open how cities can care for their heritage
**with** young people. It ended with the signature of the **Friendship Agreement**."""

TWINNING_MINUTES = """## Summary

The delegations of the eight cities took part over four days. The delegations agreed to
build a permanent cooperation mechanism: this Living Lab.

## Decisions

1. The eight cities sign the Friendship Agreement and create the Culture and Heritage Living Lab.
2. Each city names a representative who publishes challenges and decides on pilots.
3. Young people (students and young artists) are at the centre of every challenge.
4. The next twinning event is hosted by another partner every year.

## Good practices presented

- Pavia: the adaptive reuse of the Visconti Castle's outbuildings.
- Coimbra: students as guides of the University heritage site.
- Turku: artist residencies in former industrial halls.
- Hildesheim: circular reuse of timber from half-timbered houses.

## Follow-up

The Pavia delegation proposes a first challenge on the castle stables, linked below."""

# (day, start, end, title, room, guests)
AGENDA = (
    (
        0,
        "10:00",
        "11:00",
        "Welcome of the delegations",
        "Palazzo Mezzabarba, Salone del Consiglio",
        "Mayor of Pavia",
    ),
    (0, "11:30", "13:00", "Visit: the Visconti Castle and its stables", "Castello Visconteo", ""),
    (0, "15:00", "17:30", "Visit: the Certosa di Pavia", "Certosa", ""),
    (1, "09:30", "12:30", "Exchange of good practices, part 1", "Collegio, Aula Magna", ""),
    (1, "14:00", "17:00", "Exchange of good practices, part 2", "Collegio, Aula Magna", ""),
    (2, "09:30", "12:30", "Case studies in small groups", "Collegio, seminar rooms", ""),
    (
        2,
        "14:30",
        "17:00",
        "Young people and heritage: an open discussion",
        "Collegio, Aula Magna",
        "",
    ),
    (
        3,
        "10:00",
        "12:00",
        "Signature of the Friendship Agreement",
        "Palazzo Mezzabarba, Salone del Consiglio",
        "",
    ),
    (3, "12:30", "14:00", "Closing lunch", "Palazzo Mezzabarba, courtyard", ""),
)

# (title, kind, host, cohosts, days ahead, days long, zone, venue, address, online, capacity,
#  challenge title prefix, description)
UPCOMING = (
    (
        "Study visit: students guiding the Alta and Sofia heritage site",
        MeetingKind.study_visit,
        "coimbra",
        ("salamanca",),
        35,
        2,
        "Europe/Lisbon",
        "Paço das Escolas",
        "Largo da Porta Férrea, Coimbra",
        "",
        25,
        "Students as guardians",
        "Two days with the student guides of the University of Coimbra's heritage site: how "
        "they are trained, what visitors learn from them, what it costs.",
    ),
    (
        "Online exchange: artist residencies in empty heritage buildings",
        MeetingKind.online_exchange,
        "turku",
        ("iasi",),
        14,
        0,
        "Europe/Helsinki",
        "",
        "",
        "https://meet.example.org/livinglab-residencies",
        None,
        "Artist residencies",
        "A two-hour online exchange between young artists and the cities that host them in "
        "former industrial halls. Bring your questions about contracts, heating and insurance.",
    ),
    (
        "Co-design session: a second life for restoration timber",
        MeetingKind.co_design,
        "hildesheim",
        ("turku", "pavia"),
        56,
        1,
        "Europe/Berlin",
        "Andreanum, Werkstatt",
        "Hagentorwall 17, Hildesheim",
        "",
        30,
        "Reusing timber",
        "Carpenters, architects, students and young designers sketch together what the timber "
        "removed during restorations can become.",
    ),
)


def _local(day: datetime, hhmm: str, zone: ZoneInfo) -> datetime:
    hours, minutes = (int(x) for x in hhmm.split(":"))
    wall = day.replace(hour=hours, minute=minutes, second=0, microsecond=0, tzinfo=zone)
    return wall.astimezone(UTC)


def _person(slug: str, prefix: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == f"{prefix}.{slug}@demo.livinglab.eu")
    )


def _challenge_id(prefix: str) -> int | None:
    return db.session.scalar(sa.select(Challenge.id).where(Challenge.title.startswith(prefix)))


def _register(meeting: Meeting, user: User, *, attended: bool, delegation: bool, by: User) -> None:
    db.session.add(
        Registration(
            event_id=meeting.id,
            user_id=user.id,
            city_id=user.city_id,
            in_delegation=delegation,
            registered_by_id=by.id,
            status=RegistrationStatus.confirmed,
            queued_at=meeting.created_at,
            created_at=meeting.created_at,
            check_in_code=secrets.token_urlsafe(18),
            checked_in_at=meeting.starts_at if attended else None,
        )
    )


def _twinning(cities: dict[str, City]) -> None:
    rep = _person("pavia", "cityrep")
    if rep is None:
        return
    start = datetime(2022, 4, 4)
    meeting = Meeting(
        title=TWINNING_TITLE,
        description=TWINNING_DESCRIPTION,
        language="en",
        kind=MeetingKind.twinning,
        city_id=cities["pavia"].id,
        starts_at=_local(start, "10:00", ROME),
        ends_at=_local(start + timedelta(days=3), "14:00", ROME),
        timezone="Europe/Rome",
        venue_name="Palazzo Mezzabarba",
        venue_address="Piazza del Municipio 2, Pavia",
        spoken_languages="it en",
        capacity=60,
        created_by_id=rep.id,
        created_at=datetime(2022, 2, 1, 9, 0, tzinfo=UTC),
        registration_closes_at=datetime(2022, 3, 25, 17, 0, tzinfo=UTC),
        minutes=TWINNING_MINUTES,
        minutes_updated_at=datetime(2022, 4, 12, 9, 0, tzinfo=UTC),
    )
    meeting.cohost_cities = []
    meeting.agenda = [
        AgendaItem(
            title=title,
            starts_at=_local(start + timedelta(days=day), begin, ROME),
            ends_at=_local(start + timedelta(days=day), end, ROME),
            room=room,
            guest_speakers=guests,
            speakers=[
                person
                for slug in SPEAKERS.get(title, ())
                if (person := _person(slug, "cityrep")) is not None
            ],
        )
        for day, begin, end, title, room, guests in AGENDA
    ]
    if (stables := _challenge_id("A second life for the stables")) is not None:
        meeting.links = [MeetingLink(target_type="challenge", target_id=stables, role="outcome")]
    db.session.add(meeting)
    db.session.flush()
    # Each city's delegation: its representative, expert and participant; one stayed home.
    for slug in cities:
        city_rep = _person(slug, "cityrep")
        for prefix in ("cityrep", "expert", "participant"):
            member = _person(slug, prefix)
            if member is None or city_rep is None:
                continue
            attended = not (slug == "iasi" and prefix == "participant")
            _register(meeting, member, attended=attended, delegation=True, by=city_rep)


def _upcoming(cities: dict[str, City]) -> None:
    now = utcnow()
    for (
        title,
        kind,
        host,
        cohosts,
        ahead,
        length,
        zone_name,
        venue,
        address,
        online,
        capacity,
        prefix,
        description,
    ) in UPCOMING:
        if db.session.scalar(sa.select(Meeting.id).where(Meeting.title == title)) is not None:
            continue
        rep = _person(host, "cityrep")
        if rep is None:
            continue
        zone = ZoneInfo(zone_name)
        day = now.astimezone(zone).replace(tzinfo=None) + timedelta(days=ahead)
        begin, end = (
            ("17:00", "19:00") if kind == MeetingKind.online_exchange else ("09:30", "17:30")
        )
        meeting = Meeting(
            title=title,
            description=description,
            language="en",
            kind=kind,
            city_id=cities[host].id,
            starts_at=_local(day, begin, zone),
            ends_at=_local(day + timedelta(days=length), end, zone),
            timezone=zone_name,
            venue_name=venue,
            venue_address=address,
            online_url=online,
            spoken_languages=f"{cities[host].language} en",
            capacity=capacity,
            created_by_id=rep.id,
            created_at=now - timedelta(days=3),
        )
        meeting.cohost_cities = [cities[s] for s in cohosts]
        if (challenge := _challenge_id(prefix)) is not None:
            meeting.links = [MeetingLink(target_type="challenge", target_id=challenge)]
        db.session.add(meeting)
        db.session.flush()
        for slug in ("pavia", "poitiers", host):
            member = _person(slug, "participant")
            if member is not None:
                exists = db.session.scalar(
                    sa.select(Registration.id).where(
                        Registration.event_id == meeting.id, Registration.user_id == member.id
                    )
                )
                if exists is None:
                    _register(meeting, member, attended=False, delegation=False, by=member)


def seed_events() -> int:
    """Adds the demo events that are missing; returns how many events there are."""
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    if db.session.scalar(sa.select(Meeting.id).where(Meeting.title == TWINNING_TITLE)) is None:
        _twinning(cities)
    _upcoming(cities)
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count(Meeting.id))) or 0
