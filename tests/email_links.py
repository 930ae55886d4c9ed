"""Following a link from an email the platform queued, as its recipient would."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from livinglab.extensions import db
from livinglab.mail.models import OutboxMessage


def confirm_address(app: Flask, client, address: str) -> None:
    """Opens the confirmation link sent to ``address`` at registration (with ``client``)."""
    with app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.text_body)
            .where(OutboxMessage.to_address == address, OutboxMessage.kind == "verify_email")
            .order_by(OutboxMessage.id.desc())
        )
    assert body, f"no confirmation email to {address}"
    link = re.search(r"/verify-email/\S+", body)
    assert link, body
    assert client.get(link[0]).status_code == 200
