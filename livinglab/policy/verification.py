"""Confirmed email addresses: what a member may do before confirming theirs.

The rule, as Decidim's unconfirmed accounts: a member who registered and has not yet opened
the link sent to their address may sign in, read everything, follow, set their profile and
their email choices, ask for a role (a person decides that anyway) and change a mistyped
address. What others see or what is counted waits for the confirmation: proposing a
challenge, submitting an idea, commenting, voting and flagging. Those are the acts that spam,
throw-away accounts and stuffed ballots are made of, and each of them can notify other members
by email, which must not flow from an address nobody has shown to own.

Accounts made any other way (demo data, the command line, members from before email
verification existed) count as confirmed: their ``verified_at`` is set.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate

from flask_babel import lazy_gettext as _l

from livinglab.policy.core import ALLOW, Verdict, _conflict, _forbidden, _is_admin, members_only

UNVERIFIED = Verdict(
    False,
    403,
    _l(
        "Confirm your email address first: open the link we sent you when you registered. "
        "Your profile page can send it again."
    ),
)


def is_verified(user: Any) -> bool:
    # Objects without the attribute (the anonymous user) are refused by the member check.
    return getattr(user, "verified_at", True) is not None


def verified_only[**P](
    rule: Callable[Concatenate[Any, P], Verdict],
) -> Callable[Concatenate[Any, P], Verdict]:
    """Wraps a rule (under ``@members_only``) that needs a confirmed address: an unconfirmed
    member is answered :data:`UNVERIFIED` before the rule runs."""

    @functools.wraps(rule)
    def checked(user: Any, *args: P.args, **kwargs: P.kwargs) -> Verdict:
        return rule(user, *args, **kwargs) if is_verified(user) else UNVERIFIED

    return checked


@members_only
def can_resend_verification(user: Any, target: Any) -> Verdict:
    """An administrator may send a member's confirmation link again (a lost email)."""
    if not _is_admin(user):
        return _forbidden(_l("Only an administrator may send a confirmation link for a member."))
    if is_verified(target):
        return _conflict(_l("This address is already confirmed."))
    if not target.is_active:
        return _conflict(_l("This account is suspended or deleted."))
    return ALLOW
