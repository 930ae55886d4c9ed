"""The reminder the day before: every member with a seat hears, once, that their event begins
within a day (a notification on the platform and, by the mail outbox, an email).

Run by ``flask event-reminders`` (livinglab.meetings.cli) or a periodic scheduler, as often as
wanted: each reminder sent is recorded (``event_reminder``, one per registration and start
time), so a second run sends nothing again, and two runs at once share the work (PostgreSQL
skips the rows the other holds). An event moved to another day is announced again for its new
start; a seat given or taken within the last day is reminded at the next run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from livinglab import events
from livinglab.extensions import db
from livinglab.meetings import queries, signals
from livinglab.meetings.models import (
    Meeting,
    MeetingReminder,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)

# How long before the start the reminder goes.
AHEAD = timedelta(days=1)


def _due(now: datetime) -> sa.Select:
    """Confirmed members' seats at events starting within a day, not reminded for that start."""
    reminded = sa.select(MeetingReminder.registration_id).where(
        MeetingReminder.registration_id == Registration.id,
        MeetingReminder.starts_at == Meeting.starts_at,
    )
    return (
        sa.select(Registration, Meeting.starts_at)
        .join(Meeting, Registration.event_id == Meeting.id)
        .where(
            Registration.status == RegistrationStatus.confirmed,
            Registration.user_id.is_not(None),
            Meeting.status == MeetingStatus.scheduled,
            Meeting.starts_at > now,
            Meeting.starts_at <= now + AHEAD,
            ~sa.exists(reminded),
        )
        .order_by(Registration.event_id, Registration.id)
        .with_for_update(of=Registration, skip_locked=True)
    )


def send_due_reminders(now: datetime) -> int:
    """Reminds every member due a reminder at ``now`` (once) and returns how many were told."""
    due = db.session.execute(_due(now)).all()
    by_meeting: dict[int, list[Registration]] = {}
    for registration, starts_at in due:
        db.session.add(
            MeetingReminder(registration_id=registration.id, starts_at=starts_at, sent_at=now)
        )
        by_meeting.setdefault(registration.event_id, []).append(registration)
    for meeting in queries.load_many(list(by_meeting)).values():
        # the notification and its email: livinglab.meetings.subscriptions
        events.send(signals.reminders_due, meeting, registrations=by_meeting[meeting.id])
    events.commit()
    return len(due)
