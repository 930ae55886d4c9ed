"""How each resource looks in JSON: public fields only, never an email but one's own."""

from __future__ import annotations

from typing import Any


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def user_json(user, *, private: bool = False) -> dict[str, Any]:
    data = {
        "id": user.id,
        "display_name": user.display_name,
        "city": user.city.slug,
        "role": user.role.value,
        "profile_kind": user.profile_kind.value,
    }
    if private:
        data["email"] = user.email
        data["preferred_language"] = user.preferred_language
    return data


def city_json(city) -> dict[str, Any]:
    return {
        "slug": city.slug,
        "name": city.name,
        "municipality": city.municipality,
        "country": city.country,
        "language": city.language,
    }


def challenge_json(c) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "summary": c.summary,
        "body": c.body,
        "language": c.language,
        "phase": c.phase.value,
        "themes": c.themes,
        "lead_city": c.lead_city.slug,
        "cohost_cities": sorted(city.slug for city in c.cohost_cities),
        "votes_per_member": c.votes_per_member,
        "hide_vote_counts": c.hide_vote_counts,
        "ideas_deadline": iso(c.ideas_deadline),
        "voting_deadline": iso(c.voting_deadline),
        "selection_deadline": iso(c.selection_deadline),
        "published_at": iso(c.published_at),
        "created_at": iso(c.created_at),
    }


def idea_json(i, votes: int | None = None) -> dict[str, Any]:
    return {
        "id": i.id,
        "challenge_id": i.challenge_id,
        "title": i.title,
        "summary": i.summary,
        "body": i.body,
        "language": i.language,
        "status": i.status.value,
        "author_ids": sorted(i.author_ids),
        "votes": votes,
        "created_at": iso(i.created_at),
        "updated_at": iso(i.updated_at),
    }


def review_json(r) -> dict[str, Any]:
    from livinglab.reviews.models import CRITERION_NAMES

    return {
        "id": r.id,
        "idea_id": r.idea_id,
        "expert_id": r.expert_id,
        "scores": {name: getattr(r, name) for name in CRITERION_NAMES},
        "assessment": r.assessment,
        "created_at": iso(r.created_at),
        "updated_at": iso(r.updated_at),
    }


def pilot_json(p) -> dict[str, Any]:
    done, total = p.progress
    return {
        "id": p.id,
        "idea_id": p.idea_id,
        "challenge_id": p.challenge_id,
        "city": p.city.slug,
        "language": p.language,
        "status": p.status.value,
        "halted_reason": p.halted_reason,
        "origin_id": p.origin_id,
        "progress": {"done": done, "total": total},
        "milestones": [
            {
                "id": m.id,
                "title": m.title,
                "due_date": iso(m.due_date),
                "done_on": iso(m.done_on),
                "evidence": m.evidence,
            }
            for m in p.milestones
        ],
        "lessons": None
        if p.status.value != "completed"
        else {
            "worked": p.lessons_worked,
            "failed": p.lessons_failed,
            "costs": p.lessons_costs,
            "circular_value": p.lessons_circular_value,
        },
        "created_at": iso(p.created_at),
    }
