"""What an event form or API body says, checked: texts, cities, local times in a time zone,
the place or online link, capacity, the registration window, the linked items.

Every field is checked before anything is written, and every problem is reported at once
(``Invalid`` with one message per field).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab import content
from livinglab.accounts.directory import members_by_ids
from livinglab.accounts.models import User
from livinglab.cities.models import City
from livinglab.core.inputs import id_text
from livinglab.database import utcnow
from livinglab.errors import Invalid
from livinglab.extensions import db
from livinglab.i18n import supported
from livinglab.meetings.models import LINK_KINDS, MeetingKind

# Each text field: its limit, and whether it is required.
LIMITS = {
    "title": (160, True),
    "description": (20_000, True),
    "venue_name": (160, False),
    "venue_address": (300, False),
}
AGENDA_LIMITS = {
    "title": (200, True),
    "room": (160, False),
    "description": (2000, False),
    "guest_speakers": (1000, False),
}
URL_LIMIT = 500
MAX_CAPACITY = 100_000
MAX_LINKS = 30
# Times further away than this are typing mistakes, not plans.
HORIZON = timedelta(days=3650)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_DURATION = timedelta(days=31)


@dataclass
class MeetingInput:
    title: Any = ""
    description: Any = ""
    kind: Any = ""
    language: Any = None  # the language the texts are written in; None: the organiser's
    host_city: Any = ""
    cohost_cities: list[Any] = field(default_factory=list)
    timezone: Any = ""
    starts_at: Any = ""  # local time in ``timezone`` ("2026-05-04T09:30"), or with an offset
    ends_at: Any = ""
    venue_name: Any = ""
    venue_address: Any = ""
    online_url: Any = ""
    spoken_languages: list[Any] = field(default_factory=list)
    capacity: Any = None  # None or "": no limit
    registration_opens_at: Any = None
    registration_closes_at: Any = None
    challenge_ids: list[Any] = field(default_factory=list)
    idea_ids: list[Any] = field(default_factory=list)
    pilot_ids: list[Any] = field(default_factory=list)


@dataclass
class AgendaInput:
    """A session of the agenda, its times local to the event's zone."""

    title: Any = ""
    starts_at: Any = ""
    ends_at: Any = ""
    room: Any = ""
    description: Any = ""
    guest_speakers: Any = ""  # one name per line
    speaker_ids: list[Any] = field(default_factory=list)  # members
    challenge_ids: list[Any] = field(default_factory=list)
    idea_ids: list[Any] = field(default_factory=list)
    pilot_ids: list[Any] = field(default_factory=list)


def too_long(limit: int) -> Any:
    return lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", limit)


def refuse(name: str, message: Any) -> NoReturn:
    """A problem with one field: its message, shown at the field."""
    raise Invalid(message, {name: message})


def texts(data: Any, limits: dict[str, tuple[int, bool]], errors: dict[str, Any]) -> dict[str, str]:
    """The stripped texts ``limits`` names; an empty required one, or one too long, puts its
    message into ``errors`` (every field is reported at once)."""
    clean: dict[str, str] = {}
    for name, (limit, required) in limits.items():
        value = _text(getattr(data, name))
        if required and not value:
            errors[name] = _l("This field is required.")
        elif len(value) > limit:
            errors[name] = too_long(limit)
        clean[name] = value
    return clean


