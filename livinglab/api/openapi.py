"""The OpenAPI 3 document of API v1, built here next to the endpoints it describes."""

from __future__ import annotations

from typing import Any

from flask import jsonify, render_template
from flask_babel import gettext as _

from livinglab.api.core import bp
from livinglab.api.openapi_schemas import (
    LANGUAGE,
    SCHEMAS,
    SLUGS,
    obj,
    page_of,
    ref,
)


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


def op(
    summary: str,
    ok: int,
    schema: dict | None,
    *,
    tag: str,
    params: tuple = (),
    body: dict | None = None,
    secured: bool = False,
    query: tuple = (),
) -> dict:
    operation: dict[str, Any] = {"summary": summary, "tags": [tag], "responses": error_responses()}
    if ok == 204:
        operation["responses"]["204"] = {"description": _("Done")}
    else:
        operation["responses"][str(ok)] = {
            "description": _("OK"),
            "content": {"application/json": {"schema": schema or {"type": "object"}}},
        }
    parameters = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
        for p in params
    ]
    for name, schema, *description in query:
        parameter = {"name": name, "in": "query", "required": False, "schema": schema}
        if description:
            parameter["description"] = description[0]
        parameters.append(parameter)
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if secured:
        operation["security"] = [{"bearer": []}, {"cookie": []}]
    return operation


