"""How each resource looks in JSON: public fields only, never an email but one's own.

Each answer is an :class:`~livinglab.api.schema.Out` model: the fields are declared once, the
OpenAPI document is generated from them, and every answer is built through the model, so an
answer cannot drift from what the document promises.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, WithJsonSchema

from livinglab.api.schema import LANGUAGE, Out
from livinglab.reviews.models import CRITERION_NAMES

Language = Annotated[str, WithJsonSchema(LANGUAGE)]
Stamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Day = Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date"})]


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


class ErrorBody(Out):
    code: str
    message: str
    fields: dict[str, str] | None = None  # invalid input: a message per field


class Error(Out):
    error: ErrorBody


class Page[T](BaseModel):
    """One page of a listing."""

    model_config = ConfigDict(extra="forbid")

    items: list[T]
    page: int
    per_page: int
    total: int


class User(Out):
    id: int
    display_name: str
    city: str
    role: Literal["participant", "expert", "city_rep", "admin"]
    profile_kind: Literal["student", "young_artist", "other"]
    email: str | None = None  # one's own account only
    preferred_language: str | None = None

    @classmethod
    def of(cls, user: Any, *, private: bool = False) -> User:
        data = {
            "id": user.id,
            "display_name": user.display_name,
            "city": user.city.slug,
            "role": user.role.value,
            "profile_kind": user.profile_kind.value,
        }
        if private:
            data |= {"email": user.email, "preferred_language": user.preferred_language}
        return cls(**data)


class Token(Out):
    token: str
    user: User


class City(Out):
    slug: str
    name: str
    municipality: str
    country: str
    language: str

    @classmethod
    def of(cls, city: Any) -> City:
        return cls(
            slug=city.slug,
            name=city.name,
            municipality=city.municipality,
            country=city.country,
            language=city.language,
        )


class Cities(Out):
    items: list[City]


class Challenge(Out):
    id: int
    title: str
    summary: str
    body: str
    language: Language
    phase: Literal["proposed", "open", "voting", "selection", "closed", "declined"]
    themes: list[str]
    lead_city: str
    cohost_cities: list[str]
    votes_per_member: int
    hide_vote_counts: bool
    ideas_deadline: Day
    voting_deadline: Day
    selection_deadline: Day
    published_at: str | None
    created_at: Stamp

    @classmethod
    def of(cls, c: Any) -> Challenge:
        return cls(
            id=c.id,
            title=c.title,
            summary=c.summary,
            body=c.body,
            language=c.language,
            phase=c.phase.value,
            themes=c.themes,
            lead_city=c.lead_city.slug,
            cohost_cities=sorted(city.slug for city in c.cohost_cities),
            votes_per_member=c.votes_per_member,
            hide_vote_counts=c.hide_vote_counts,
            ideas_deadline=iso(c.ideas_deadline),
            voting_deadline=iso(c.voting_deadline),
            selection_deadline=iso(c.selection_deadline),
            published_at=iso(c.published_at),
            created_at=iso(c.created_at),
        )


class Idea(Out):
    id: int
    challenge_id: int
    title: str
    summary: str
    body: str
    language: Language
    status: Literal["submitted", "approved", "rejected", "withdrawn"]
    author_ids: list[int]
    votes: int | None  # None while the challenge hides its counts
    created_at: Stamp
    updated_at: str | None

    @classmethod
    def of(cls, i: Any, votes: int | None = None) -> Idea:
        return cls(
            id=i.id,
            challenge_id=i.challenge_id,
            title=i.title,
            summary=i.summary,
            body=i.body,
            language=i.language,
            status=i.status.value,
            author_ids=sorted(i.author_ids),
            votes=votes,
            created_at=iso(i.created_at),
            updated_at=iso(i.updated_at),
        )


class VoteCount(Out):
    idea_id: int
    votes: int


class Review(Out):
    id: int
    idea_id: int
    expert_id: int | None
    scores: dict[str, int | None]
    assessment: str
    created_at: Stamp
    updated_at: str | None

    @classmethod
    def of(cls, r: Any) -> Review:
        return cls(
            id=r.id,
            idea_id=r.idea_id,
            expert_id=r.expert_id,
            scores={name: getattr(r, name) for name in CRITERION_NAMES},
            assessment=r.assessment,
            created_at=iso(r.created_at),
            updated_at=iso(r.updated_at),
        )


class Reviews(Out):
    items: list[Review]
    averages: dict[str, float]  # per criterion; empty without reviews


class Milestone(Out):
    id: int
    title: str
    due_date: Day
    done_on: Day = None
    evidence: str | None = None

    @classmethod
    def of(cls, m: Any, *, created: bool = False) -> Milestone:
        if created:  # a new milestone is answered with what was just set
            return cls(id=m.id, title=m.title, due_date=iso(m.due_date))
        return cls(
            id=m.id,
            title=m.title,
            due_date=iso(m.due_date),
            done_on=iso(m.done_on),
            evidence=m.evidence,
        )


class Progress(Out):
    done: int
    total: int


class Lessons(Out):
    worked: str | None
    failed: str | None
    costs: str | None
    circular_value: str | None


class Pilot(Out):
    id: int
    idea_id: int
    challenge_id: int
    city: str
    language: Language
    status: Literal["planned", "running", "evaluating", "completed", "halted"]
    halted_reason: str | None
    origin_id: int | None
    progress: Progress
    milestones: list[Milestone]
    lessons: Lessons | None  # once completed
    created_at: Stamp

    @classmethod
    def of(cls, p: Any) -> Pilot:
        done, total = p.progress
        completed = p.status.value == "completed"
        return cls(
            id=p.id,
            idea_id=p.idea_id,
            challenge_id=p.challenge_id,
            city=p.city.slug,
            language=p.language,
            status=p.status.value,
            halted_reason=p.halted_reason,
            origin_id=p.origin_id,
            progress=Progress(done=done, total=total),
            milestones=[Milestone.of(m) for m in p.milestones],
            lessons=Lessons(
                worked=p.lessons_worked,
                failed=p.lessons_failed,
                costs=p.lessons_costs,
                circular_value=p.lessons_circular_value,
            )
            if completed
            else None,
            created_at=iso(p.created_at),
        )


class PilotUpdate(Out):
    id: int
    pilot_id: int
    body: str
    created_at: Stamp


class Rejection(Out):
    id: int
    idea_id: int
    decision: Literal["reject"]
    city: str
    reason: str


class CommentAuthor(Out):
    id: int
    name: str
    city: str
    role: str


class Comment(Out):
    """As :func:`livinglab.discussion.serialize.serialize` builds it (sockets carry it too)."""

    id: int
    room: str
    target_type: str
    target_id: int
    parent_id: int | None
    depth: int
    author: CommentAuthor | None
    html: str | None  # None once deleted or hidden
    language: Language
    created_at: Stamp
    edited: bool
    deleted: bool
    hidden: bool


# Named subclasses: the document calls them ChallengePage, not Page_Challenge_.
class ChallengePage(Page[Challenge]):
    pass


class IdeaPage(Page[Idea]):
    pass


class PilotPage(Page[Pilot]):
    pass


class CommentPage(Page[Comment]):
    pass


# The names the endpoints used before the models; each answer still goes through its model.
def user_json(user: Any, *, private: bool = False) -> dict[str, Any]:
    return User.of(user, private=private).dump()


def city_json(city: Any) -> dict[str, Any]:
    return City.of(city).dump()


def challenge_json(c: Any) -> dict[str, Any]:
    return Challenge.of(c).dump()


def idea_json(i: Any, votes: int | None = None) -> dict[str, Any]:
    return Idea.of(i, votes).dump()


def review_json(r: Any) -> dict[str, Any]:
    return Review.of(r).dump()


def pilot_json(p: Any) -> dict[str, Any]:
    return Pilot.of(p).dump()


def comment_json(data: dict[str, Any]) -> dict[str, Any]:
    return Comment.model_validate(data).dump()
