"""Writing an email into the outbox, in the recipient's language, in the caller's transaction.

Nothing here talks to a mail server: the row commits (or rolls back) with what caused it and
the worker (livinglab.mail.worker) sends it later, so a request never waits on SMTP and an
SMTP outage loses nothing. The words of a message come from Python (``_()``, extracted for
the translators); the two templates in templates/mail/ only lay them out as HTML and text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from livinglab.accounts.models import User
from livinglab.extensions import db
from livinglab.mail.models import MailStatus, OutboxMessage

# Set when a transaction that queued mail commits: the in-process worker wakes at once
# instead of at its next poll. Other processes' workers find the row when they poll.
WAKE = threading.Event()
_QUEUED = "livinglab.mail.queued"


@dataclass
class Email:
    """What a message says, made in the recipient's language; templates lay it out."""

    subject: str
    paragraphs: list[str] = field(default_factory=list)
    action: tuple[str, str] | None = None  # (label, absolute URL): the one button
    # A digest's parts: (heading, [(text, absolute URL or None)])
    sections: list[tuple[str, list[tuple[str, str | None]]]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # small print after the button
    footer: list[str] = field(default_factory=list)
    unsubscribe_url: str | None = None
    brand: str = ""
    unsubscribe_label: str = ""


def language_of(user: User) -> str:
    """The member's chosen language, else their city's, else the platform's default."""
    languages = current_app.config["LANGUAGES"]
    for code in (user.preferred_language, getattr(user.city, "language", None)):
        if code in languages:
            return str(code)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def base_url() -> str:
    """Where links in emails point. ``LIVINGLAB_PUBLIC_URL`` when set: the Host header of
    whoever asked for a password reset must never choose where the reset link goes."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def absolute(path: str) -> str:
    """An absolute URL for a path of this site (``/ideas/3``, as stored in notifications)."""
    parts = urlsplit(base_url())
    root = request.script_root if has_request_context() else ""
    return f"{parts.scheme}://{parts.netloc}{root}{path}"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL of a route, for a link in an email."""
    parts = urlsplit(base_url())
    return f"{parts.scheme}://{parts.netloc}{url_for(endpoint, **values)}"


@contextmanager
def mail_context() -> Iterator[None]:
    """A request context for url_for and templates when there is none (the worker)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=base_url()):
        yield


def render(email: Email, language: str) -> tuple[str, str]:
    email.brand = email.brand or _("Culture and Heritage Living Lab")
    email.unsubscribe_label = email.unsubscribe_label or _("Unsubscribe from these emails")
    context = {"email": email, "lang": language}
    return render_template("mail/message.txt", **context), render_template(
        "mail/message.html", **context
    )


def _sender_domain() -> str:
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "localhost"


def queue(
    to: str,
    kind: str,
    email: Email,
    language: str,
    *,
    user_id: int | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Adds the rendered message to the current transaction (the caller commits)."""
    text, html = render(email, language)
    headers = {
        # Fixed now, so every retry of this message carries the same id (receivers dedupe).
        "Message-ID": make_msgid(domain=_sender_domain()),
        "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation auto-replies
    }
    if email.unsubscribe_url:
        # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this URL.
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = OutboxMessage(
        user_id=user_id,
        kind=kind,
        to_address=to,
        subject=email.subject[:300],
        text_body=text,
        html_body=html,
        headers=headers,
        dedupe_key=dedupe_key,
    )
    db.session.add(message)
    db.session.info[_QUEUED] = True
    return message


def queue_for(
    user: User,
    kind: str,
    build: Callable[[], Email],
    *,
    to: str | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """A message to a member, written in their language: ``build`` runs with their locale."""
    language = language_of(user)
    with mail_context(), force_locale(language):
        email = build()
        return queue(
            to or user.email, kind, email, language, user_id=user.id, dedupe_key=dedupe_key
        )


def replace_queued(message_id: int, user: User, build: Callable[[], Email]) -> bool:
    """Rewrites a message nobody has started sending; False if a worker already holds it."""
    language = language_of(user)
    with mail_context(), force_locale(language):
        email = build()
        text, html = render(email, language)
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.queued,
            OutboxMessage.attempts == 0,
            OutboxMessage.lease_until.is_(None),
        )
        .values(subject=email.subject[:300], text_body=text, html_body=html)
    )
    return bool(getattr(result, "rowcount", 0))


def backlog() -> int:
    """Messages still to send (``/metrics`` and ``/readyz``)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(OutboxMessage.id)).where(
                OutboxMessage.status == MailStatus.queued
            )
        )
        or 0
    )


@event.listens_for(Session, "after_commit")
def _wake_worker(session: Session) -> None:
    if session.info.pop(_QUEUED, None):
        WAKE.set()


@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_QUEUED, None)
