"""The event every authorization case about events meets: hosted by Pavia (the item's own
city) and co-hosted by Coimbra, open for registration, with an agenda session, an outcome, a
cover (the world's image), the author's own registration and a guest of Turku's delegation.

The matrix runs each actor's request in a savepoint that is rolled back, so the event is made
again for each attempt, by the path (or payload) of the case, on the test's own connection.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.meetings.models import (
    AgendaItem,
    CalendarKey,
    Meeting,
    MeetingFile,
    MeetingKind,
    MeetingLink,
    Registration,
    RegistrationStatus,
)
from livinglab.uploads.models import Attachment
from tests.authz.world import World


def event(w: World) -> int:
    """Makes the event (and its rows) and notes their ids on the world; returns its id."""
    session = db.session.session_factory()
    try:
        city = {c.slug: c for c in session.scalars(sa.select(City))}
        start = utcnow() + timedelta(days=20)
        meeting = Meeting(
            title="Matrix workshop",
            description="On heritage.",
            kind=MeetingKind.workshop,
            city_id=city["pavia"].id,
            starts_at=start,
            ends_at=start + timedelta(days=2),
            timezone="Europe/Rome",
            venue_name="Broletto",
            created_at=utcnow() - timedelta(days=1),
            cover_id=w.attachment,
        )
        meeting.cohost_cities = [city["coimbra"]]
        meeting.agenda = [
            AgendaItem(title="Opening", starts_at=start, ends_at=start + timedelta(hours=1))
        ]
        meeting.links = [MeetingLink(target_type="challenge", target_id=w.c_open, role="outcome")]
        # A file of the minutes (its own row: removing it never touches the world's files).
        meeting.files = [
            MeetingFile(
                attachment=Attachment(
                    kind="pdf",
                    content_type="application/pdf",
                    original_name="minutes.pdf",
                    size_bytes=10,
                    storage_key=secrets.token_hex(16) + ".pdf",
                )
            )
        ]
        session.add(meeting)
        session.flush()
        own = Registration(
            event_id=meeting.id,
            user_id=w.author,
            city_id=city["coimbra"].id,
            registered_by_id=w.author,
            status=RegistrationStatus.confirmed,
            check_in_code=secrets.token_urlsafe(12),
        )
        guest = Registration(
            event_id=meeting.id,
            guest_name="A guest of Turku",
            city_id=city["turku"].id,
            in_delegation=True,
            registered_by_id=w.users["city_rep_other"].id,
            status=RegistrationStatus.confirmed,
            check_in_code=secrets.token_urlsafe(12),
        )
        key = session.get(CalendarKey, w.author) or CalendarKey(
            user_id=w.author, secret=secrets.token_urlsafe(12)
        )
        session.add_all([own, guest, key])
        session.flush()
        w.ids.update(
            event=meeting.id,
            event_session=meeting.agenda[0].id,
            event_outcome=meeting.links[0].id,
            event_file=meeting.files[0].attachment_id,
            event_registration=own.id,
            event_guest=guest.id,
        )
        w.names.update(event_code=own.check_in_code, event_key=key.secret)
        session.commit()
        return w.ids["event"]
    finally:
        session.close()
