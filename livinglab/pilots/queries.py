"""The read side of pilots: the loader, the list's filters (the HTML lists and the API's
``GET /pilots`` alike) and the good-practice library's replication counts."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from livinglab.challenges.models import THEMES, ChallengeTheme
from livinglab.cities.models import City
from livinglab.core.counting import count_per
from livinglab.errors import NotFound
from livinglab.i18n import supported
from livinglab.pilots import services
from livinglab.pilots.models import Pilot, PilotStatus

PILOT_FILTERS = ("status", "city", "theme", "language")

LISTING_EAGER = (
    selectinload(Pilot.idea),
    selectinload(Pilot.city),
    selectinload(Pilot.milestones),
    selectinload(Pilot.origin),
)


def load_pilot(pilot_id: int) -> Pilot:
    """The pilot with its idea, city, milestones and indicators; NotFound (404) when unknown.
    Every pilot is public: there is no reader to check."""
    pilot = services.load(pilot_id)
    if pilot is None:
        raise NotFound()
    return pilot


def pilot_listing(
    status: str = "",
    city: str = "",
    theme: str = "",
    language: str = "",
    *,
    newest_first: bool = True,
) -> sa.Select:
    """Pilots, newest first (else in id order, the API's); an unknown filter value filters
    nothing (the API refuses an unknown status before asking)."""
    query = sa.select(Pilot).options(*LISTING_EAGER)
    if status in {s.value for s in PilotStatus}:
        query = query.where(Pilot.status == PilotStatus(status))
    if city:
        query = query.where(
            Pilot.city_id == sa.select(City.id).where(City.slug == city).scalar_subquery()
        )
    if theme in THEMES:
        query = query.where(
            Pilot.challenge_id.in_(
                sa.select(ChallengeTheme.challenge_id).where(ChallengeTheme.theme == theme)
            )
        )
    if supported(language):
        query = query.where(Pilot.language == language)
    if not newest_first:
        return query.order_by(Pilot.id)
    return query.order_by(Pilot.created_at.desc(), Pilot.id.desc())


def replication_counts(pilot_ids: list[int]) -> dict[int, int]:
    """How many times each of these pilots was replicated in another city."""
    return count_per(Pilot.origin_id, Pilot.origin_id.in_(pilot_ids)) if pilot_ids else {}
