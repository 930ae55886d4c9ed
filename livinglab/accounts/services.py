"""Account operations: each checks the policy, writes, audits and notifies."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy.exc import IntegrityError

from livinglab import events, policy
from livinglab.accounts.models import ProfileKind, RequestStatus, Role, RoleRequest, User
from livinglab.accounts.passwords import hash_password, needs_rehash, verify_password
from livinglab.accounts.session import forget_all
from livinglab.cities.models import City
from livinglab.database import utcnow, write_intent
from livinglab.errors import Conflict, Invalid, require
from livinglab.extensions import db
from livinglab.mail import signals as mail_signals
from livinglab.onboarding import consent
from livinglab.realtime.broadcast import end_member_sockets

DISPLAY_NAME_MAX = 80
MOTIVATION_MAX = 2000
REASON_MAX = 500


def normalize_email(email: str) -> str:
    """Lower-case and check an address; raises :class:`Invalid` for a malformed one."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(
            _l("Enter a valid email address."), {"email": _l("Enter a valid email address.")}
        ) from None
    return result.normalized.lower()


def find_by_email(email: str) -> User | None:
    try:
        address = normalize_email(email)
    except Invalid:
        return None
    return db.session.scalar(sa.select(User).where(User.email == address))


def check_password_rules(password: str, field: str = "password") -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        message = lazy_ngettext(
            "Use at least %(num)d character.", "Use at least %(num)d characters.", minimum
        )
        raise Invalid(message, {field: message})
    if len(password) > 256:
        message = _l("Use at most 256 characters.")
        raise Invalid(message, {field: message})


