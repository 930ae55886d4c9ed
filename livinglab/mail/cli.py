"""Commands for the operator: run the mail worker, see and requeue the outbox, see where mail goes.

``flask --app wsgi deliver-mail`` runs the worker as a process of its own (with
``LIVINGLAB_MAIL_WORKER_THREAD=0`` on the servers, or beside their threads: leases keep any
number of workers from sending a message twice); ``--once`` does one pass, for cron and tests.
"""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from livinglab.database import utcnow
from livinglab.extensions import db
from livinglab.mail import backend
from livinglab.mail.models import MailStatus, OutboxMessage
from livinglab.mail.outbox import WAKE
from livinglab.mail.worker import Round, run_once


def _summary(report: Round) -> str:
    return (
        f"{report.sent} sent, {report.retried} to retry, {report.failed} given up, "
        f"{report.digests} digests queued"
    )


def register_mail_cli(app: Flask) -> None:
    @app.cli.command("deliver-mail")
    @click.option("--once", is_flag=True, help="One pass over what is due, then exit.")
    def deliver_mail(once: bool) -> None:
        """Send the queued email (retrying failures with backoff)."""
        if once:
            click.echo(_summary(run_once()))
            return
        poll = float(current_app.config["MAIL_POLL_SECONDS"])
        click.echo(f"{backend.describe(current_app)}; polling every {poll:g} s")
        while True:
            try:
                report = run_once()
            except Exception as error:  # noqa: BLE001 - a database fault: wait and go on
                db.session.rollback()
                click.echo(
                    f"The mail round failed ({type(error).__name__}); trying again", err=True
                )
            else:
                if report.sent or report.retried or report.failed or report.digests:
                    click.echo(_summary(report))
            WAKE.wait(timeout=poll)
            WAKE.clear()

    @app.cli.command("mail-outbox")
    @click.option("--retry-failed", is_flag=True, help="Queue the given-up messages once more.")
    def mail_outbox(retry_failed: bool) -> None:
        """Count the outbox by status and list the messages given up."""
        if retry_failed:
            result = db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.status == MailStatus.failed)
                .values(status=MailStatus.queued, attempts=0, next_attempt_at=utcnow())
            )
            db.session.commit()
            click.echo(f"{getattr(result, 'rowcount', 0)} failed messages queued again.")
        counts = dict(
            db.session.execute(
                sa.select(OutboxMessage.status, sa.func.count(OutboxMessage.id)).group_by(
                    OutboxMessage.status
                )
            ).all()
        )
        click.echo(", ".join(f"{status.value}: {counts.get(status, 0)}" for status in MailStatus))
        failed = db.session.execute(
            sa.select(
                OutboxMessage.id,
                OutboxMessage.to_address,
                OutboxMessage.kind,
                OutboxMessage.attempts,
                OutboxMessage.last_error,
            )
            .where(OutboxMessage.status == MailStatus.failed)
            .order_by(OutboxMessage.id.desc())
            .limit(50)
        ).all()
        for row in failed:
            click.echo(
                f"  #{row.id} {row.kind} to {row.to_address}, {row.attempts} attempts: {row.last_error}"
            )

    @app.cli.command("mail-info")
    def mail_info() -> None:
        """Say where this configuration sends email."""
        click.echo(backend.describe(current_app))
