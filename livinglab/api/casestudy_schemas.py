"""Case studies and statistics in JSON: what the API accepts and answers (and documents)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask import url_for
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field

from livinglab.api.schema import Filters, In, Omittable, Out, Says
from livinglab.api.schemas import Language, Stamp, dates, same

Number = int | float
# "<5": fewer than five people; "hidden": five or more, hidden so that no "<5" can be worked out
Count = int | Literal["<5", "hidden"]


# --- Bodies -------------------------------------------------------------------------------


class SiteInput(In):
    name: str
    type: str
    address: str = ""
    period: str = ""


class ItemInput(In):
    label: str
    detail: str = ""
    amount: Number | None = None


class ModelInput(In):
    kind: str
    description: str
    items: list[ItemInput] = Field(default_factory=list, max_length=12)


class IndicatorInput(In):
    name: str
    unit: str
    before: Number | None = None
    after: Number | None = None


class CaseStudyFields(In):
    """Every field of a case study, none required: what a PATCH may change. ``status``
    "submitted" asks the city's representatives to publish it; "published" publishes it."""

    title: Omittable[str] = None
    summary: Omittable[str] = None
    problem: Omittable[str] = None
    body: Omittable[str] = None
    outcomes: Omittable[str] = None
    lessons: Omittable[str] = None
    contacts: Omittable[str] = None
    site: Omittable[SiteInput] = None
    year_started: int | None = None
    total_cost: Number | None = None
    cost_notes: Omittable[str] = None
    themes: Omittable[Annotated[list[str], Says("A list of slugs.")]] = None
    models: Omittable[Annotated[list[ModelInput], Field(max_length=3)]] = None
    indicators: Omittable[Annotated[list[IndicatorInput], Field(max_length=12)]] = None
    language: Omittable[Language] = None
    other_languages: Omittable[list[str]] = None
    status: Omittable[Literal["submitted", "published"]] = None


class CaseStudyInput(CaseStudyFields):
    """A new case study (a draft of the author's city)."""

    title: str
    summary: str
    problem: str
    body: str
    site: SiteInput
    themes: Annotated[list[str], Says("A list of slugs.")]
    models: Annotated[list[ModelInput], Field(max_length=3)]


class CaseStudyFilters(Filters):
    city: str = ""
    theme: str = ""
    model: str = ""
    site_type: str = ""
    q: str = ""
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


class StatsFilters(Filters):
    start: str = Field("", description=_l("YYYY-MM-DD: from this day on (none: since the start)."))
    end: str = Field("", description=_l("YYYY-MM-DD: up to this day (none: until today)."))


# --- Answers ------------------------------------------------------------------------------


class Site(Out):
    name: str
    type: str
    address: str
    period: str


class Item(Out):
    label: str
    detail: str
    amount: float | None


class Model(Out):
    kind: Literal["circular-business", "financing", "governance"]
    description: str
    items: list[Item]


class Indicator(Out):
    name: str
    unit: str
    before: float | None
    after: float | None


class File(Out):
    id: int  # what DELETE /case-studies/{id}/files/{attachment_id} names
    name: str
    url: str
    content_type: str


class Inspired(Out):
    relation: Literal["adapted", "inspired"]
    target_type: Literal["challenge", "pilot", "case_study"]
    target_id: int
    city: str


class CaseStudy(Out):
    id: int
    title: str
    summary: str
    problem: str
    body: str
    outcomes: str
    lessons: str
    contacts: str
    city: str
    status: Literal["draft", "submitted", "published"]
    language: Language
    other_languages: list[str]
    site: Site
    year_started: int | None
    total_cost: float | None
    cost_notes: str
    themes: list[str]
    models: list[Model]
    indicators: list[Indicator]
    documents: list[File]
    images: list[File]
    inspired: list[Inspired]
    created_at: Stamp
    published_at: str | None

    @classmethod
    def of(cls, c: Any, links: list[Any]) -> CaseStudy:
        def file(a: Any) -> File:
            url = url_for("uploads.download", attachment_id=a.id, name=a.original_name)
            return File(id=a.id, name=a.original_name, url=url, content_type=a.content_type)

        return cls(
            **same(c, "id", "title", "summary", "problem", "body", "outcomes", "lessons"),
            **same(c, "contacts", "language", "year_started", "total_cost", "cost_notes"),
            **dates(c, "created_at", "published_at"),
            city=c.city.slug,
            status=c.status.value,
            other_languages=c.other_languages.split(),
            site=Site(
                name=c.site_name, type=c.site_type, address=c.site_address, period=c.site_period
            ),
            themes=c.themes,
            models=[
                Model(
                    kind=m.kind,
                    description=m.description,
                    items=[Item(**same(i, "label", "detail", "amount")) for i in m.items],
                )
                for m in c.models
            ],
            indicators=[
                Indicator(**same(i, "name", "unit", "before", "after")) for i in c.indicators
            ],
            documents=[file(a) for a in c.documents],
            images=[file(a) for a in c.images],
            inspired=[
                Inspired(
                    relation=link.relation,
                    target_type=link.target_type,
                    target_id=link.target_id,
                    city=link.city.slug,
                )
                for link in links
            ],
        )


class CaseStudyPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[CaseStudy]
    page: int
    per_page: int
    total: int


class CityStats(Out):
    city: str
    members: dict[str, int]  # per profile kind
    funnel: dict[str, int]
    events: dict[str, int]  # hosted, seats taken, check-ins
    age_bands: dict[str, Count]
    genders: dict[str, Count]


class Collaboration(Out):
    source: str  # the giving city: origin of a replication, voters, lead author
    target: str
    replications: int
    adaptations: int
    votes: int
    coauthors: int
    visits: int  # people of the source city checked in at the target city's events


class AllCities(Out):
    funnel: dict[str, int]
    events: dict[str, int]
    age_bands: dict[str, Count]
    genders: dict[str, Count]


class Stats(Out):
    start: str | None
    end: str | None
    minimum_group: int  # age band and gender counts below it are "<5"
    totals: dict[str, int]
    cities: list[CityStats]
    all_cities: AllCities
    collaboration: list[Collaboration]
