"""Failed sign-ins, throttled per account and per address (HTML form and API alike).

A conference room signs in from one public address: fifty delegates within minutes must all
get in, so sign-ins are not limited per request. Only failures count, in two budgets:

- per account (the normalised email, known or not, so the answer never tells which exist):
  guessing one member's password stays slow;
- per address, much larger: one machine trying many accounts is stopped too, while a room of
  people who mistype now and then is not.

A budget that is spent refuses the attempt before the password is checked (a refused guess
tells nothing, and costs no password hashing), with the seconds to wait. A successful sign-in
does not count, nor does it wipe the failures (else a member's script signing in every minute
would hand a guesser a fresh budget every minute). The counters live in the rate limiter's
storage: Redis, shared by every process, or this process's memory while Redis is down
(livinglab.resilience). Checking and counting are separate steps, so a handful of guesses
sent at the very same moment may each pass the check: the budget is exceeded by at most the
guesses in flight, never by a steady stream.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import ngettext
from limits import RateLimitItem
from limits import parse as parse_limit

from livinglab.accounts import services
from livinglab.accounts.models import User
from livinglab.errors import Invalid, ServiceError
from livinglab.extensions import limiter


class TooManyFailures(ServiceError):
    """The account's or the address's failure budget is spent; ``retry_after`` in seconds."""

    status = 429

    def __init__(self, message: str, retry_after: int, scope: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.scope = scope  # "account" or "address": which budget refused


@dataclass(frozen=True)
class _Budget:
    scope: str
    item: RateLimitItem
    key: str


def _account_key(email: str) -> str:
    """The account as stored (lower-cased, normalised); hashed, so no address sits in Redis."""
    try:
        address = services.normalize_email(email or "")
    except Invalid:
        address = (email or "").strip().lower()  # still one budget per thing typed
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _budgets(email: str, address: str | None) -> list[_Budget]:
    config = current_app.config
    return [
        _Budget("account", parse_limit(config["RATELIMIT_SIGN_IN_ACCOUNT"]), _account_key(email)),
        _Budget("address", parse_limit(config["RATELIMIT_SIGN_IN_ADDRESS"]), address or "unknown"),
    ]


def _identifiers(budget: _Budget) -> tuple[str, ...]:
    # The deployment's prefix first, as Flask-Limiter does for its own limits.
    return (current_app.config["RATELIMIT_KEY_PREFIX"], f"sign-in-{budget.scope}", budget.key)


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _refusal(budget: _Budget) -> TooManyFailures:
    stats = limiter.limiter.get_window_stats(budget.item, *_identifiers(budget))
    seconds = max(1, math.ceil(stats.reset_time - time.time()))
    minutes = max(1, math.ceil(seconds / 60))
    if budget.scope == "account":
        message = ngettext(
            "Too many failed sign-ins to this account. To protect it, signing in to it is "
            "paused: please try again in %(num)d minute.",
            "Too many failed sign-ins to this account. To protect it, signing in to it is "
            "paused: please try again in %(num)d minutes.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many failed sign-ins from your network. Please try again in %(num)d minute.",
            "Too many failed sign-ins from your network. Please try again in %(num)d minutes.",
            minutes,
        )
    return TooManyFailures(message, seconds, budget.scope)


def authenticate(email: str, password: str, address: str | None) -> User | None:
    """The member for these credentials (suspended or not), None when they do not match.

    Raises :class:`TooManyFailures` while the account's or the address's failures are spent.
    ``address`` is the client's address as the app sees it (behind trusted proxies, the real
    client's: LIVINGLAB_TRUSTED_PROXIES).
    """
    if not _enabled():
        return services.authenticate(email, password)
    budgets = _budgets(email, address)
    for budget in budgets:
        if not limiter.limiter.test(budget.item, *_identifiers(budget)):
            raise _refusal(budget)
    user = services.authenticate(email, password)
    if user is None:
        for budget in budgets:
            limiter.limiter.hit(budget.item, *_identifiers(budget))
    return user
