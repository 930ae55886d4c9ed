"""Participation figures of an event, as an EU town-twinning report asks for them: registered
and attended, by city, by profile kind, and from abroad. Counts only, never names."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.extensions import db
from livinglab.meetings.models import LINK_KINDS, Meeting, Registration, RegistrationStatus
from livinglab.meetings.queries import feed_meetings_all


@dataclass
class Figures:
    """What an EU town-twinning report asks for: registered and attended, by city, by
    profile kind, and how many came from another partner country than the host's."""

    registered: int = 0
    waiting: int = 0
    attended: int = 0
    from_abroad_registered: int = 0
    from_abroad_attended: int = 0
    by_city: list[tuple[City, int, int]] = field(default_factory=list)  # city, reg., attended
    by_kind: list[tuple[str, int, int]] = field(default_factory=list)  # kind, reg., attended


def of(meeting: Meeting) -> Figures:
    """Counted over the confirmed registrations; a guest without an account counts as
    ``guest`` and for the city of their delegation. "From abroad": from a partner city in
    another country than the lead host city, where the event takes place."""
    rows = db.session.execute(
        sa.select(Registration, User.profile_kind, City)
        .join(City, Registration.city_id == City.id)
        .outerjoin(User, Registration.user_id == User.id)
        .where(Registration.event_id == meeting.id)
    ).all()
    result = Figures()
    cities: dict[int, City] = {}
    registered_by_city: Counter[int] = Counter()
    attended_by_city: Counter[int] = Counter()
    registered_by_kind: Counter[str] = Counter()
    attended_by_kind: Counter[str] = Counter()
    for registration, profile_kind, city in rows:
        if registration.status == RegistrationStatus.waitlisted:
            result.waiting += 1
        if registration.status != RegistrationStatus.confirmed:
            continue
        kind = profile_kind.value if profile_kind is not None else "guest"
        abroad = city.country != meeting.city.country
        attended = registration.checked_in_at is not None
        cities[city.id] = city
        result.registered += 1
        registered_by_city[city.id] += 1
        registered_by_kind[kind] += 1
        result.from_abroad_registered += abroad
        if attended:
            result.attended += 1
            attended_by_city[city.id] += 1
            attended_by_kind[kind] += 1
            result.from_abroad_attended += abroad
    result.by_city = sorted(
        ((cities[i], n, attended_by_city[i]) for i, n in registered_by_city.items()),
        key=lambda row: (-row[1], row[0].name),
    )
    order = ("student", "young_artist", "other", "guest")
    result.by_kind = [
        (k, registered_by_kind[k], attended_by_kind[k]) for k in order if registered_by_kind[k]
    ]
    return result


def table(meeting: Meeting, numbers: Figures) -> tuple[list[str], list[list[Any]]]:
    """The figures as a table: one row per breakdown, for the CSV download."""
    head = ["event_id", "breakdown", "group", "registered", "attended"]
    rows: list[list[Any]] = [
        [meeting.id, "total", "all", numbers.registered, numbers.attended],
        [
            meeting.id,
            "origin",
            "from_abroad",
            numbers.from_abroad_registered,
            numbers.from_abroad_attended,
        ],
        [meeting.id, "total", "waiting_list", numbers.waiting, 0],
    ]
    rows += [[meeting.id, "city", c.slug, n, a] for c, n, a in numbers.by_city]
    rows += [[meeting.id, "profile_kind", k, n, a] for k, n, a in numbers.by_kind]
    return head, rows


EXPORT_HEAD = [
    "id",
    "title",
    "kind",
    "status",
    "host_city",
    "cohost_cities",
    "starts_at",
    "ends_at",
    "timezone",
    "venue_name",
    "online",
    "spoken_languages",
    "capacity",
    "registered",
    "attended",
    "challenge_ids",
    "idea_ids",
    "pilot_ids",
]


def export_rows() -> tuple[list[str], list[list[Any]]]:
    """Every event for the open data: what it is, where and when, how many came; no person."""
    rows = []
    for m in feed_meetings_all():
        numbers = of(m)
        ids = {k: [link.target_id for link in m.links if link.target_type == k] for k in LINK_KINDS}
        rows.append(
            [
                m.id,
                m.title,
                m.kind.value,
                m.status.value,
                m.city.slug,
                " ".join(sorted(c.slug for c in m.cohost_cities)),
                m.local_start.isoformat(),
                m.local_end.isoformat(),
                m.timezone,
                m.venue_name,
                bool(m.online_url),
                m.spoken_languages,
                m.capacity if m.capacity is not None else "",
                numbers.registered,
                numbers.attended,
                *(" ".join(map(str, ids[k])) for k in LINK_KINDS),
            ]
        )
    return EXPORT_HEAD, rows