def register(
    *,
    email: str,
    password: str,
    display_name: str,
    city_slug: str,
    profile_kind: str,
    preferred_language: str | None = None,
    verified: bool = False,
    accepted_terms: bool = False,
) -> User:
    """A new participant. Their address is confirmed by the link emailed to it (queued with
    the account) unless ``verified`` (an account made on the command line). With
    ``accepted_terms`` (the registration form's box), their acceptance of the current terms
    and privacy notice is recorded with the account; without it (the API, the command line)
    they are asked at their first sign-in on the site."""
    address = normalize_email(email)
    check_password_rules(password)
    name = display_name.strip()
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise Invalid(
            _l("Enter a name."), {"display_name": _l("Enter a name of at most 80 characters.")}
        )
    city = db.session.scalar(sa.select(City).where(City.slug == city_slug))
    if city is None:
        raise Invalid(
            _l("Choose a partner city."), {"city": _l("Choose one of the partner cities.")}
        )
    try:
        kind = ProfileKind(profile_kind)
    except ValueError:
        raise Invalid(_l("Choose a profile."), {"profile_kind": _l("Choose a profile.")}) from None
    if preferred_language not in (None, "", *current_app.config["LANGUAGES"]):
        preferred_language = None
    taken = _l("An account with this email address already exists.")
    if db.session.scalar(sa.select(User.id).where(User.email == address)) is not None:
        raise Invalid(taken, {"email": taken})
    user = User(
        email=address,
        password_hash=hash_password(password),
        display_name=name,
        city_id=city.id,
        role=Role.participant,
        profile_kind=kind,
        preferred_language=preferred_language or None,
        verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    try:
        db.session.flush()  # the confirmation link names the account by its id
        events.send(mail_signals.member_registering, user)  # the confirmation email
        if accepted_terms:
            consent.record(user)
        db.session.commit()
    except IntegrityError:
        # Two registrations with the same address raced; the database kept the first.
        db.session.rollback()
        raise Invalid(taken, {"email": taken}) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """The member for these credentials, suspended or not (the caller tells them apart)."""
    # The read ends before the slow password check: a sign-in (a POST) would otherwise hold
    # SQLite's write lock for the whole check and make every other writer wait behind it.
    with write_intent(False):
        user = find_by_email(email)
        stored_hash = user.password_hash if user else None
        db.session.commit()
    if not verify_password(stored_hash, password):
        return None
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def update_profile(user: User, *, display_name: str, preferred_language: str | None) -> None:
    name = display_name.strip()
    if not name or len(name) > DISPLAY_NAME_MAX:
        raise Invalid(
            _l("Enter a name."), {"display_name": _l("Enter a name of at most 80 characters.")}
        )
    if preferred_language and preferred_language not in current_app.config["LANGUAGES"]:
        raise Invalid(_l("Choose a language."), {"preferred_language": _l("Choose a language.")})
    user.display_name = name
    user.preferred_language = preferred_language or None
    db.session.commit()


def change_password(user: User, *, current: str, new: str) -> None:
    """Changes the password and signs out every other session of this member."""
    if not verify_password(user.password_hash, current):
        message = _l("This is not your current password.")
        raise Invalid(message, {"current_password": message})
    check_password_rules(new, field="new_password")
    user.password_hash = hash_password(new)
    user.session_version += 1
    forget_all(user.id)
    db.session.commit()
    end_member_sockets(user.id)


def sign_out_everywhere(user: User) -> None:
    """Ends every sign-in of the member, this one included: sessions, remember-me cookies and
    live connections. API tokens stay: they are revoked one by one on their own page."""
    user.session_version += 1
    forget_all(user.id)
    db.session.commit()
    end_member_sockets(user.id)


def request_role(user: User, role: str, motivation: str) -> RoleRequest:
    try:
        wanted = Role(role)
    except ValueError:
        raise Invalid(_l("Choose a role."), {"role": _l("Choose a role.")}) from None
    verdict = policy.can_request_role(user, wanted)
    if not verdict:
        if verdict.status == 401:
            require(verdict)
        raise Invalid(verdict.reason, {"role": verdict.reason}, status=verdict.status)
    text = motivation.strip()
    if not text or len(text) > MOTIVATION_MAX:
        message = _l("Tell us in up to 2000 characters why you ask for this role.")
        raise Invalid(message, {"motivation": message})
    pending = db.session.scalar(
        sa.select(RoleRequest.id).where(
            RoleRequest.user_id == user.id,
            RoleRequest.role == wanted,
            RoleRequest.status == RequestStatus.pending,
        )
    )
    if pending is not None:
        message = _l("You already asked for this role; your request is waiting for a decision.")
        raise Invalid(message, {"role": message}, status=409)
    req = RoleRequest(user_id=user.id, role=wanted, motivation=text)
    db.session.add(req)
    db.session.flush()  # the entry names the request by its id
    events.send(events.role_requested, req, actor=user)  # audit
    events.commit()
    return req


def decide_role_request(actor: User, req: RoleRequest, *, grant: bool, reason: str = "") -> None:
    require(policy.can_decide_role_request(actor, req))
    if req.status != RequestStatus.pending:
        raise Conflict(_l("This request has already been decided."))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise Invalid(
            _l("Keep the reason under 500 characters."),
            {"reason": _l("Keep the reason under 500 characters.")},
        )
    if not grant and not reason:
        message = _l("Say why the request is refused; the member will read it.")
        raise Invalid(message, {"reason": message})
    member = req.user
    if grant and member.is_suspended:
        raise Conflict(_l("A suspended account cannot be given a role."))
    req.status = RequestStatus.granted if grant else RequestStatus.refused
    req.decided_at = utcnow()
    req.decided_by_id = actor.id
    req.decision_reason = reason or None
    if grant:
        member.role = req.role
    # audit, the member's notification
    events.send(
        events.role_request_decided, req, actor=actor, member=member, grant=grant, reason=reason
    )
    events.commit()


def set_role(actor: User, target: User, role: str, reason: str = "") -> None:
    require(policy.can_set_role(actor, target))
    try:
        new_role = Role(role)
    except ValueError:
        raise Invalid(_l("Choose a role."), {"role": _l("Choose a role.")}) from None
    if new_role == target.role:
        raise Invalid(
            _l("The member already has this role."),
            {"role": _l("The member already has this role.")},
        )
    if target.is_suspended and new_role != Role.participant:
        raise Conflict(_l("A suspended account cannot be given a role."))
    previous = target.role
    target.role = new_role
    # audit, the member's notification
    events.send(
        events.role_changing, target, actor=actor, previous=previous, reason=reason.strip(), via=""
    )
    events.commit()


def suspend(actor: User, target: User, reason: str) -> None:
    require(policy.can_suspend(actor, target))
    text = reason.strip()
    if not text or len(text) > REASON_MAX:
        message = _l("Give a reason of at most 500 characters.")
        raise Invalid(message, {"reason": message})
    if target.is_suspended:
        raise Conflict(_l("This account is already suspended."))
    if target.role == Role.admin and active_admin_count() <= 1:
        raise Conflict(_l("The last administrator cannot be suspended."))
    target.suspended_at = utcnow()
    target.suspension_reason = text
    target.session_version += 1  # signs the member out everywhere
    forget_all(target.id)
    events.send(events.member_suspended, target, actor=actor, reason=text)  # audit
    events.commit()
    end_member_sockets(target.id)


def reactivate(actor: User, target: User, reason: str = "") -> None:
    require(policy.can_suspend(actor, target))
    if not target.is_suspended:
        raise Conflict(_l("This account is not suspended."))
    target.suspended_at = None
    target.suspension_reason = None
    events.send(events.member_reactivated, target, actor=actor, reason=reason.strip())  # audit
    events.commit()


def active_admin_count() -> int:
    """Administrators who can still act: neither suspended nor deleted."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.role == Role.admin, User.suspended_at.is_(None), User.deleted_at.is_(None)
            )
        )
        or 0
    )


def create_admin(*, email: str, password: str, display_name: str, city_slug: str) -> User:
    """The first administrator comes from the command line; it is registered, then promoted."""
    user = register(
        email=email,
        password=password,
        display_name=display_name,
        city_slug=city_slug,
        profile_kind=ProfileKind.other.value,
        verified=True,
    )
    previous = user.role
    user.role = Role.admin
    events.send(events.role_changing, user, actor=None, previous=previous, reason="", via="cli")
    events.commit()
    return user
