"""The account's life by email: password reset, address confirmation, change of address.

Every link is a signed token (livinglab.mail.tokens) that expires. A reset token also carries
a fingerprint of the password hash it was made for, so it dies the moment it is used (or the
password changes any other way); the write itself is conditional on that same hash, so two
uses racing each other still change the password once.
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from livinglab import policy
from livinglab.accounts.models import User
from livinglab.accounts.passwords import hash_password, verify_password
from livinglab.accounts.services import check_password_rules, find_by_email, normalize_email
from livinglab.accounts.session import forget_all
from livinglab.database import utcnow, write_intent
from livinglab.errors import Invalid, require
from livinglab.extensions import db
from livinglab.mail import outbox, tokens
from livinglab.mail.tokens import BadToken, TokenProblem
from livinglab.realtime.broadcast import end_member_sockets

RESET, VERIFY, CHANGE = "password-reset", "verify-email", "change-email"

LINK_EXPIRED = _l("This link has expired. Ask for a new one below.")
LINK_INVALID = _l("This link is not valid: it may be incomplete. Ask for a new one below.")
LINK_USED = _l("This link has already been used. Ask for a new one if you need it.")
ADDRESS_TAKEN = _l("An account with this email address already exists.")


class LinkRefused(Invalid):
    """A link that cannot be used; ``reason`` says which way (for the page's wording)."""

    def __init__(self, message: Any, reason: str):
        super().__init__(message, {"token": message})
        self.reason = reason


def _refused(error: BadToken) -> LinkRefused:
    if error.problem == TokenProblem.expired:
        return LinkRefused(LINK_EXPIRED, "expired")
    return LinkRefused(LINK_INVALID, "invalid")


def _minutes(seconds: int) -> int:
    return max(1, seconds // 60)


def _days(seconds: int) -> int:
    return max(1, seconds // 86400)


def _read_link(
    purpose: str, token: str, max_age_setting: str
) -> tuple[dict[str, Any], User | None]:
    """The payload of a link made for ``purpose`` and the member it names (None if there is
    none); an expired or broken link is refused with the words for it."""
    try:
        payload = tokens.read(purpose, token, current_app.config[max_age_setting])
    except BadToken as error:
        raise _refused(error) from None
    user_id = payload.get("u")
    return payload, db.session.get(User, user_id) if isinstance(user_id, int) else None


def _link_email(
    user: User, subject: str, why: str, action: tuple[str, str], after: list[str]
) -> outbox.Email:
    """An email that greets the member, says why it came and carries one link."""
    return outbox.Email(
        subject=subject,
        paragraphs=[_("Hello %(name)s,", name=user.display_name), why],
        action=action,
        after=after,
    )


def _lasting_days() -> str:
    """How long an address link works, in the member's language."""
    days = _days(current_app.config["EMAIL_LINK_MAX_AGE"])
    return ngettext("The link works for %(num)d day.", "The link works for %(num)d days.", days)


# --- Password reset -------------------------------------------------------------------------


def _fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:24]


def request_password_reset(email: str) -> None:
    """Queues a reset link if an active account has this address; otherwise does nothing.
    The caller answers the same either way, so the form tells nobody who is registered."""
    user = find_by_email(email)
    if user is None or not user.is_active:
        return
    token = tokens.make(RESET, {"u": user.id, "p": _fingerprint(user.password_hash)})
    minutes = _minutes(current_app.config["PASSWORD_RESET_MAX_AGE"])

    def build() -> outbox.Email:
        return _link_email(
            user,
            _("Choose a new password for the Living Lab"),
            _("Someone, probably you, asked to reset the password of your account."),
            (
                _("Choose a new password"),
                outbox.external_url("recovery.reset_password", token=token),
            ),
            [
                ngettext(
                    "The link works once, for %(num)d minute.",
                    "The link works once, for %(num)d minutes.",
                    minutes,
                ),
                _("If you did not ask for it, ignore this email: your password stays as it is."),
            ],
        )

    outbox.queue_for(user, "password_reset", build)
    db.session.commit()


def user_for_reset(token: str) -> User:
    """The member a reset link was made for, while the link can still be used."""
    payload, user = _read_link(RESET, token, "PASSWORD_RESET_MAX_AGE")
    if user is None or not user.is_active:
        raise LinkRefused(LINK_INVALID, "invalid")
    if payload.get("p") != _fingerprint(user.password_hash):
        raise LinkRefused(LINK_USED, "used")
    return user


def reset_password(token: str, password: str) -> User:
    """Sets the new password once, signs the member out everywhere and confirms the address
    (the link came through it)."""
    with write_intent(False):  # the slow hashing below must not hold SQLite's write lock
        user = user_for_reset(token)
        user_id, old_hash = user.id, user.password_hash
        db.session.commit()
    check_password_rules(password)
    new_hash = hash_password(password)
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user_id, User.password_hash == old_hash)
        .values(
            password_hash=new_hash,
            session_version=User.session_version + 1,
            verified_at=sa.func.coalesce(User.verified_at, utcnow()),
        )
    )
    if getattr(result, "rowcount", 0) != 1:
        db.session.rollback()
        raise LinkRefused(LINK_USED, "used")
    forget_all(user_id)
    db.session.commit()
    end_member_sockets(user_id)
    refreshed = db.session.get(User, user_id, populate_existing=True)
    assert refreshed is not None
    return refreshed


