"""Sends what the outbox holds: claimed under a lease, retried with exponential backoff.

Any number of workers may run at once (the daemon thread of each server process, and
``flask --app wsgi deliver-mail`` processes): a worker owns a message only after a
conditional UPDATE that sets its lease succeeded (``WHERE status='queued' AND (lease_until IS
NULL OR lease_until < now)``), which one worker alone wins on SQLite and PostgreSQL alike. A
worker that dies mid-send leaves a lease that expires; the message is then tried again.

A failed attempt is written back with ``attempts``, ``last_error`` and the next attempt's
time (the first retry after MAIL_RETRY_SECONDS, doubling up to MAIL_RETRY_MAX_SECONDS);
after MAIL_MAX_ATTEMPTS the message is ``failed`` and stays in the table for the operator
(``flask --app wsgi mail-outbox``), never deleted.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives  # type: ignore[import-untyped]

from livinglab.core.threads import AppThreads
from livinglab.database import is_unavailable, utcnow, write_intent
from livinglab.extensions import db
from livinglab.mail import backend
from livinglab.mail.digests import queue_due_digests
from livinglab.mail.models import MailStatus, OutboxMessage
from livinglab.mail.outbox import WAKE
from livinglab.ops import metrics

log = logging.getLogger(__name__)


@dataclass
class Round:
    """What one pass of the worker did."""

    sent: int = 0
    retried: int = 0  # failed attempts that will be tried again
    failed: int = 0  # messages given up
    digests: int = 0

    def __add__(self, other: Round) -> Round:
        return Round(
            self.sent + other.sent,
            self.retried + other.retried,
            self.failed + other.failed,
            self.digests + other.digests,
        )


@dataclass(frozen=True)
class _Claimed:
    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str | None
    headers: dict[str, Any]
    attempts: int


# This message can never be sent (a header or address that cannot be encoded): no retry.
_HOPELESS = (ValueError, UnicodeError)


def _is_outage(error: BaseException) -> bool:
    """Whether the next message would fail the same way: the server is away or refuses
    everyone (connection, TLS, login, sender, a backend that cannot open). The round then
    stops and the other messages wait, untouched, for the next one. A refused recipient or
    message (4xx/5xx to RCPT or DATA) concerns that message alone."""
    return not isinstance(
        error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError | ValueError | UnicodeError
    )


def backoff(attempts: int) -> timedelta:
    config = current_app.config
    seconds = config["MAIL_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["MAIL_RETRY_MAX_SECONDS"]))


def _lease() -> timedelta:
    # Longer than any one send can take (each SMTP step is bounded by the timeout), so a
    # lease never lapses while its worker still holds the message.
    return timedelta(seconds=max(60.0, 6 * float(current_app.config["MAIL_SMTP_TIMEOUT"])))


def _available(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        OutboxMessage.status == MailStatus.queued,
        OutboxMessage.next_attempt_at <= now,
        sa.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )


def _due_ids(now: datetime, limit: int) -> list[int]:
    with write_intent(False):  # an idle poll must not take SQLite's write lock
        ids = list(
            db.session.scalars(
                sa.select(OutboxMessage.id)
                .where(_available(now))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(limit)
            )
        )
        db.session.commit()
    return ids


def _claim(message_id: int, owner: str, now: datetime) -> _Claimed | None:
    with write_intent():
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, _available(now))
            .values(lease_until=now + _lease(), lease_owner=owner)
        )
        if getattr(result, "rowcount", 0) != 1:
            db.session.commit()
            return None  # another worker won it
        row = db.session.execute(
            sa.select(
                OutboxMessage.id,
                OutboxMessage.to_address,
                OutboxMessage.subject,
                OutboxMessage.text_body,
                OutboxMessage.html_body,
                OutboxMessage.headers,
                OutboxMessage.attempts,
            ).where(OutboxMessage.id == message_id)
        ).one()
        db.session.commit()
    return _Claimed(*row)


def _send(connection: Any, message: _Claimed) -> None:
    email = EmailMultiAlternatives(
        message.subject,
        message.text_body,
        current_app.config["MAIL_FROM"],
        [message.to_address],
        headers=dict(message.headers or {}),
        connection=connection,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    if email.send() != 1:
        raise smtplib.SMTPException("the mail backend did not accept the message")


def _finish(message: _Claimed, owner: str, values: dict[str, Any]) -> None:
    """Writes the outcome, if this worker still holds the lease."""
    values = {**values, "lease_until": None, "lease_owner": None}
    with write_intent():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.lease_owner == owner)
            .values(**values)
        )
        db.session.commit()


def _describe(error: BaseException) -> str:
    """The server's own answer ("451 4.3.0 Try again later") where there is one."""

    def reply(code: int, text: bytes | str) -> str:
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"

    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [f"{reply(*answer)} ({to})" for to, answer in error.recipients.items()]
        return f"{type(error).__name__}: " + "; ".join(answers)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {reply(error.smtp_code, error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _failed(message: _Claimed, owner: str, error: BaseException) -> bool:
    """Records a failed attempt; True if the message is given up."""
    attempts = message.attempts + 1
    give_up = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"] or isinstance(error, _HOPELESS)
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_error": _describe(error)[:500],
    }
    if give_up:
        values["status"] = MailStatus.failed
    else:
        values["next_attempt_at"] = utcnow() + backoff(attempts)
    _finish(message, owner, values)
    metrics.job_failed("mail")
    log.warning(
        "Mail %s attempt %d failed%s: %s",
        message.id,
        attempts,
        " (given up)" if give_up else "",
        values["last_error"],
    )
    return give_up


def _close(connection: Any) -> None:
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - a connection that broke is simply dropped
        log.debug("Closing the mail connection failed", exc_info=True)


def deliver_due(now: datetime | None = None, limit: int = 50) -> Round:
    """Sends up to ``limit`` due messages over one connection; stops at an outage."""
    now = now or utcnow()
    owner = uuid.uuid4().hex
    report = Round()
    connection = None
    try:
        for message_id in _due_ids(now, limit):
            message = _claim(message_id, owner, now)
            if message is None:
                continue
            try:
                if connection is None:
                    connection = backend.connection()
                    connection.open()
                _send(connection, message)
            except Exception as error:  # noqa: BLE001 - every failure is recorded, none lost
                if connection is not None:
                    _close(connection)
                    connection = None
                if _failed(message, owner, error):
                    report.failed += 1
                else:
                    report.retried += 1
                if _is_outage(error):
                    break
            else:
                _finish(
                    message,
                    owner,
                    {
                        "status": MailStatus.sent,
                        "sent_at": utcnow(),
                        "attempts": message.attempts + 1,
                    },
                )
                report.sent += 1
    finally:
        if connection is not None:
            _close(connection)
    return report


def run_once(now: datetime | None = None) -> Round:
    """One pass: digests that are due are queued, then everything due is sent."""
    digests = queue_due_digests(now)
    report = deliver_due(now)
    report.digests = digests
    return report


# --- The daemon thread of a server process ---------------------------------------------------


def _round(app: Flask) -> None:
    with app.app_context():
        try:
            run_once()
        except Exception as error:  # noqa: BLE001 - the thread must outlive any fault
            if is_unavailable(error):  # the database is down: expected, no traceback
                log.warning("The mail worker cannot reach the database; it tries again")
            else:
                log.exception("The mail worker's round failed; it tries again")
            metrics.job_failed("mail")
            try:
                db.session.rollback()
            except Exception:  # noqa: BLE001 - the database may be the fault itself
                log.debug("Rollback after a failed mail round failed", exc_info=True)


def _loop(app: Flask, stop: threading.Event) -> None:
    poll = float(app.config.get("MAIL_POLL_SECONDS", 5))
    while not stop.is_set():
        WAKE.wait(timeout=poll)
        WAKE.clear()
        if not stop.is_set():
            _round(app)


_workers = AppThreads("mail-worker", _loop)
_threads = _workers.running  # id(app) -> its worker thread in this process


def ensure_thread(app: Flask) -> None:
    """Starts this process's worker thread once (again in a forked child: threads do not
    survive a fork)."""
    _workers.ensure(app)


def stop_thread(app: Flask, timeout: float = 5.0) -> None:
    """Ends the app's worker thread after its current round (tests; a clean shutdown)."""
    _workers.stop(app, timeout, wake=WAKE.set)


def install_thread(app: Flask) -> None:
    """With MAIL_WORKER_THREAD, the first request of each server process starts the worker:
    not the factory itself, so ``flask db upgrade`` and the other commands start none."""
    if not app.config.get("MAIL_WORKER_THREAD"):
        return

    @app.before_request
    def _start_mail_worker() -> None:
        ensure_thread(app)
