"""The read side of case studies: the loader, the listing's filters (HTML and API alike), the one
library of knowledge (case studies beside completed pilots), links and the open data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from livinglab import policy
from livinglab.casestudies import services
from livinglab.casestudies.models import (
    MODEL_KINDS,
    SITE_TYPES,
    BusinessModel,
    CaseStatus,
    CaseStudy,
    CaseStudyTheme,
    KnowledgeLink,
)
from livinglab.challenges.models import THEMES, Challenge, ChallengeTheme
from livinglab.cities.models import City
from livinglab.core.links import path_for
from livinglab.errors import NotFound
from livinglab.extensions import db
from livinglab.pilots.models import Indicator, Pilot, PilotStatus
from livinglab.pilots.queries import replication_counts
from livinglab.search.services import matching_ids

CASE_FILTERS = ("city", "theme", "model", "site_type", "q")
LIBRARY_FILTERS = ("kind", "city", "theme", "model", "site_type", "q")
LIBRARY_KINDS = ("case_study", "practice")

CARD_EAGER = services.CARD_EAGER


def load_case_study(case_id: int, user: Any) -> CaseStudy:
    """The case study with everything its page reads; NotFound for a draft the reader may not
    see (the same answer as for one that does not exist)."""
    case = services.load(case_id)
    if case is None or not policy.can_view_case_study(user, case):
        raise NotFound()
    return case


def _city_id(slug: str) -> Any:
    return sa.select(City.id).where(City.slug == slug).scalar_subquery()


def _conditions(filters: Mapping[str, str]) -> list[Any]:
    """The WHERE clauses of the filters (CASE_FILTERS): published only; an unknown value
    filters nothing."""
    where: list[Any] = [CaseStudy.status == CaseStatus.published]
    city, theme, model = (filters.get(name, "") for name in ("city", "theme", "model"))
    if city:
        where.append(CaseStudy.city_id == _city_id(city))
    if theme in THEMES:
        where.append(
            CaseStudy.id.in_(
                sa.select(CaseStudyTheme.case_study_id).where(CaseStudyTheme.theme == theme)
            )
        )
    if model in MODEL_KINDS:
        where.append(
            CaseStudy.id.in_(
                sa.select(BusinessModel.case_study_id).where(BusinessModel.kind == model)
            )
        )
    if filters.get("site_type", "") in SITE_TYPES:
        where.append(CaseStudy.site_type == filters["site_type"])
    found = matching_ids("case_study", filters.get("q", ""))
    if found is not None:
        where.append(CaseStudy.id.in_(found))
    return where


def case_study_listing(
    *, newest_first: bool = True, whole: bool = False, **filters: str
) -> sa.Select:
    """Published case studies matching ``filters`` (CASE_FILTERS), newest first (else in id
    order, the API's); ``whole`` loads everything a case study's page shows, not only its card."""
    query = (
        sa.select(CaseStudy)
        .where(*_conditions(filters))
        .options(*(services.CASE_EAGER if whole else CARD_EAGER))
    )
    if not newest_first:
        return query.order_by(CaseStudy.id)
    return query.order_by(CaseStudy.published_at.desc(), CaseStudy.id.desc())


def waiting(user: Any) -> list[CaseStudy]:
    """Unpublished case studies this reader may act on: their own drafts, and those of the
    cities whose representatives they are (every city for admins)."""
    scope = policy.case_study_review_scope(user)
    mine = CaseStudy.author_id == user.id
    who: Any
    if scope.everywhere:
        who = sa.true()
    elif scope.city_ids:
        who = sa.or_(mine, CaseStudy.city_id.in_(scope.city_ids))
    else:
        who = mine
    return list(
        db.session.scalars(
            sa.select(CaseStudy)
            .where(CaseStudy.status != CaseStatus.published, who)
            .options(*CARD_EAGER)
            .order_by(CaseStudy.status.desc(), CaseStudy.created_at.desc())
            .limit(100)
        )
    )


# --- One library: case studies and completed pilots, with the same filters ----------------


@dataclass
class LibraryPage:
    """One page of the library, in the pagination's shape (items, page, pages, total)."""

    items: list[tuple[str, Any]]
    page: int
    per_page: int
    total: int
    replicated: dict[int, int]  # pilot id -> replications in other cities
    adapted: dict[int, int]  # case study id -> challenges, pilots and case studies it inspired

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def _practices(city: str, theme: str, model: str, site_type: str, q: str) -> sa.Select | None:
    """Completed pilots matching the filters; None when a filter rules them all out (a site
    type, which pilots do not have). A model type is matched as the challenge's theme."""
    if site_type in SITE_TYPES:
        return None
    # The kinds are constants written into the SQL: PostgreSQL cannot type a bound parameter
    # in a UNION's column list.
    query: sa.Select = sa.select(
        sa.literal_column("'practice'").label("kind"),
        Pilot.id.label("id"),
        Pilot.completed_at.label("at"),
    ).where(Pilot.status == PilotStatus.completed)
    if city:
        query = query.where(Pilot.city_id == _city_id(city))
    for wanted in {t for t in (theme, model) if t in THEMES}:
        query = query.where(
            Pilot.challenge_id.in_(
                sa.select(ChallengeTheme.challenge_id).where(ChallengeTheme.theme == wanted)
            )
        )
    found = matching_ids("idea", q)
    if found is not None:
        query = query.where(Pilot.idea_id.in_(found))
    return query


def library(args: dict[str, str], page: int, per_page: int = 12) -> LibraryPage:
    """Case studies and good practices side by side, newest first: one UNION for the page's
    ids, then each kind loaded with what its card shows (a fixed number of statements)."""
    kind = args.get("kind", "")
    filters = {k: args.get(k, "") for k in CASE_FILTERS}
    parts: list[sa.Select] = []
    if kind != "practice":
        parts.append(
            sa.select(
                sa.literal_column("'case_study'").label("kind"),
                CaseStudy.id.label("id"),
                CaseStudy.published_at.label("at"),
            ).where(*_conditions(filters))
        )
    if kind != "case_study" and (practices := _practices(**filters)) is not None:
        parts.append(practices)
    if not parts:
        return LibraryPage([], page, per_page, 0, {}, {})
    union = sa.union_all(*parts).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(union)) or 0
    rows = db.session.execute(
        sa.select(union.c.kind, union.c.id)
        .order_by(union.c.at.desc(), union.c.kind, union.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    case_ids = [i for k, i in rows if k == "case_study"]
    pilot_ids = [i for k, i in rows if k == "practice"]
    cases_by_id = {
        c.id: c
        for c in db.session.scalars(
            sa.select(CaseStudy).where(CaseStudy.id.in_(case_ids)).options(*CARD_EAGER)
        )
    }
    pilots_by_id = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Pilot)
            .where(Pilot.id.in_(pilot_ids))
            .options(
                selectinload(Pilot.idea),
                selectinload(Pilot.city),
                selectinload(Pilot.challenge).selectinload(Challenge.theme_rows),
                selectinload(Pilot.indicators).selectinload(Indicator.values),
            )
        )
    }
    items = [
        (k, cases_by_id[i] if k == "case_study" else pilots_by_id[i])
        for k, i in rows
        if i in (cases_by_id if k == "case_study" else pilots_by_id)
    ]
    return LibraryPage(
        items, page, per_page, total, replication_counts(pilot_ids), link_counts(case_ids)
    )


