"""The events calendar's domain events (livinglab.events.signal: one namespace).

Before commit, sent with ``events.send`` (the receivers in livinglab.meetings.subscriptions add
audit rows, notifications and follows to the same transaction); after commit, sent with
``signal.send`` once ``events.commit()`` returned (broadcasts to the event's room).
"""

from __future__ import annotations

from livinglab.events import signal

# ---- Before commit ----------------------------------------------------------------------
# sender: the new Meeting (flushed, its links too); actor: the organiser.
meeting_created = signal("meeting-created")
# sender: the edited Meeting; actor; changes: {field: [old, new]} of what readers see;
# moved: whether the time or the place changed (registrants are told).
meeting_edited = signal("meeting-edited")
# sender: the cancelled Meeting; actor; reason: str.
meeting_cancelling = signal("meeting-cancelling")
# sender: the Meeting; actor; what: "agenda", "minutes", "outcome", "files"; details: what the
# audit log keeps of it (a session's title, a file's name...).
meeting_record_changed = signal("meeting-record-changed")
# sender: the Meeting; registration: the new (or renewed) Registration; actor: who registered
# it (the member, or their city's representative for a delegation).
registration_added = signal("meeting-registration-added")
# sender: the Meeting; registration: the cancelled Registration; actor;
# promoted: the Registrations moved from the waiting list to a seat because of it.
registration_cancelled = signal("meeting-registration-cancelled")
# sender: the Meeting; promoted: Registrations given a seat (capacity raised); actor.
registrations_promoted = signal("meeting-registrations-promoted")
# sender: the Meeting; registrations: the confirmed Registrations reminded now
# (livinglab.meetings.reminders).
reminders_due = signal("meeting-reminders-due")

# ---- After commit -----------------------------------------------------------------------
# sender: the Meeting; what: "details", "agenda", "registrations", "attendance", "minutes",
# "cancelled"; params: extra payload for the page (e.g. seat counts).
meeting_updated = signal("meeting-updated")