def zone_named(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or name not in available_timezones():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _parse_moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    text = _text(value).replace(" ", "T", 1)
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def local_to_utc(value: Any, zone: ZoneInfo, name: str, errors: dict[str, Any]) -> datetime | None:
    """A wall-clock time in ``zone`` (or a moment with its own offset) as UTC.

    A wall-clock time that does not exist there (the hour skipped when the clocks go forward)
    is refused; one that exists twice (the hour repeated in autumn) is the first of the two.
    """
    moment = _parse_moment(value)
    if moment is None:
        errors[name] = (
            _l("This field is required.")
            if not _text(value) and not isinstance(value, datetime)
            else _l("Enter a date and time, such as 2026-05-04 09:30.")
        )
        return None
    if moment.tzinfo is None:
        aware = moment.replace(tzinfo=zone, fold=0)
        if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
            errors[name] = _l(
                "This time does not exist in %(zone)s: the clocks move forward then.",
                zone=zone.key,
            )
            return None
        moment = aware
    utc = moment.astimezone(UTC)
    if not EARLIEST <= utc <= utcnow() + HORIZON:
        errors[name] = _l("Enter a time between 2000 and ten years from now.")
        return None
    return utc


def ids_of(values: Iterable[Any], name: str, errors: dict[str, Any]) -> list[int]:
    found: list[int] = []
    for value in values or []:
        ident = id_text(value)
        if ident is None:
            errors[name] = _l("Must be the id of an existing item (a whole number).")
            return []
        if ident not in found:
            found.append(ident)
    return found


def linked_items(data: MeetingInput | AgendaInput, errors: dict[str, Any]) -> list[tuple[str, int]]:
    """The challenges, ideas and pilots the event advances: each must exist and be public."""
    links: list[tuple[str, int]] = []
    for kind_name in LINK_KINDS:
        name = f"{kind_name}_ids"
        ids = ids_of(getattr(data, name), name, errors)
        kind = content.get(kind_name)
        if not ids or kind is None:
            continue
        found = kind.load(ids)
        if any(i not in found or not kind.visible_to(None, found[i]) for i in ids):
            errors[name] = _l("Link only to published items that exist.")
            continue
        links += [(kind_name, i) for i in ids]
    if len(links) > MAX_LINKS:
        errors["challenge_ids"] = lazy_ngettext(
            "Link at most %(num)d item.", "Link at most %(num)d items.", MAX_LINKS
        )
    return links


def _capacity(value: Any, errors: dict[str, Any]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = id_text(value)
    if number is None or number > MAX_CAPACITY:
        errors["capacity"] = _l("Enter a number of seats from 1 to 100000, or leave it empty.")
        return None
    return number


def online_link(value: Any, errors: dict[str, Any]) -> str:
    url = _text(value)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > URL_LIMIT:
        errors["online_url"] = _l("Give an online link that starts with https:// or http://.")
    return url


def validated(data: MeetingInput) -> dict[str, Any]:
    """The clean values of an event, or ``Invalid`` naming every wrong field."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = texts(data, LIMITS, errors)
    try:
        clean["kind"] = MeetingKind(data.kind)
    except ValueError:
        errors["kind"] = _l("Choose the kind of event.")
    language = data.language
    if language not in (None, "") and not supported(language):
        errors["language"] = _l("Choose a language.")
    clean["language"] = language or None

    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    lead = cities.get(_text(data.host_city))
    if lead is None:
        errors["host_city"] = _l("Choose the host city among the partners.")
    cohost_slugs = sorted({_text(s) for s in data.cohost_cities or []} - {_text(data.host_city)})
    if any(slug not in cities for slug in cohost_slugs):
        errors["cohost_cities"] = _l("Co-hosts must be partner cities.")
    clean["city"] = lead
    clean["cohosts"] = [cities[s] for s in cohost_slugs if s in cities]

    zone = zone_named(_text(data.timezone))
    if zone is None:
        errors["timezone"] = _l("Choose a time zone, such as Europe/Rome.")
    else:
        clean["timezone"] = zone.key
        starts = local_to_utc(data.starts_at, zone, "starts_at", errors)
        ends = local_to_utc(data.ends_at, zone, "ends_at", errors)
        if starts and ends and ends <= starts:
            errors["ends_at"] = _l("The end must come after the start.")
        elif starts and ends and ends - starts > MAX_DURATION:
            errors["ends_at"] = _l("An event lasts at most 31 days; make several events.")
        clean["starts_at"], clean["ends_at"] = starts, ends
        opens = closes = None
        if data.registration_opens_at not in (None, ""):
            opens = local_to_utc(data.registration_opens_at, zone, "registration_opens_at", errors)
        if data.registration_closes_at not in (None, ""):
            closes = local_to_utc(
                data.registration_closes_at, zone, "registration_closes_at", errors
            )
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _l("Registration must close after it opens.")
        elif closes and ends and closes > ends:
            errors["registration_closes_at"] = _l("Registration must close before the event ends.")
        clean["registration_opens_at"], clean["registration_closes_at"] = opens, closes

    clean["online_url"] = online_link(data.online_url, errors)
    if not clean["venue_name"] and not clean["online_url"] and "online_url" not in errors:
        errors["venue_name"] = _l("Give a place (a venue) or an online link, or both.")
    spoken = [_text(code) for code in data.spoken_languages or []]
    languages = current_app.config["LANGUAGES"]
    if any(code not in languages for code in spoken):
        errors["spoken_languages"] = _l("Choose the languages among those of the platform.")
    clean["spoken_languages"] = " ".join(c for c in languages if c in spoken)
    clean["capacity"] = _capacity(data.capacity, errors)
    clean["links"] = linked_items(data, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    return clean


def _speakers(values: Iterable[Any], errors: dict[str, Any]) -> list[User]:
    """The members named as speakers: each an account that is neither deleted nor suspended."""
    ids = ids_of(values, "speaker_ids", errors)
    found = members_by_ids(ids)
    if len(found) != len(ids):
        errors["speaker_ids"] = _l("Choose speakers among the members.")
    return found


def validated_agenda(data: AgendaInput, meeting: Any) -> dict[str, Any]:
    """An agenda session: within the event's days, in the event's time zone; its speakers
    (members, and guests named one per line) and the items it is about."""
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = texts(data, AGENDA_LIMITS, errors)
    starts = local_to_utc(data.starts_at, meeting.zone, "starts_at", errors)
    ends = local_to_utc(data.ends_at, meeting.zone, "ends_at", errors)
    if starts and ends:
        if ends <= starts:
            errors["ends_at"] = _l("The end must come after the start.")
        elif starts < meeting.starts_at or ends > meeting.ends_at:
            errors["starts_at"] = _l("A session takes place within the event's times.")
    clean["starts_at"], clean["ends_at"] = starts, ends
    clean["guest_speakers"] = "\n".join(
        line.strip() for line in clean["guest_speakers"].splitlines() if line.strip()
    )
    clean["speakers"] = _speakers(data.speaker_ids, errors)
    clean["links"] = linked_items(data, errors)
    if errors:
        raise Invalid(_l("Please correct the marked fields."), errors)
    return clean