def ref_parameter(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


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


PAGING = (
    ("page", {"type": "integer", "minimum": 1, "maximum": 100000}),
    ("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
)
TEXT = {"type": "string"}


def document() -> dict[str, Any]:
    by_language = (
        "language",
        LANGUAGE,
        _("Only what is written in this language; an unknown code is ignored."),
    )
    paths = {
        "/tokens": {
            "post": op(
                _("Get a personal access token"),
                201,
                obj({"token": TEXT, "user": ref("User")}),
                tag="accounts",
                body=obj({"email": TEXT, "password": TEXT, "name": TEXT}, ["email", "password"]),
            )
        },
        "/tokens/current": {
            "delete": op(_("Revoke the token sent"), 204, None, tag="accounts", secured=True)
        },
        "/users": {
            "post": op(
                _("Register as a participant"),
                201,
                ref("User"),
                tag="accounts",
                body=obj(
                    {
                        "email": TEXT,
                        "password": TEXT,
                        "display_name": TEXT,
                        "city": TEXT,
                        "profile_kind": TEXT,
                        "preferred_language": TEXT,
                    },
                    ["email", "password", "display_name", "city", "profile_kind"],
                ),
            )
        },
        "/me": {
            "get": op(_("The signed-in member"), 200, ref("User"), tag="accounts", secured=True)
        },
        "/cities": {
            "get": op(
                _("The partner cities"),
                200,
                obj({"items": {"type": "array", "items": ref("City")}}),
                tag="cities",
            )
        },
        "/challenges": {
            "get": op(
                _("Find challenges"),
                200,
                page_of("Challenge"),
                tag="challenges",
                query=(
                    *PAGING,
                    ("city", TEXT),
                    ("theme", TEXT),
                    ("phase", TEXT),
                    by_language,
                    ("q", TEXT),
                    ("sort", TEXT),
                ),
            ),
            "post": op(
                _("Propose a challenge"),
                201,
                ref("Challenge"),
                tag="challenges",
                body=ref("ChallengeInput"),
                secured=True,
            ),
        },
        "/challenges/{challenge_id}": {
            "get": op(
                _("A challenge"), 200, ref("Challenge"), tag="challenges", params=("challenge_id",)
            ),
            "patch": op(
                _('Edit a challenge, or move its phase with {"phase": ...}'),
                200,
                ref("Challenge"),
                tag="challenges",
                params=("challenge_id",),
                secured=True,
                body=obj(
                    {**SCHEMAS["ChallengeInput"]["properties"], "phase": TEXT, "reason": TEXT}
                ),
            ),
        },
        "/challenges/{challenge_id}/ideas": {
            "get": op(
                _("Ideas of a challenge"),
                200,
                page_of("Idea"),
                tag="ideas",
                params=("challenge_id",),
                query=(
                    *PAGING,
                    ("city", TEXT),
                    ("status", TEXT),
                    by_language,
                    ("q", TEXT),
                    ("sort", TEXT),
                ),
            ),
            "post": op(
                _("Submit an idea"),
                201,
                ref("Idea"),
                tag="ideas",
                params=("challenge_id",),
                secured=True,
                body=obj(
                    {
                        "title": TEXT,
                        "summary": TEXT,
                        "body": TEXT,
                        "language": LANGUAGE,
                        "coauthors": SLUGS,
                    },
                    ["title", "summary", "body"],
                ),
            ),
        },
        "/ideas/{idea_id}": {
            "get": op(_("An idea"), 200, ref("Idea"), tag="ideas", params=("idea_id",)),
            "patch": op(
                _('Edit an idea, or withdraw it with {"status": "withdrawn"}'),
                200,
                ref("Idea"),
                tag="ideas",
                params=("idea_id",),
                secured=True,
                body=obj(
                    {
                        "title": TEXT,
                        "summary": TEXT,
                        "body": TEXT,
                        "language": LANGUAGE,
                        "status": TEXT,
                    }
                ),
            ),
        },
        "/ideas/{idea_id}/vote": {
            "post": op(
                _("Vote for an idea"),
                201,
                ref("VoteCount"),
                tag="votes",
                params=("idea_id",),
                secured=True,
            ),
            "delete": op(
                _("Withdraw one's vote"),
                200,
                ref("VoteCount"),
                tag="votes",
                params=("idea_id",),
                secured=True,
            ),
        },
        "/ideas/{idea_id}/reviews": {
            "get": op(
                _("Expert reviews of an idea"),
                200,
                obj(
                    {
                        "items": {"type": "array", "items": ref("Review")},
                        "averages": {"type": "object"},
                    }
                ),
                tag="reviews",
                params=("idea_id",),
            ),
            "post": op(
                _("Review an idea (experts)"),
                201,
                ref("Review"),
                tag="reviews",
                params=("idea_id",),
                secured=True,
                body=obj(
                    {
                        "scores": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "assessment": TEXT,
                        "no_conflict": {"type": "boolean"},
                    },
                    ["scores", "assessment", "no_conflict"],
                ),
            ),
        },
        "/ideas/{idea_id}/decisions": {
            "post": op(
                _("Approve (creates a pilot) or reject an idea for one's city"),
                201,
                {"type": "object"},
                tag="pilots",
                params=("idea_id",),
                secured=True,
                body=obj(
                    {
                        "decision": {"type": "string", "enum": ["approve", "reject"]},
                        "city": TEXT,
                        "reason": TEXT,
                    },
                    ["decision", "city"],
                ),
            ),
        },
        "/pilots": {
            "get": op(
                _("Pilots"),
                200,
                page_of("Pilot"),
                tag="pilots",
                query=(*PAGING, ("city", TEXT), ("status", TEXT), by_language),
            )
        },
        "/pilots/{pilot_id}": {
            "get": op(_("A pilot"), 200, ref("Pilot"), tag="pilots", params=("pilot_id",)),
            "patch": op(
                _("Change a pilot's status"),
                200,
                ref("Pilot"),
                tag="pilots",
                params=("pilot_id",),
                secured=True,
                body=obj(
                    {"status": TEXT, "reason": TEXT, "lessons": {"type": "object"}}, ["status"]
                ),
            ),
        },
        "/pilots/{pilot_id}/milestones": {
            "post": op(
                _("Add a milestone"),
                201,
                {"type": "object"},
                tag="pilots",
                params=("pilot_id",),
                secured=True,
                body=obj({"title": TEXT, "due_date": TEXT}, ["title"]),
            ),
        },
        "/pilots/{pilot_id}/milestones/{milestone_id}": {
            "patch": op(
                _("Mark a milestone done"),
                200,
                ref("Pilot"),
                tag="pilots",
                params=("pilot_id", "milestone_id"),
                secured=True,
                body=obj({"done_on": TEXT, "evidence": TEXT}, ["done_on", "evidence"]),
            ),
        },
        "/pilots/{pilot_id}/updates": {
            "post": op(
                _("Post an update"),
                201,
                {"type": "object"},
                tag="pilots",
                params=("pilot_id",),
                secured=True,
                body=obj({"body": TEXT}, ["body"]),
            ),
        },
        "/pilots/{pilot_id}/replications": {
            "post": op(
                _("Replicate a pilot in one's city"),
                201,
                ref("Pilot"),
                tag="pilots",
                params=("pilot_id",),
                secured=True,
                body=obj({"city": TEXT}, ["city"]),
            ),
        },
    }
    for kind in ("challenges", "ideas", "pilots"):
        paths[f"/{kind}/{{target_id}}/comments"] = {
            "get": op(
                _("The discussion"),
                200,
                page_of("Comment"),
                tag="discussion",
                params=("target_id",),
                query=PAGING,
            ),
            "post": op(
                _("Comment or reply"),
                201,
                ref("Comment"),
                tag="discussion",
                params=("target_id",),
                secured=True,
                body=obj(
                    {"body": TEXT, "parent_id": {"type": "integer"}, "language": LANGUAGE},
                    ["body"],
                ),
            ),
        }
    datasets = {
        "challenges": _("Challenges"),
        "ideas": _("Ideas"),
        "pilots": _("Pilots"),
        "votes": _("Votes per idea and city"),
    }
    for dataset, label in datasets.items():
        for fmt, media in (("csv", "text/csv"), ("json", "application/json")):
            paths[f"/export/{dataset}.{fmt}"] = {
                "get": {
                    "summary": _(
                        "Open data: %(dataset)s as %(format)s", dataset=label, format=fmt.upper()
                    ),
                    "tags": ["open data"],
                    "responses": {
                        "200": {
                            "description": _("OK"),
                            "content": {
                                media: {
                                    "schema": {"type": "string"}
                                    if fmt == "csv"
                                    else {"type": "object"}
                                }
                            },
                        },
                        "429": error_responses()["429"],
                    },
                }
            }
    for operations in paths.values():  # every signed-in POST takes an Idempotency-Key
        if "security" in operations.get("post", {}):
            post = operations["post"]
            post.setdefault("parameters", []).append(ref_parameter("IdempotencyKey"))
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
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "parameters": {"IdempotencyKey": idempotency_parameter()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "cookie": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(document())


@bp.get("/docs")
def openapi_page():
    """The same document for people: rendered on the server, no outside assets."""
    return render_template("api/docs.html", doc=document())
