"""A report of activity and participation for a period and a city (or all cities): the
dashboard's figures for that period, and the lists a council or the funder asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, selectinload

from livinglab.casestudies.models import CaseStatus, CaseStudy, KnowledgeLink
from livinglab.challenges.models import PUBLISHED_PHASES, Challenge, challenge_cohost
from livinglab.cities.models import City
from livinglab.core.links import path_for
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.pilots.models import Pilot
from livinglab.stats.figures import Figures, figures
from livinglab.stats.queries import Period

EARLIEST = date(2022, 1, 1)  # the Friendship Agreement was signed in April 2022
LONGEST = timedelta(days=3 * 366)


@dataclass
class Replication:
    kind: str  # "pilot" or "adapted" or "inspired"
    title: str
    source: City
    target: City
    on: Any
    url: str


@dataclass
class Report:
    period: Period
    city: City | None
    figures: Figures
    challenges: list[Challenge] = field(default_factory=list)
    pilots: list[Pilot] = field(default_factory=list)
    replications: list[Replication] = field(default_factory=list)
    case_studies: list[CaseStudy] = field(default_factory=list)

    @property
    def scope_name(self) -> str:
        return self.city.name if self.city else str(_l("All partner cities"))

    @property
    def slug(self) -> str:
        """For file names: living-lab-report-besancon-2026-01-01-2026-03-31."""
        start, end = self.period.start, self.period.end
        return f"living-lab-report-{self.city.slug if self.city else 'all'}-{start}-{end}"


def parse_period(start: Any, end: Any) -> Period:
    """A whole period, both ends given, from 2022 on, at most three years long; every wrong
    field named at once."""
    errors: dict[str, object] = {}
    days: dict[str, date | None] = {}
    for name, raw in (("start", start), ("end", end)):
        try:
            days[name] = raw if isinstance(raw, date) else date.fromisoformat(str(raw or ""))
        except ValueError:
            days[name] = None
            errors[name] = _l("Enter a date as year-month-day, such as 2026-03-31.")
    first, last = days["start"], days["end"]
    if first and last:
        if last < first:
            errors["end"] = _l("The period ends before it starts: choose an end after the start.")
        elif first < EARLIEST or last > date.today() + timedelta(days=366):
            errors["start"] = _l("Choose a period from 2022 on.")
        elif last - first > LONGEST:
            errors["end"] = _l("Choose a period of at most three years.")
    if errors or first is None or last is None:
        raise Invalid(_l("Please correct the marked fields."), errors)
    return Period(first, last)


def quarter(year: int, number: int) -> tuple[date, date]:
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return start, end - timedelta(days=1)


def _challenges(period: Period, city: City | None) -> list[Challenge]:
    query = sa.select(Challenge).where(
        Challenge.phase.in_(PUBLISHED_PHASES),
        Challenge.hidden_at.is_(None),
        *period.bounds(Challenge.published_at),
    )
    if city is not None:
        cohosted = sa.select(challenge_cohost.c.challenge_id).where(
            challenge_cohost.c.city_id == city.id
        )
        query = query.where(sa.or_(Challenge.lead_city_id == city.id, Challenge.id.in_(cohosted)))
    return list(
        db.session.scalars(
            query.options(selectinload(Challenge.lead_city)).order_by(Challenge.published_at)
        )
    )


def _pilots(period: Period, city: City | None) -> list[Pilot]:
    query = sa.select(Pilot).where(*period.bounds(Pilot.created_at))
    if city is not None:
        query = query.where(Pilot.city_id == city.id)
    return list(
        db.session.scalars(
            query.options(
                selectinload(Pilot.idea), selectinload(Pilot.city), selectinload(Pilot.origin)
            ).order_by(Pilot.created_at)
        )
    )


def _replications(period: Period, city: City | None, pilots: list[Pilot]) -> list[Replication]:
    """Pilots replicated, case studies adapted or inspiring, in the period (involving the city)."""
    cities = {c.id: c for c in db.session.scalars(sa.select(City))}
    found = [
        Replication(
            "pilot",
            p.idea.title,
            cities[p.origin.city_id],
            p.city,
            p.created_at,
            path_for("pilots.show", pilot_id=p.id),
        )
        for p in pilots
        if p.origin is not None
    ]
    if city is not None:  # pilots of other cities replicated from this city's
        origin = aliased(Pilot)
        for p in db.session.scalars(
            sa.select(Pilot)
            .join(origin, Pilot.origin_id == origin.id)
            .where(origin.city_id == city.id, *period.bounds(Pilot.created_at))
            .options(selectinload(Pilot.idea), selectinload(Pilot.city), selectinload(Pilot.origin))
        ):
            found.append(
                Replication(
                    "pilot",
                    p.idea.title,
                    city,
                    p.city,
                    p.created_at,
                    path_for("pilots.show", pilot_id=p.id),
                )
            )
    links = sa.select(KnowledgeLink).where(*period.bounds(KnowledgeLink.created_at))
    if city is not None:
        links = links.where(
            sa.or_(
                KnowledgeLink.city_id == city.id,
                KnowledgeLink.case_study_id.in_(
                    sa.select(CaseStudy.id).where(CaseStudy.city_id == city.id)
                ),
            )
        )
    for link in db.session.scalars(links.options(selectinload(KnowledgeLink.case_study))):
        found.append(
            Replication(
                link.relation,
                link.case_study.title,
                cities[link.case_study.city_id],
                cities[link.city_id],
                link.created_at,
                path_for("casestudies.show", case_id=link.case_study_id),
            )
        )
    return sorted(found, key=lambda r: r.on)


def _case_studies(period: Period, city: City | None) -> list[CaseStudy]:
    query = sa.select(CaseStudy).where(
        CaseStudy.status == CaseStatus.published, *period.bounds(CaseStudy.published_at)
    )
    if city is not None:
        query = query.where(CaseStudy.city_id == city.id)
    return list(
        db.session.scalars(
            query.options(selectinload(CaseStudy.city), selectinload(CaseStudy.models)).order_by(
                CaseStudy.published_at
            )
        )
    )


def build(period: Period, city: City | None) -> Report:
    pilots = _pilots(period, city)
    return Report(
        period=period,
        city=city,
        figures=figures(period, city),
        challenges=_challenges(period, city),
        pilots=pilots,
        replications=_replications(period, city, pilots),
        case_studies=_case_studies(period, city),
    )
