"""The shapes of the API v1 document: reusable schemas and the helpers that build them."""

from __future__ import annotations

from typing import Any

from config import LANGUAGES

NULLABLE_STR = {"type": ["string", "null"]}
DATE = {"type": ["string", "null"], "format": "date"}
STAMP = {"type": "string", "format": "date-time"}
SLUGS = {"type": "array", "items": {"type": "string"}}
# The language a text is written in; optional when writing (default: the author's language).
LANGUAGE = {"type": "string", "enum": list(LANGUAGES)}


def obj(
    props: dict[str, Any], required: list[str] | None = None, extra: bool = False
) -> dict[str, Any]:
    schema = {"type": "object", "properties": props, "additionalProperties": extra}
    if required:
        schema["required"] = required
    return schema


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def page_of(name: str) -> dict[str, Any]:
    return obj(
        {
            "items": {"type": "array", "items": ref(name)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
        ["items", "page", "per_page", "total"],
    )


SCHEMAS = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                ["code", "message"],
            )
        },
        ["error"],
    ),
    "User": obj(
        {
            "id": {"type": "integer"},
            "display_name": {"type": "string"},
            "city": {"type": "string"},
            "role": {"type": "string", "enum": ["participant", "expert", "city_rep", "admin"]},
            "profile_kind": {"type": "string", "enum": ["student", "young_artist", "other"]},
            "email": {"type": "string"},
            "preferred_language": NULLABLE_STR,
        },
        ["id", "display_name", "city", "role"],
    ),
    "City": obj(
        {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "municipality": {"type": "string"},
            "country": {"type": "string"},
            "language": {"type": "string"},
        },
        ["slug", "name"],
    ),
    "Challenge": obj(
        {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "language": LANGUAGE,
            "phase": {
                "type": "string",
                "enum": ["proposed", "open", "voting", "selection", "closed", "declined"],
            },
            "themes": SLUGS,
            "lead_city": {"type": "string"},
            "cohost_cities": SLUGS,
            "votes_per_member": {"type": "integer"},
            "hide_vote_counts": {"type": "boolean"},
            "ideas_deadline": DATE,
            "voting_deadline": DATE,
            "selection_deadline": DATE,
            "published_at": {"type": ["string", "null"]},
            "created_at": STAMP,
        },
        ["id", "title", "language", "phase", "themes", "lead_city"],
    ),
    "ChallengeInput": obj(
        {
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "themes": SLUGS,
            "lead_city": {"type": "string"},
            "cohost_cities": SLUGS,
            "votes_per_member": {"type": "integer"},
            "hide_vote_counts": {"type": "boolean"},
            "ideas_deadline": {"type": "string", "format": "date"},
            "voting_deadline": {"type": "string", "format": "date"},
            "selection_deadline": {"type": "string", "format": "date"},
            "language": LANGUAGE,
        },
        ["title", "summary", "body", "themes", "lead_city"],
    ),
    "Idea": obj(
        {
            "id": {"type": "integer"},
            "challenge_id": {"type": "integer"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "body": {"type": "string"},
            "language": LANGUAGE,
            "status": {
                "type": "string",
                "enum": ["submitted", "approved", "rejected", "withdrawn"],
            },
            "author_ids": {"type": "array", "items": {"type": "integer"}},
            "votes": {"type": ["integer", "null"]},
            "created_at": STAMP,
            "updated_at": {"type": ["string", "null"]},
        },
        ["id", "challenge_id", "title", "language", "status"],
    ),
    "Review": obj(
        {
            "id": {"type": "integer"},
            "idea_id": {"type": "integer"},
            "expert_id": {"type": ["integer", "null"]},
            "scores": {"type": "object", "additionalProperties": {"type": "integer"}},
            "assessment": {"type": "string"},
            "created_at": STAMP,
            "updated_at": {"type": ["string", "null"]},
        },
        ["id", "scores"],
    ),
    "Pilot": obj(
        {
            "id": {"type": "integer"},
            "idea_id": {"type": "integer"},
            "challenge_id": {"type": "integer"},
            "city": {"type": "string"},
            "language": LANGUAGE,
            "status": {
                "type": "string",
                "enum": ["planned", "running", "evaluating", "completed", "halted"],
            },
            "halted_reason": NULLABLE_STR,
            "origin_id": {"type": ["integer", "null"]},
            "progress": obj({"done": {"type": "integer"}, "total": {"type": "integer"}}),
            "milestones": {"type": "array", "items": {"type": "object"}},
            "lessons": {"type": ["object", "null"]},
            "created_at": STAMP,
        },
        ["id", "city", "language", "status", "progress"],
    ),
    "Comment": obj(
        {
            "id": {"type": "integer"},
            "room": {"type": "string"},
            "target_type": {"type": "string"},
            "target_id": {"type": "integer"},
            "parent_id": {"type": ["integer", "null"]},
            "depth": {"type": "integer"},
            "author": {"type": ["object", "null"]},
            "html": NULLABLE_STR,
            "language": LANGUAGE,
            "created_at": STAMP,
            "edited": {"type": "boolean"},
            "deleted": {"type": "boolean"},
            "hidden": {"type": "boolean"},
        },
        ["id", "room", "html", "language"],
    ),
    "VoteCount": obj(
        {"idea_id": {"type": "integer"}, "votes": {"type": "integer"}}, ["idea_id", "votes"]
    ),
}
