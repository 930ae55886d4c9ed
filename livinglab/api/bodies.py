"""What each API write accepts, and the query parameters of each listing.

A field left out of a body keeps its value (PATCH) or its default; ``null`` is accepted only
where the type says ``| None`` (else: "This field is required."). The services still check
meaning (a known city, a phase that may follow, a language of the platform).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, get_args

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field, WithJsonSchema

from livinglab.api.schema import LANGUAGE, Filters, In, Keyed, Omittable, Says
from livinglab.challenges.models import Phase
from livinglab.core.inputs import MAX_ID
from livinglab.reviews.models import CRITERION_NAMES
from livinglab.stats.participation import AGE_BANDS, AGE_GROUPS, GENDERS

SLUGS_MESSAGE = _l("A list of slugs.")
DATE_MESSAGE = _l("A date as YYYY-MM-DD.")


def _iso_date(value: Any) -> Any:
    """ISO dates as text only (strict mode accepts no text for a date, lax mode a timestamp)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return value  # the date check that follows refuses it, with DATE_MESSAGE


Slugs = Annotated[list[str], Says(SLUGS_MESSAGE)]
Day = Annotated[
    date | None,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
    Says(DATE_MESSAGE),
]
# Any text; the services answer "Choose a language." for a code the platform does not speak.
Language = Annotated[str | None, WithJsonSchema(LANGUAGE)]
CommentId = Annotated[
    Annotated[int, Field(ge=0, le=MAX_ID)] | None,  # 0 and null: not a reply
    WithJsonSchema({"type": "integer", "minimum": 0, "maximum": MAX_ID}),
    Says(_l("Must be the id of an existing item (a whole number).")),
]


# --- Accounts -----------------------------------------------------------------------------


def _choice_of(values: tuple[str, ...], null: bool = True) -> dict[str, Any]:
    return {
        "type": ["string", "null"] if null else "string",
        "enum": [*values] + ([None] if null else []),
    }


class TokenRequest(In):
    email: str
    password: str
    name: str | None = None  # the token's label (default "API")


class Registration(In):
    email: str
    password: str
    display_name: str
    city: str
    profile_kind: str
    preferred_language: str | None = None
    # The participation profile, optional (livinglab.stats.participation): checked as on the
    # registration page, a value outside the list answers 400 on its field.
    age_band: Annotated[str | None, WithJsonSchema(_choice_of(AGE_BANDS))] = None
    gender: Annotated[str | None, WithJsonSchema(_choice_of(GENDERS))] = None
    # For the consent rule of the city's country (GDPR art. 8); never stored. Younger than
    # that age, guardian_consent must be true (a parent or guardian agrees).
    age_group: Annotated[str, WithJsonSchema(_choice_of(tuple(AGE_GROUPS), null=False))] = (
        "16-or-older"
    )
    guardian_consent: bool = False


# --- Challenges and ideas -----------------------------------------------------------------


class ChallengeFields(In):
    """Every field of a challenge, none required: what a PATCH may change."""

    title: Omittable[str] = None
    summary: Omittable[str] = None
    body: Omittable[str] = None
    themes: Omittable[Slugs] = None
    lead_city: Omittable[str] = None
    cohost_cities: Omittable[Slugs] = None
    votes_per_member: Omittable[int] = None
    hide_vote_counts: Omittable[bool] = None
    ideas_deadline: Day = None
    voting_deadline: Day = None
    selection_deadline: Day = None
    language: Language = None  # null: the proposer's default language


class ChallengeInput(ChallengeFields):
    """A new challenge."""

    title: str
    summary: str
    body: str
    themes: Slugs
    lead_city: str


# Spelled out for the type checker; checked against the enum so a new phase cannot be missed.
PhaseName = Literal["proposed", "open", "voting", "selection", "closed", "declined"]
if set(get_args(PhaseName)) != {p.value for p in Phase}:
    raise RuntimeError("PhaseName must list every Phase value")


class ChallengeEdit(ChallengeFields):
    """Edits, or a phase change: ``{"phase": "open"}`` (a reason where one is asked)."""

    phase: Omittable[Annotated[PhaseName, Says(_l("Unknown phase."))]] = None
    reason: str | None = None


class IdeaInput(In):
    title: str
    summary: str
    body: str
    language: Language = None
    coauthors: Annotated[list[str] | None, Says(SLUGS_MESSAGE)] = None  # their emails


class IdeaEdit(In):
    title: Omittable[str] = None
    summary: Omittable[str] = None
    body: Omittable[str] = None
    language: Language = None
    status: Omittable[Annotated[Literal["withdrawn"], Says(_l("Only “withdrawn” can be set."))]] = (
        None
    )


class Scores(In):
    # One per criterion of the rubric (a left-out one is refused by the review service).
    heritage_value: Omittable[int] = None
    feasibility: Omittable[int] = None
    circularity: Omittable[int] = None
    youth_involvement: Omittable[int] = None
    replicability: Omittable[int] = None


if tuple(Scores.model_fields) != CRITERION_NAMES:
    raise RuntimeError("Scores must have one field per review criterion, in the rubric's order")


class ReviewInput(In):
    scores: Annotated[
        Scores,
        Keyed(unknown=_l("Unknown criterion."), wrong=_l("Give a score from 1 to 5.")),
    ]
    assessment: str
    no_conflict: bool


class Decision(In):
    decision: Annotated[Literal["approve", "reject"], Says(_l("Decide to approve or to reject."))]
    city: str
    reason: str | None = None  # required to reject


class CommentInput(In):
    body: str
    parent_id: CommentId = None
    language: Language = None


# --- Pilots -------------------------------------------------------------------------------


class LessonsInput(In):
    """What was learned: all four are required to complete a pilot. The same names in the
    pilot's page, the API's answers and its field errors."""

    worked: str | None = None
    failed: str | None = None
    costs: str | None = None
    circular_value: str | None = None


class PilotEdit(In):
    # a status the pilot may take next; a halted pilot resumes to the one it was halted in
    status: str
    # required to halt, and to complete a pilot whose milestones are not all done
    reason: str | None = None
    lessons: Annotated[
        LessonsInput | None,
        Keyed(
            unknown=_l("Not a lesson: worked, failed, costs or circular_value."),
            wrong=_l("Write the lesson as text."),
        ),
    ] = None


class MilestoneInput(In):
    title: str
    due_date: str | None = None


class MilestoneDone(In):
    done_on: str
    evidence: str


class PilotUpdateInput(In):
    body: str


class Replication(In):
    city: str


# --- Listings -----------------------------------------------------------------------------

BY_LANGUAGE = Field(
    "", description=_l("Only what is written in this language; an unknown code is ignored.")
)
Text = Annotated[str, WithJsonSchema({"type": "string"})]


class Paged(Filters):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(20, ge=1, le=100)


ByLanguage = Annotated[str, WithJsonSchema(LANGUAGE)]


class ChallengeFilters(Paged):
    city: Text = ""
    theme: Text = ""
    phase: Text = ""
    language: ByLanguage = BY_LANGUAGE
    q: Text = ""
    sort: Text = ""


class PilotFilters(Paged):
    city: Text = ""
    status: Text = ""
    language: ByLanguage = BY_LANGUAGE


class IdeaFilters(PilotFilters):
    """The pilot listing's filters (in the same order), then a search and a sort."""

    q: Text = ""
    sort: Text = ""
