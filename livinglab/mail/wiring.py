"""Wiring of the mail package into an app, called once by the factory (livinglab.setup).

Kept out of livinglab/mail/__init__.py: that file runs whenever any mail module is imported
(livinglab.mail.signals by notifications and accounts), and the receivers here import those
domains back, which would be an import cycle at load time.
"""

from __future__ import annotations

from flask import Flask

from livinglab.mail import (
    backend,
    models,  # noqa: F401 - the tables, for the metadata
    subscriptions,
    worker,
)
from livinglab.mail.outbox import backlog
from livinglab.ops.metrics import register_backlog


def init_mail(app: Flask) -> None:
    backend.configure(app)
    subscriptions.connect_all()
    register_backlog("mail", backlog)
    worker.install_thread(app)
