"""The events calendar's scheduled tasks, for cron or a systemd timer:

    flask --app wsgi send-event-reminders   # hourly: a notification the day before
    flask --app wsgi erase-event-answers    # daily: answers to the organisers' questions go
                                            # 30 days after each event's end

Both are safe to run again and again: a reminder is sent once (its sent-at stamp), erased
answers stay erased.
"""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    @app.cli.command("send-event-reminders")
    def send_event_reminders() -> None:
        """Remind registered members of events starting within a day (once each)."""
        from livinglab.meetings.registrations import send_reminders

        sent = send_reminders()
        click.echo(f"Event reminders sent: {sent}.")

    @app.cli.command("erase-event-answers")
    def erase_event_answers() -> None:
        """Erase registrants' answers (dietary, accessibility) 30 days after each event."""
        from livinglab.meetings.registrations import erase_expired_answers

        erased = erase_expired_answers()
        click.echo(f"Registrations whose answers were erased: {erased}.")
