"""The calendar's periodic jobs, run by the scheduler (the server's thread or ``flask
run-due-jobs`` from cron): reminders the day before, and the organisers' questions erased 30
days after each event. Both are safe to run again; the commands ``event-reminders`` and
``erase-event-answers`` run the same functions by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from livinglab.meetings.registrations import erase_expired_answers
from livinglab.meetings.reminders import send_due_reminders
from livinglab.scheduler import job


@job("event-reminders", every=timedelta(minutes=15))
def remind_registrants(now: datetime) -> int:
    return send_due_reminders(now)


@job("erase-event-answers", every=timedelta(hours=6))
def erase_answers(now: datetime) -> int:
    return erase_expired_answers(now)
