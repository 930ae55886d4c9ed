"""Accepting the terms of use and the privacy notice, and knowing whether a member has.

Asked on every page a member opens (livinglab.onboarding.views' gate), so the answer is kept
in the signed session once found: one query at sign-in, none afterwards, until a new version
of either text exists.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import session
from sqlalchemy.exc import IntegrityError

from livinglab import events
from livinglab.extensions import db
from livinglab.onboarding import documents
from livinglab.onboarding.models import TermsAcceptance

_SESSION_KEY = "consent"


def _session_mark(user_id: int) -> str:
    # Bound to the member: another account signing in on this browser is asked on its own.
    terms, privacy = documents.current_versions()
    return f"{user_id}:{terms}:{privacy}"


def record(user: Any) -> None:
    """Adds the member's acceptance of the current versions to the current transaction (the
    caller commits): at registration, with the account itself."""
    terms, privacy = documents.current_versions()
    db.session.add(TermsAcceptance(user_id=user.id, terms_version=terms, privacy_version=privacy))


def has_accepted_current(user_id: int) -> bool:
    terms, privacy = documents.current_versions()
    found = db.session.scalar(
        sa.select(TermsAcceptance.id).where(
            TermsAcceptance.user_id == user_id,
            TermsAcceptance.terms_version == terms,
            TermsAcceptance.privacy_version == privacy,
        )
    )
    return found is not None


def has_accepted_any(user_id: int) -> bool:
    """Whether the member ever accepted a version (else they are asked for the first time:
    an account made through the API or on the command line)."""
    found = db.session.scalar(
        sa.select(TermsAcceptance.id).where(TermsAcceptance.user_id == user_id).limit(1)
    )
    return found is not None


def remember(user: Any) -> None:
    """This browser's session knows the member accepted the current versions."""
    session[_SESSION_KEY] = _session_mark(user.id)


def needs_consent(user: Any) -> bool:
    """Whether the member must still accept the current versions (remembered once they have)."""
    if session.get(_SESSION_KEY) == _session_mark(user.id):
        return False
    if has_accepted_current(user.id):
        remember(user)
        return False
    return True


def accept(user: Any) -> None:
    """The member accepts the current versions (again, after a change)."""
    if not has_accepted_current(user.id):
        record(user)
        try:
            events.commit()
        except IntegrityError:
            db.session.rollback()  # the same acceptance sent twice at once: one row is kept
    remember(user)
