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


def same(obj: Any, *names: str) -> dict[str, Any]:
    """The named attributes as they are: the fields of an answer that need no conversion."""
    return {name: getattr(obj, name) for name in names}


def dates(obj: Any, *names: str) -> dict[str, str | None]:
    """The named date or time attributes in ISO 8601 (None stays None)."""
    return {name: iso(getattr(obj, name)) for name in names}


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
        return cls(**same(city, "slug", "name", "municipality", "country", "language"))


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
            **same(c, "id", "title", "summary", "body", "language", "themes"),
            **same(c, "votes_per_member", "hide_vote_counts"),
            **dates(c, "ideas_deadline", "voting_deadline", "selection_deadline"),
            **dates(c, "published_at", "created_at"),
            phase=c.phase.value,
            lead_city=c.lead_city.slug,
            cohost_cities=sorted(city.slug for city in c.cohost_cities),
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
            **same(i, "id", "challenge_id", "title", "summary", "body", "language"),
            **dates(i, "created_at", "updated_at"),
            status=i.status.value,
            author_ids=sorted(i.author_ids),
            votes=votes,
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
            **same(r, "id", "idea_id", "expert_id", "assessment"),
            **dates(r, "created_at", "updated_at"),
            scores=same(r, *CRITERION_NAMES),
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
            return cls(**same(m, "id", "title"), **dates(m, "due_date"))
        return cls(**same(m, "id", "title", "evidence"), **dates(m, "due_date", "done_on"))


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
    # why it was completed with milestones still open (null if all were done)
    completion_reason: str | None
    milestones: list[Milestone]
    lessons: Lessons | None  # once completed
    created_at: Stamp

    @classmethod
    def of(cls, p: Any) -> Pilot:
        done, total = p.progress
        completed = p.status.value == "completed"
        return cls(
            **same(p, "id", "idea_id", "challenge_id", "language", "halted_reason", "origin_id"),
            completion_reason=p.completion_reason,
            city=p.city.slug,
            status=p.status.value,
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
