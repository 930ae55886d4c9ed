"""An event's and a session's form data: read from a submitted form, and filled again from
what is saved (times local to the event's zone), for the forms and for a PATCH that sends only
some fields."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from livinglab.meetings.inputs import AgendaInput, MeetingInput
from livinglab.meetings.models import LINK_KINDS

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def current_input(meeting: Any) -> MeetingInput:
    """A saved event as input, its times in its own zone: what an edit starts from (the form's
    fields, or the fields a PATCH does not send)."""
    zone = meeting.zone

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).strftime(LOCAL_FORMAT) if moment else None

    links = _link_ids(
        link for link in meeting.links if link.role == "advances" and link.session_id is None
    )
    return MeetingInput(
        title=meeting.title,
        description=meeting.description,
        kind=meeting.kind.value,
        language=meeting.language,
        host_city=meeting.city.slug,
        cohost_cities=[c.slug for c in meeting.cohost_cities],
        timezone=meeting.timezone,
        starts_at=local(meeting.starts_at),
        ends_at=local(meeting.ends_at),
        venue_name=meeting.venue_name,
        venue_address=meeting.venue_address,
        online_url=meeting.online_url,
        spoken_languages=meeting.languages,
        capacity=meeting.capacity,
        registration_opens_at=local(meeting.registration_opens_at),
        registration_closes_at=local(meeting.registration_closes_at),
        challenge_ids=links["challenge"],
        idea_ids=links["idea"],
        pilot_ids=links["pilot"],
    )


def _link_ids(links: Iterable[Any]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {kind: [] for kind in LINK_KINDS}
    for link in links:
        found[link.target_type].append(link.target_id)
    return found


def session_input(meeting: Any, item: Any) -> AgendaInput:
    """A saved session as input, its times in the event's zone: what its form starts from."""
    links = _link_ids(link for link in meeting.links if link.session_id == item.id)
    zone = meeting.zone
    return AgendaInput(
        title=item.title,
        starts_at=item.starts_at.astimezone(zone).strftime(LOCAL_FORMAT),
        ends_at=item.ends_at.astimezone(zone).strftime(LOCAL_FORMAT),
        room=item.room,
        description=item.description,
        guest_speakers=item.guest_speakers,
        speaker_ids=[u.id for u in item.speakers],
        challenge_ids=links["challenge"],
        idea_ids=links["idea"],
        pilot_ids=links["pilot"],
    )


def from_form[T](cls: type[T], form: Any) -> T:
    """The input a form sent (an event, a session): a list field takes every value of its
    name, any other field its one value; an empty optional one stays None."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.default_factory is list:
            values[f.name] = form.getlist(f.name)
        elif f.default is None:
            values[f.name] = form.get(f.name) or None
        else:
            values[f.name] = form.get(f.name, f.default)
    return cls(**values)


def form_values(data: Any) -> dict[str, Any]:
    """An input as its form shows it again: ids as text, an empty optional field blank."""
    values = asdict(data)
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = [str(v) for v in value]
        elif value is None:
            values[name] = ""
    return values
