"""One schema per API resource: the model that validates a body, shapes an answer and is
described in the OpenAPI document.

Library: pydantic v2. It is the most widely maintained of the candidates (weekly releases, a
Rust core, typed models that mypy/pyright read), it generates JSON Schema 2020-12 itself —
the dialect of OpenAPI 3.1, which this API serves — and it needs no framework around Flask.
APIFlask would replace the blueprint, error handlers and docs page we already have;
flask-smorest + marshmallow carries a second type system (fields objects, not annotations) and
generates OpenAPI 3.0 through apispec plugins. What pydantic lacks for Flask is small and lives
here: the :func:`operation` decorator that records an endpoint's models for the document, and
:func:`payload` that validates the body the endpoint declared, mapping pydantic's errors to the
API's translated ``{"error": {"code": "invalid", "fields": {...}}}``.

The body is still read by :func:`livinglab.api.core.body` first (415, 413, nesting depth, NUL
and lone surrogates, unknown and missing fields by name), then checked by the model in strict
mode: no silent coercion ("5" is not 5, true is not 1), exactly as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import core_schema
from sqlalchemy import Select

from config import LANGUAGES
from livinglab.api.core import BadInput, body, page_of, paging, signed_in

# The language a text is written in (checked by the services: "Choose a language.").
LANGUAGE = {"type": "string", "enum": list(LANGUAGES)}


if TYPE_CHECKING:
    type Omittable[T] = T | None
else:

    class Omittable:
        """A body field that may be left out (then None) but not sent as null.

        Pydantic validates ``T`` alone, so ``null`` is refused ("This field is required."), and
        the default None is not validated; the type checker sees the value a view reads,
        ``T | None``. (``T | None`` for pydantic too would accept null, and add it to the
        document.)
        """

        def __class_getitem__(cls, item: Any) -> Any:
            return item


class In(BaseModel):
    """A request body: strict types, unknown fields refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Out(BaseModel):
    """An answer: exactly these fields (additionalProperties: false in the document)."""

    model_config = ConfigDict(extra="forbid")

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class Filters(BaseModel):
    """Query parameters of a listing; every one optional. ``page``/``per_page`` by paging()."""

    model_config = ConfigDict(extra="ignore")


@dataclass(frozen=True)
class Says:
    """Field metadata: the message for any wrong value of this field (else by error type)."""

    message: Any


@dataclass(frozen=True)
class Keyed:
    """Field metadata: errors inside this object are named by their key alone (a review's
    ``{"scores": {"feasibility": 6}}`` answers on ``feasibility``)."""

    unknown: Any  # the message for a key that is not one of the object's fields
    wrong: Any  # the message for a wrong value


# pydantic error types -> the field message a person reads. A field whose values have a
# meaning of their own (a phase, a date) says so with Says; any other wrong value is WRONG_TYPE.
MESSAGES: dict[str, Any] = {
    "missing": _l("This field is required."),
    "extra_forbidden": _l("Unknown field."),
}
WRONG_TYPE = _l("Wrong type.")


def _field_name(model: type[BaseModel], loc: tuple, kind: str) -> tuple[str, Any]:
    """The name an error is reported on, and the field's own message if it has one."""
    top = str(loc[0]) if loc else ""
    info = model.model_fields.get(top)
    metadata = info.metadata if info is not None else []
    says = next((m.message for m in metadata if isinstance(m, Says)), None)
    keyed = next((m for m in metadata if isinstance(m, Keyed)), None)
    if keyed is not None and len(loc) > 1:
        return str(loc[1]), keyed.unknown if kind == "extra_forbidden" else keyed.wrong
    if says is not None:
        return top, says  # the field as a whole: "themes", not "themes.0"
    return ".".join(str(part) for part in loc), None


