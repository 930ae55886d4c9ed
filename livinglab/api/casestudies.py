"""Case studies over JSON: list, read, write, change (and publish); the public statistics."""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from livinglab import policy
from livinglab.api import casestudy_schemas as cs
from livinglab.api.core import BadInput, bp, created, listing, page_of
from livinglab.api.schema import filters, member_operation, operation, payload, sent
from livinglab.casestudies import files, queries, services
from livinglab.casestudies.inputs import CaseInput, from_mapping, stored_values
from livinglab.casestudies.models import CaseStudy
from livinglab.errors import ServiceError, require


def _json(case: CaseStudy) -> dict[str, Any]:
    return cs.CaseStudy.of(case, queries.links_of([case.id])[case.id]).dump()


def _input(body: cs.CaseStudyFields, fields: set[str], base: dict[str, Any]) -> CaseInput:
    """``base`` (the stored case study, or nothing) with the fields sent; the site's parts are
    the form's ``site_name``, ``site_type``..."""
    values = {**base, **body.model_dump(include=fields - {"site", "status"})}
    if "site" in fields and body.site is not None:
        values.update({f"site_{key}": value for key, value in body.site.model_dump().items()})
    return from_mapping(values)


def _move(case_id: int, status: str | None) -> None:
    """Asks for publication, or publishes (each with its own rule)."""
    if status is None:
        return
    case = queries.load_case_study(case_id, current_user)
    if status == "submitted":
        services.submit(current_user, case)
    else:
        services.publish(current_user, case)


TAG = "case studies"
# Every write answers the case study as it is then.
writing = functools.partial(member_operation, tag=TAG, out=cs.CaseStudy)


@bp.get("/case-studies")
@operation(_l("Case studies (published)"), tag=TAG, out=cs.CaseStudyPage, query=cs.CaseStudyFilters)
def list_case_studies() -> Response:
    page_no, per_page, args = filters(cs.CaseStudyFilters)
    wanted = args.model_dump(include=set(queries.CASE_FILTERS))
    query = queries.case_study_listing(newest_first=False, whole=True, **wanted)
    page = page_of(query, page_no, per_page)
    links = queries.links_of([c.id for c in page.items])  # one query for the page
    return jsonify(listing(page, lambda c: cs.CaseStudy.of(c, links.get(c.id, [])).dump()))


def _answer(case_id: int, status: int = 200) -> Response:
    """The case study as it is now, loaded again with what its answer shows."""
    return created(_json(queries.load_case_study(case_id, current_user)), status)


@bp.post("/case-studies")
@writing(_l("Write a case study (a draft of one's city)"), ok=201, body=cs.CaseStudyInput)
def create_case_study() -> Response:
    body = payload(cs.CaseStudyInput)
    case = services.create(current_user, _input(body, sent(body) | {"site", "models"}, {}))
    _move(case.id, body.status)
    return _answer(case.id, 201)


@bp.get("/case-studies/<int:case_id>")
@operation(_l("A case study"), tag=TAG, out=cs.CaseStudy)
def get_case_study(case_id: int) -> Response:
    return _answer(case_id)


@bp.patch("/case-studies/<int:case_id>")
@writing(_l("Change a case study, ask for its publication or publish it"), body=cs.CaseStudyFields)
def update_case_study(case_id: int) -> Response:
    case = _editable(case_id)
    body = payload(cs.CaseStudyFields)
    fields = sent(body) - {"status"}
    if fields:
        services.edit(current_user, case, _input(body, fields, stored_values(case)))
    _move(case_id, body.status)
    return _answer(case_id)


def _editable(case_id: int) -> CaseStudy:
    """The case study, once the member may change it: who, before what was sent."""
    case = queries.load_case_study(case_id, current_user)
    require(policy.can_edit_case_study(current_user, case))
    return case


# --- Documents and images: multipart/form-data, as the case study's form sends them -------

FILE_FIELDS = {
    "documents": _l("PDF documents (at most 5 per case study)."),
    "images": _l("PNG, JPEG or WebP images (at most 8 per case study)."),
}


def _sent_files() -> tuple[list[Any], list[Any]]:
    """The files of a multipart body; any other field is refused by name."""
    if request.mimetype != "multipart/form-data":
        raise ServiceError(_("Send the files as multipart/form-data."), status=415)
    unknown = (set(request.form) | set(request.files)) - set(files.FIELDS)
    if unknown:
        raise BadInput(
            _("Please correct the marked fields."), {name: _("Unknown field.") for name in unknown}
        )
    return request.files.getlist("documents"), request.files.getlist("images")


@bp.post("/case-studies/<int:case_id>/files")
@writing(_l("Add PDF documents and images to a case study"), ok=201, files=FILE_FIELDS)
def add_case_study_files(case_id: int) -> Response:
    case = _editable(case_id)
    documents, images = _sent_files()
    services.add_files(current_user, case, documents, images)
    return _answer(case_id, 201)


@bp.delete("/case-studies/<int:case_id>/files/<int:attachment_id>")
@writing(_l("Remove a document or an image from a case study"))
def remove_case_study_file(case_id: int, attachment_id: int) -> Response:
    services.remove_file(current_user, _editable(case_id), attachment_id)
    return _answer(case_id)
