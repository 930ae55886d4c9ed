"""The footer of every email sent because of the member's choices (immediate or digest).

Below livinglab.mail.subscriptions and livinglab.mail.digests, which both use it, so that
neither has to import the other for it.
"""

from __future__ import annotations

from flask_babel import gettext as _

from livinglab.accounts.models import User
from livinglab.mail import outbox
from livinglab.mail.tokens import unsubscribe_token


def footer_for(email: outbox.Email, user: User, scope: str) -> None:
    """Why the member receives this, where to change it, and the one-click way out."""
    email.footer.append(
        _(
            "You receive this email because of your choices on the Living Lab. Change them at %(url)s",
            url=outbox.external_url("mail.preferences_page"),
        )
    )
    email.unsubscribe_url = outbox.external_url(
        "mail.unsubscribe", token=unsubscribe_token(user.id, scope)
    )
