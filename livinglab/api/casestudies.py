"""Case studies over JSON: list, read, write, change (and publish); the public statistics."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab import policy
from livinglab.api import casestudy_schemas as cs
from livinglab.api.core import bp, created, listing, page_of, signed_in
from livinglab.api.schema import filters, operation, payload, sent
from livinglab.casestudies import queries, services
from livinglab.casestudies.inputs import CaseInput, IndicatorInput, ItemInput, ModelInput
from livinglab.casestudies.models import CaseStudy
from livinglab.errors import require

SITE = {
    "name": "site_name",
    "type": "site_type",
    "address": "site_address",
    "period": "site_period",
}
TEXTS = ("title", "summary", "problem", "body", "outcomes", "lessons", "contacts", "cost_notes")


def _json(case: CaseStudy) -> dict[str, Any]:
    return cs.CaseStudy.of(case, services.adaptations(case.id)).dump()


def _stored(case: CaseStudy) -> CaseInput:
    """The case study as it is, as an input a PATCH changes field by field."""
    return CaseInput(
        **{name: getattr(case, name) for name in TEXTS},
        **{field: getattr(case, field) for field in SITE.values()},
        year_started=case.year_started,
        total_cost=case.total_cost,
        themes=case.themes,
        models=[
            ModelInput(
                m.kind,
                m.description,
                [ItemInput(i.label, i.detail, i.amount) for i in m.items],
            )
            for m in case.models
        ],
        indicators=[IndicatorInput(i.name, i.unit, i.before, i.after) for i in case.indicators],
        language=case.language,
        other_languages=case.other_languages.split(),
    )


def _merge(data: CaseInput, body: cs.CaseStudyFields, fields: set[str]) -> CaseInput:
    for name in TEXTS:
        if name in fields:
            setattr(data, name, getattr(body, name))
    if "site" in fields and body.site is not None:
        for key, field in SITE.items():
            setattr(data, field, getattr(body.site, key))
    for name in ("year_started", "total_cost", "themes", "language", "other_languages"):
        if name in fields:
            setattr(data, name, getattr(body, name))
    if "models" in fields and body.models is not None:
        data.models = [
            ModelInput(
                m.kind, m.description, [ItemInput(i.label, i.detail, i.amount) for i in m.items]
            )
            for m in body.models
        ]
    if "indicators" in fields and body.indicators is not None:
        data.indicators = [
            IndicatorInput(i.name, i.unit, i.before, i.after) for i in body.indicators
        ]
    return data


def _move(case_id: int, status: str | None) -> None:
    """Asks for publication, or publishes (each with its own rule)."""
    if status is None:
        return
    case = queries.load_case_study(case_id, current_user)
    if status == "submitted":
        services.submit(current_user, case)
    else:
        services.publish(current_user, case)


@bp.get("/case-studies")
@operation(
    _l("Case studies (published)"),
    tag="case studies",
    out=cs.CaseStudyPage,
    query=cs.CaseStudyFilters,
)
def list_case_studies() -> Response:
    page_no, per_page, args = filters(cs.CaseStudyFilters)
    query = queries.case_study_listing(
        city=args.city,
        theme=args.theme,
        model=args.model,
        site_type=args.site_type,
        q=args.q,
        newest_first=False,
        whole=True,
    )
    page = page_of(query, page_no, per_page)
    links = queries.links_of([c.id for c in page.items])  # one query for the page
    return jsonify(listing(page, lambda c: cs.CaseStudy.of(c, links.get(c.id, [])).dump()))


@bp.post("/case-studies")
@operation(
    _l("Write a case study (a draft of one's city)"),
    tag="case studies",
    ok=201,
    out=cs.CaseStudy,
    body=cs.CaseStudyInput,
    secured=True,
)
def create_case_study() -> Response:
    signed_in()
    body = payload(cs.CaseStudyInput)
    data = _merge(CaseInput(language=body.language), body, sent(body) | {"site", "models"})
    case = services.create(current_user, data)
    _move(case.id, body.status)
    return created(_json(queries.load_case_study(case.id, current_user)))


@bp.get("/case-studies/<int:case_id>")
@operation(_l("A case study"), tag="case studies", out=cs.CaseStudy)
def get_case_study(case_id: int) -> Response:
    return jsonify(_json(queries.load_case_study(case_id, current_user)))


@bp.patch("/case-studies/<int:case_id>")
@operation(
    _l("Change a case study, ask for its publication or publish it"),
    tag="case studies",
    out=cs.CaseStudy,
    body=cs.CaseStudyFields,
    secured=True,
)
def update_case_study(case_id: int) -> Response:
    signed_in()
    case = queries.load_case_study(case_id, current_user)
    require(policy.can_edit_case_study(current_user, case))  # who, before what was sent
    body = payload(cs.CaseStudyFields)
    fields = sent(body) - {"status"}
    if fields:
        services.edit(current_user, case, _merge(_stored(case), body, fields))
        case = queries.load_case_study(case_id, current_user)
    _move(case_id, body.status)
    return jsonify(_json(queries.load_case_study(case_id, current_user)))
