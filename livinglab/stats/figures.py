"""The figures of the dashboard, the API's ``/stats`` and the reports, assembled once.

Every table is built from the aggregates of livinglab.stats.queries; the age band and gender
tables pass through livinglab.stats.privacy before anyone sees them, for a whole table (so a
city's row taken out for its report is suppressed as it is on the dashboard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from livinglab.accounts.models import ProfileKind
from livinglab.cities import queries as city_queries
from livinglab.cities.models import City
from livinglab.stats import privacy, queries
from livinglab.stats.participation import AGE_BANDS, GENDERS
from livinglab.stats.queries import ALWAYS, EVENTS, FUNNEL, LINKS, Period

PROFILE_KINDS = [k.value for k in ProfileKind]


@dataclass
class Figures:
    period: Period
    cities: list[City]
    city: City | None  # the one city of a report, or None for all
    totals: dict[str, int]
    members: dict[tuple[int, str], int]  # (city id, profile kind) -> members
    funnel: dict[int, dict[str, int]]
    events: dict[int, dict[str, int]]  # city id -> events hosted, seats, check-ins
    matrix: dict[tuple[int, int], dict[str, int]]
    ages: privacy.Table  # members' current answers, whatever the period
    genders: privacy.Table
    challenges: list[tuple[Any, dict[str, int]]] = field(default_factory=list)

    @property
    def shown_cities(self) -> list[City]:
        return [self.city] if self.city else self.cities

    def funnel_row(self, city_id: int | None) -> dict[str, int]:
        """A city's funnel, or (None) every city's summed."""
        if city_id is not None:
            return {m: self.funnel.get(city_id, {}).get(m, 0) for m in FUNNEL}
        return {m: sum(row.get(m, 0) for row in self.funnel.values()) for m in FUNNEL}

    def events_row(self, city_id: int | None) -> dict[str, int]:
        rows = [self.events.get(city_id, {})] if city_id is not None else self.events.values()
        return {m: sum(row.get(m, 0) for row in rows) for m in EVENTS}

    def members_of(self, city_id: int | None) -> dict[str, int]:
        return {
            kind: sum(n for (c, k), n in self.members.items() if k == kind and city_id in (None, c))
            for kind in PROFILE_KINDS
        }

    def link(self, source: int, target: int) -> dict[str, int]:
        return self.matrix.get((source, target), {})

    def link_total(self, source: int, target: int) -> int:
        return sum(self.link(source, target).values())

    @property
    def matrix_rows(self) -> list[tuple[City, City, dict[str, int]]]:
        """Every non-empty pair touching the shown cities, as a list (for CSV and reports)."""
        ids = {c.id for c in self.shown_cities}
        by_id = {c.id: c for c in self.cities}
        return [
            (by_id[s], by_id[t], kinds)
            for (s, t), kinds in sorted(self.matrix.items())
            if (s in ids or t in ids) and s in by_id and t in by_id
        ]

    def link_totals(self) -> dict[str, int]:
        return {
            kind: sum(kinds.get(kind, 0) for _s, _t, kinds in self.matrix_rows) for kind in LINKS
        }


def figures(
    period: Period = ALWAYS,
    city: City | None = None,
    *,
    challenges_of: set[int] | None = None,
    with_challenges: bool = True,
) -> Figures:
    """Everything, in a fixed number of statements (about ten)."""
    cities = city_queries.by_name()
    city_ids = [c.id for c in cities]
    result = Figures(
        period=period,
        cities=cities,
        city=city,
        totals=queries.totals(period),
        members=queries.members_by_kind(period),
        funnel=queries.funnel_by_city(period),
        events=queries.events_by_city(period),
        matrix=queries.collaboration(period),
        ages=privacy.suppress(queries.profile_counts("age_band"), city_ids, AGE_BANDS),
        genders=privacy.suppress(queries.profile_counts("gender"), city_ids, GENDERS),
    )
    if with_challenges:
        scope = {city.id} if city else challenges_of
        result.challenges = queries.funnel_by_challenge(period, scope)
    return result