# --- Links --------------------------------------------------------------------------------


def links_of(case_ids: list[int]) -> dict[int, list[KnowledgeLink]]:
    """Each case study's links, with their cities, in one query."""
    found: dict[int, list[KnowledgeLink]] = {i: [] for i in case_ids}
    if case_ids:
        for row in db.session.scalars(
            sa.select(KnowledgeLink)
            .where(KnowledgeLink.case_study_id.in_(case_ids))
            .options(selectinload(KnowledgeLink.city))
            .order_by(KnowledgeLink.created_at)
        ):
            found[row.case_study_id].append(row)
    return found


def link_counts(case_ids: list[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    rows = db.session.execute(
        sa.select(KnowledgeLink.case_study_id, sa.func.count(KnowledgeLink.id))
        .where(KnowledgeLink.case_study_id.in_(case_ids))
        .group_by(KnowledgeLink.case_study_id)
    )
    return {case_id: n for case_id, n in rows}


@dataclass
class LinkView:
    relation: str
    target_type: str
    target_id: int
    title: str
    url: str
    city: str


def links_from(case_id: int) -> list[LinkView]:
    """What the case study inspired, with titles (three queries whatever the number of links)."""
    links = links_of([case_id])[case_id]
    titles = _titles({(k.target_type, k.target_id) for k in links})
    return [
        LinkView(
            link.relation,
            link.target_type,
            link.target_id,
            titles.get((link.target_type, link.target_id), ""),
            _url(link.target_type, link.target_id),
            link.city.name,
        )
        for link in links
        if (link.target_type, link.target_id) in titles
    ]


def inspired_by(target_type: str, target_id: int) -> list[CaseStudy]:
    """The published case studies a challenge, pilot or case study was inspired by (for a
    "Inspired by" line on its page), with their cities: one statement, as a page adds it."""
    return list(
        db.session.scalars(
            sa.select(CaseStudy)
            .join(KnowledgeLink, KnowledgeLink.case_study_id == CaseStudy.id)
            .join(City, City.id == CaseStudy.city_id)
            .where(
                KnowledgeLink.target_type == target_type,
                KnowledgeLink.target_id == target_id,
                CaseStudy.status == CaseStatus.published,
            )
            .options(contains_eager(CaseStudy.city))
            .order_by(KnowledgeLink.created_at)
        )
    )


# The page of each kind a knowledge link points at.
_PAGES: dict[str, Callable[[int], str]] = {
    "challenge": lambda i: path_for("challenges.show", challenge_id=i),
    "pilot": lambda i: path_for("pilots.show", pilot_id=i),
    "case_study": lambda i: path_for("casestudies.show", case_id=i),
}


def _url(target_type: str, target_id: int) -> str:
    return _PAGES[target_type](target_id)


def _titles(keys: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Titles of public targets only: a challenge still proposed (or hidden) stays unnamed."""
    wanted = {t: [i for k, i in keys if k == t] for t in ("challenge", "pilot", "case_study")}
    found: dict[tuple[str, int], str] = {}
    if wanted["challenge"]:
        for challenge in db.session.scalars(
            sa.select(Challenge).where(Challenge.id.in_(wanted["challenge"]))
        ):
            if challenge.is_published:
                found[("challenge", challenge.id)] = challenge.title
    if wanted["pilot"]:
        for pilot in db.session.scalars(
            sa.select(Pilot).where(Pilot.id.in_(wanted["pilot"])).options(selectinload(Pilot.idea))
        ):
            found[("pilot", pilot.id)] = pilot.idea.title
    if wanted["case_study"]:
        for case in db.session.scalars(
            sa.select(CaseStudy).where(
                CaseStudy.id.in_(wanted["case_study"]), CaseStudy.status == CaseStatus.published
            )
        ):
            found[("case_study", case.id)] = case.title
    return found


# --- Open data ----------------------------------------------------------------------------

EXPORT_HEAD = [
    "id",
    "title",
    "summary",
    "city",
    "site_name",
    "site_type",
    "site_period",
    "themes",
    "models",
    "year_started",
    "total_cost_eur",
    "language",
    "inspired",
    "published_at",
]


def export_rows() -> tuple[list[str], list[list]]:
    """Published case studies for the open data: no author, no contacts."""
    cases = list(db.session.scalars(case_study_listing(newest_first=False)))
    inspired = link_counts([c.id for c in cases])
    return EXPORT_HEAD, [
        [
            c.id,
            c.title,
            c.summary,
            c.city.slug,
            c.site_name,
            c.site_type,
            c.site_period,
            " ".join(c.themes),
            " ".join(sorted(c.model_kinds)),
            c.year_started if c.year_started is not None else "",
            c.total_cost if c.total_cost is not None else "",
            c.language,
            inspired.get(c.id, 0),
            c.published_at.isoformat() if c.published_at else "",
        ]
        for c in cases
    ]