def field_errors(model: type[BaseModel], error: ValidationError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for problem in error.errors():
        name, says = _field_name(model, tuple(problem["loc"]), problem["type"])
        if name in fields:
            continue  # one message per field: the first
        if says is not None:
            message = says
        elif problem["type"] in MESSAGES:
            message = MESSAGES[problem["type"]]
        elif problem.get("input", ...) is None:
            message = MESSAGES["missing"]  # null where a value is needed
        else:
            message = WRONG_TYPE
        fields[name] = str(message)
    return fields


def validate[M: BaseModel](model: type[M], data: dict[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise BadInput(_("Please correct the marked fields."), field_errors(model, error)) from None


# --- Operations ---------------------------------------------------------------------------


@dataclass
class Operation:
    """What the document says about one endpoint; the endpoint's own models, nothing copied."""

    summary: Any  # a lazy text, or a function of the address's values (the open-data files)
    tag: str
    ok: int = 200
    out: Any = None  # a model, a union of models, or None (no body: 204)
    body: type[In] | None = None
    query: type[Filters] | None = None
    secured: bool = False
    errors: bool = True  # the shared error answers (400 ... 429)
    content: Callable[[dict[str, str]], dict[str, Any]] | None = None  # a non-JSON answer
    # A multipart/form-data body of files instead of JSON: each field's name and description.
    files: dict[str, Any] | None = None


OPERATIONS: dict[str, Operation] = {}  # endpoint name -> operation


def operation(summary: Any, *, tag: str, **options: Any) -> Callable:
    """Registers the decorated endpoint's models for the document (see :mod:`openapi`)."""
    described = Operation(summary=summary, tag=tag, **options)

    def register(view: Callable) -> Callable:
        OPERATIONS[f"api.{view.__name__}"] = described
        return view

    return register


def member_operation(summary: Any, *, tag: str, **options: Any) -> Callable:
    """:func:`operation` for what only a signed-in member may do: the document says so
    (``secured``) and the view refuses anyone else (401) before it reads anything, so the two
    cannot disagree."""
    described = operation(summary, tag=tag, secured=True, **options)

    def register(view: Callable) -> Callable:
        @functools.wraps(view)
        def members_only(*args: Any, **kwargs: Any) -> Any:
            signed_in()
            return view(*args, **kwargs)

        return described(members_only)

    return register


def payload[M: In](model: type[M]) -> M:
    """The request body, validated by the model the endpoint declared (named again here so the
    type checker knows what the view gets; a different model would be a bug in the view)."""
    declared = OPERATIONS.get(f"{request.endpoint}")
    if declared is None or declared.body is not model:
        raise TypeError(f"{request.endpoint} declares {declared and declared.body}, not {model}")
    required = {name for name, info in model.model_fields.items() if info.is_required()}
    return validate(model, body(set(model.model_fields), required))


def sent(data: BaseModel) -> set[str]:
    """The fields the client sent (PATCH: the others keep their values)."""
    return set(data.model_fields_set)


def filters[M: BaseModel](model: type[M]) -> tuple[int, int, M]:
    """Page, page size and the other query parameters (text; an unknown value filters nothing)."""
    page, per_page = paging()
    values = {
        name: request.args.get(name, "")
        for name in model.model_fields
        if name not in ("page", "per_page")
    }
    return page, per_page, model.model_construct(None, **values)


def filtered_page(model: type[Filters], listing_of: Callable[..., Select[Any]]) -> Pagination:
    """The page asked for of a listing: ``listing_of`` gets the other query parameters of
    ``model`` by name (none for a plain :class:`Paged` list) and returns the query."""
    page_no, per_page, args = filters(model)
    query = listing_of(**args.model_dump(exclude={"page", "per_page"}))
    return page_of(query, page_no, per_page)


# --- JSON Schema --------------------------------------------------------------------------


class DocumentSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema, with ``default: null`` left out of fields that are optional but
    not nullable (a PATCH field may be left out, not sent as null)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # "Display Name" for display_name says nothing, and in English only

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> dict[str, Any]:
        if schema.get("default", ...) is None:
            return self.generate_inner(schema["schema"])
        return super().default_schema(schema)
