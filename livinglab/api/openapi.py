"""The OpenAPI 3.1 document of API v1, generated from the endpoints' own models.

Each endpoint declares its summary, models and query parameters once with
:func:`livinglab.api.schema.operation`; the addresses come from Flask's URL map, so a route
cannot be served undocumented or documented at the wrong address. Written by hand here is
only the frame: the info, the security schemes, the shared error answers and the
``Idempotency-Key`` header.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, get_args

from flask import Response, current_app, jsonify, render_template
from flask_babel import gettext as _
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

from livinglab.api.core import bp
from livinglab.api.schema import OPERATIONS, DocumentSchema, Operation
from livinglab.api.schemas import Error

REF = "#/components/schemas/{model}"
# <int:idea_id>, <any(challenges, ideas, pilots):kind>
VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(model=name)}


def error_responses() -> dict[str, Any]:
    """The error answers every operation may give, described in the reader's language."""
    texts = {
        400: _("Invalid input, with per-field messages"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Unknown"),
        405: _("Method not allowed on this address"),
        409: _("Wrong phase or state, or a duplicate"),
        413: _("Too large"),
        415: _("Not JSON"),
        429: _("Rate-limited"),
    }
    return {
        str(code): {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
        for code, text in texts.items()
    }


def idempotency_parameter() -> dict:
    return {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": _(
            "Makes a retry safe: the same key from the same member within 24 hours returns "
            "the first response (marked Idempotent-Replayed: true) and writes nothing again. "
            "The same key for a different request answers 422; while the first request is "
            "still running, a retry waits for it, then answers 409."
        ),
    }


def addresses(rule: str) -> list[tuple[str, dict[str, str], list[str]]]:
    """A Flask rule as OpenAPI paths: each ``any(...)`` choice is a path of its own; the
    other variables (whole-number ids) stay path parameters."""
    choices: list[list[tuple[str, str]]] = []
    for found in VARIABLE.finditer(rule):
        if found["converter"] == "any":
            options = [o.strip().strip("'\"") for o in (found["args"] or "").split(",")]
            choices.append([(found["name"], option) for option in options])
    result = []
    for picked in itertools.product(*choices):
        values = dict(picked)
        params: list[str] = []

        def write(found: re.Match, values: dict[str, str] = values, params: list = params) -> str:
            if found["name"] in values:
                return values[found["name"]]
            params.append(found["name"])
            return "{" + found["name"] + "}"

        path = VARIABLE.sub(write, rule)[len(bp.url_prefix or "") :]
        result.append((path, values, params))
    return result


def _schemas() -> tuple[dict[Any, dict], dict[str, dict]]:
    """Every model the operations name, as JSON Schema: (reference per model, components)."""
    models: set[type[BaseModel]] = {Error}
    for described in OPERATIONS.values():
        for model in (described.body, *_union(described.out)):
            if model is not None:
                models.add(model)
    ordered = sorted(models, key=lambda m: m.__name__)
    refs, definitions = models_json_schema(
        [(m, "validation") for m in ordered], ref_template=REF, schema_generator=DocumentSchema
    )
    components = definitions.get("$defs", {})
    for schema in components.values():  # docstrings are for programmers, in English only
        schema.pop("description", None)
        schema.pop("title", None)
    return {model: refs[(model, "validation")] for model in ordered}, components


def _union(out: Any) -> tuple:
    return get_args(out) or (out,)  # Pilot | Rejection: either


def _out_schema(out: Any, refs: dict[Any, dict]) -> dict:
    members = [refs[m] for m in _union(out)]
    return members[0] if len(members) == 1 else {"anyOf": members}


def _query(described: Operation) -> list[dict]:
    if described.query is None:
        return []
    properties = TypeAdapter(described.query).json_schema(schema_generator=DocumentSchema)[
        "properties"
    ]
    parameters = []
    for name, info in described.query.model_fields.items():
        schema = {k: v for k, v in properties[name].items() if k not in ("default", "description")}
        parameter = {"name": name, "in": "query", "required": False, "schema": schema}
        if info.description:
            parameter["description"] = str(info.description)
        parameters.append(parameter)
    return parameters


def _operation(
    described: Operation, values: dict[str, str], params: list[str], refs: dict, components: dict
) -> dict[str, Any]:
    summary = described.summary(**values) if callable(described.summary) else described.summary
    result: dict[str, Any] = {"summary": str(summary), "tags": [described.tag]}
    responses = error_responses() if described.errors else {"429": error_responses()["429"]}
    if described.content is not None:
        responses[str(described.ok)] = {
            "description": _("OK"),
            "content": described.content(values),
        }
    elif described.out is None:
        responses[str(described.ok)] = {"description": _("Done")}
    else:
        schema = _out_schema(described.out, refs)
        responses[str(described.ok)] = {
            "description": _("OK"),
            "content": {"application/json": {"schema": schema}},
        }
    result["responses"] = responses
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
        for p in params
    ] + _query(described)
    if parameters:
        result["parameters"] = parameters
    if described.body is not None:
        # Inlined, so the docs page lists the fields; nested objects stay references.
        schema = dict(components[refs[described.body]["$ref"].rsplit("/", 1)[1]])
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema}},
        }
    if described.files is not None:
        result["requestBody"] = {"required": True, "content": multipart(described.files)}
    if described.secured:
        result["security"] = [{"bearer": []}, {"cookie": []}]
    return result


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """A body of files: each field takes one or more, described in the reader's language."""
    properties = {
        name: {
            "type": "array",
            "items": {"type": "string", "format": "binary"},
            "description": str(text),
        }
        for name, text in fields.items()
    }
    return {"multipart/form-data": {"schema": {"type": "object", "properties": properties}}}


def document() -> dict[str, Any]:
    refs, components = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for rule in current_app.url_map.iter_rules():
        described = OPERATIONS.get(rule.endpoint)
        if described is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for path, values, params in addresses(rule.rule):
                operation = _operation(described, values, params, refs, components)
                paths.setdefault(path, {})[method.lower()] = operation
    for operations in paths.values():  # every signed-in POST takes an Idempotency-Key
        post = operations.get("post", {})
        if "security" in post:
            post.setdefault("parameters", []).append(
                {"$ref": "#/components/parameters/IdempotencyKey"}
            )
            post["responses"]["422"] = {
                "description": _("The Idempotency-Key was used for a different request"),
                "content": {"application/json": {"schema": ref("Error")}},
            }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("Culture and Heritage Living Lab API"),
            "version": "1.0.0",
            "description": _(
                "Requests with a bearer token need no CSRF token; requests riding on the session cookie send X-CSRFToken."
            ),
        },
        "servers": [{"url": bp.url_prefix}],  # the paths above are relative to it
        "paths": paths,
        "components": {
            "schemas": components,
            "parameters": {"IdempotencyKey": idempotency_parameter()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(document())


@bp.get("/docs")
def openapi_page() -> str:
    """The same document for people: rendered on the server, no outside assets."""
    return render_template("api/docs.html", doc=document())