# --- Confirming an address ------------------------------------------------------------------


def queue_verification(user: User) -> None:
    """Queues the confirmation link to the member's address (in the caller's transaction)."""
    token = tokens.make(VERIFY, {"u": user.id, "e": user.email})

    def build() -> outbox.Email:
        return _link_email(
            user,
            _("Confirm your email address for the Living Lab"),
            _(
                "Welcome to the Culture and Heritage Living Lab. Confirm that this address "
                "is yours to submit ideas, comment and vote."
            ),
            (_("Confirm my address"), outbox.external_url("recovery.verify_email", token=token)),
            [_lasting_days(), _("If you did not create an account, ignore this email.")],
        )

    outbox.queue_for(user, "verify_email", build)


def verify_email(token: str) -> tuple[User, bool]:
    """Confirms the address a link was sent to; (member, whether it was confirmed just now)."""
    payload, user = _read_link(VERIFY, token, "EMAIL_LINK_MAX_AGE")
    if user is None or user.is_deleted or user.email != payload.get("e"):
        # The account has another address now: this link confirmed (or was for) the old one.
        raise LinkRefused(LINK_INVALID, "invalid")
    if user.verified_at is not None:
        return user, False
    user.verified_at = utcnow()
    db.session.commit()
    return user, True


def resend_verification(actor: User, member: User) -> None:
    """A new confirmation link: asked by the member themself, or by an administrator."""
    if actor.id != member.id:
        require(policy.can_resend_verification(actor, member))
    elif member.verified_at is not None:
        return
    queue_verification(member)
    db.session.commit()


# --- Changing the address -------------------------------------------------------------------


def request_email_change(user: User, new_email: str, password: str) -> str:
    """Sends a confirmation link to the new address; the account keeps the old one until the
    link is opened. Returns the new address, normalised."""
    if not verify_password(user.password_hash, password):
        message = _l("This is not your current password.")
        raise Invalid(message, {"current_password": message})
    address = normalize_email(new_email)
    if address == user.email:
        message = _l("This is already the address of your account.")
        raise Invalid(message, {"email": message})
    if db.session.scalar(sa.select(User.id).where(User.email == address)) is not None:
        raise Invalid(ADDRESS_TAKEN, {"email": ADDRESS_TAKEN})
    token = tokens.make(CHANGE, {"u": user.id, "old": user.email, "new": address})

    def build() -> outbox.Email:
        return _link_email(
            user,
            _("Confirm your new email address for the Living Lab"),
            _(
                "You asked to use this address for your Living Lab account. It replaces "
                "the old one when you open this link."
            ),
            (
                _("Use this address"),
                outbox.external_url("recovery.confirm_email_change", token=token),
            ),
            [_lasting_days(), _("If you did not ask for it, ignore this email: nothing changes.")],
        )

    outbox.queue_for(user, "confirm_email", build, to=address)
    db.session.commit()
    return address


def confirm_email_change(token: str) -> tuple[User, bool]:
    """Replaces the address; (member, whether it changed just now). The old address is told."""
    payload, user = _read_link(CHANGE, token, "EMAIL_LINK_MAX_AGE")
    old, new = payload.get("old"), payload.get("new")
    if user is None or not user.is_active or not isinstance(new, str):
        raise LinkRefused(LINK_INVALID, "invalid")
    if user.email == new:
        return user, False
    if user.email != old:
        raise LinkRefused(LINK_USED, "used")
    if db.session.scalar(sa.select(User.id).where(User.email == new)) is not None:
        raise Invalid(ADDRESS_TAKEN, {"email": ADDRESS_TAKEN})
    user.email = new
    user.verified_at = utcnow()

    def notice() -> outbox.Email:
        return outbox.Email(
            subject=_("The email address of your Living Lab account was changed"),
            paragraphs=[
                _("Hello %(name)s,", name=user.display_name),
                _("Your account now uses the address %(address)s.", address=new),
                _(
                    "If you did not make this change, choose a new password and tell the "
                    "Living Lab coordinators."
                ),
            ],
            action=(_("Choose a new password"), outbox.external_url("recovery.forgot_password")),
        )

    outbox.queue_for(user, "email_changed", notice, to=str(old))
    try:
        db.session.commit()
    except IntegrityError:  # another account took the address in the meantime
        db.session.rollback()
        raise Invalid(ADDRESS_TAKEN, {"email": ADDRESS_TAKEN}) from None
    return user, True
