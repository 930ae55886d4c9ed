"""The events calendar's scheduled tasks, for cron, a systemd timer or the periodic scheduler:

    flask --app wsgi event-reminders        # hourly: a reminder the day before (notification
                                            # and email), once per registration and start
    flask --app wsgi erase-event-answers    # daily: answers to the organisers' questions go
                                            # 30 days after each event's end

Both are safe to run again and again: a reminder is recorded when it is sent, erased answers
stay erased.
"""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    @app.cli.command("event-reminders")
    def event_reminders() -> None:
        """Remind registered members of events starting within a day (once each)."""
        from livinglab.database import utcnow
        from livinglab.meetings.reminders import send_due_reminders

        sent = send_due_reminders(utcnow())
        click.echo(f"Event reminders sent: {sent}.")

    @app.cli.command("erase-event-answers")
    def erase_event_answers() -> None:
        """Erase registrants' answers (dietary, accessibility) 30 days after each event."""
        from livinglab.meetings.registrations import erase_expired_answers

        erased = erase_expired_answers()
        click.echo(f"Registrations whose answers were erased: {erased}.")
