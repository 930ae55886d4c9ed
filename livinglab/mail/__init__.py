"""Email that is never lost: an outbox written with its cause, a worker that retries.

``init_mail(app)`` (called by the factory, livinglab.setup) binds Flask-Mailman to SMTP or to
the file folder (livinglab.mail.backend), connects the receivers that queue email
(livinglab.mail.subscriptions), registers the outbox's length with the metrics and, with
MAIL_WORKER_THREAD, starts the delivery worker in the server process on its first request.
``flask --app wsgi deliver-mail`` runs the same worker as a process of its own.
"""

from __future__ import annotations

from flask import Flask


def init_mail(app: Flask) -> None:
    from livinglab.mail import (
        backend,
        models,  # noqa: F401 - the tables, for the metadata
        subscriptions,
        worker,
    )
    from livinglab.mail.outbox import backlog
    from livinglab.ops.metrics import register_backlog

    backend.configure(app)
    subscriptions.connect_all()
    register_backlog("mail", backlog)
    worker.install_thread(app)
