"""The public statistics over JSON: the dashboard's aggregates, the same small-cell rule."""

from __future__ import annotations

from datetime import date

from flask import Response, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from livinglab.api import casestudy_schemas as cs
from livinglab.api.core import BadInput, bp
from livinglab.api.schema import filters, operation
from livinglab.stats.figures import PROFILE_KINDS, figures
from livinglab.stats.participation import AGE_BANDS, GENDERS
from livinglab.stats.privacy import K
from livinglab.stats.queries import LINKS, Period


def parse_period(start: str, end: str) -> Period:
    """Two optional ISO dates; a wrong one, or a period that ends before it starts, is a 400
    with a message on its field."""
    values: dict[str, date | None] = {}
    problems: dict[str, str] = {}
    for name, raw in (("start", start), ("end", end)):
        try:
            values[name] = date.fromisoformat(raw) if raw else None
        except ValueError:
            values[name] = None
            problems[name] = _("A date as YYYY-MM-DD.")
    if not problems and values["start"] and values["end"] and values["end"] < values["start"]:
        problems["end"] = _("The period ends before it starts.")
    if problems:
        raise BadInput(_("Please correct the marked fields."), problems)
    return Period(values["start"], values["end"])


SUMMARY = _l(
    "Statistics: members, the funnel per city, collaboration between cities, age and gender"
)


@bp.get("/stats")
@operation(SUMMARY, tag="statistics", out=cs.Stats, query=cs.StatsFilters)
def stats() -> Response:
    _page, _per_page, args = filters(cs.StatsFilters)
    period = parse_period(args.start, args.end)
    data = figures(period, with_challenges=False)
    by_id = {c.id: c for c in data.cities}
    answer = cs.Stats(
        start=period.start.isoformat() if period.start else None,
        end=period.end.isoformat() if period.end else None,
        minimum_group=K,
        totals=data.totals,
        cities=[
            cs.CityStats(
                city=c.slug,
                members={k: data.members.get((c.id, k), 0) for k in PROFILE_KINDS},
                funnel=data.funnel_row(c.id),
                events=data.events_row(c.id),
                age_bands={b: data.ages.get(c.id, b) for b in AGE_BANDS},
                genders={g: data.genders.get(c.id, g) for g in GENDERS},
            )
            for c in data.cities
        ],
        all_cities=cs.AllCities(
            funnel=data.funnel_row(None),
            events=data.events_row(None),
            age_bands=data.ages.totals,
            genders=data.genders.totals,
        ),
        collaboration=[
            cs.Collaboration(
                source=by_id[source].slug,
                target=by_id[target].slug,
                **{kind: kinds.get(kind, 0) for kind in LINKS},
            )
            for (source, target), kinds in sorted(data.matrix.items())
            if source in by_id and target in by_id
        ],
    )
    return jsonify(answer.dump())
