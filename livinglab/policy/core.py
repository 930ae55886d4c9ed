"""The verdict every rule answers with, and the few facts the rules are built from.

Each ``can_*`` function answers "may this user do this to that?" with a :class:`Verdict`:
truthy when allowed; otherwise it carries the HTTP status the faces answer with
(401 not signed in, 403 not allowed, 409 not now: wrong phase or state) and a reason
a person can read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import Role


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    status: int = 200
    reason: Any = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Verdict(True)
NOT_SIGNED_IN = Verdict(False, 401, _l("Please sign in first."))


def _forbidden(reason: Any) -> Verdict:
    return Verdict(False, 403, reason)


def _conflict(reason: Any) -> Verdict:
    return Verdict(False, 409, reason)


def is_member(user: Any) -> bool:
    """Signed in with an account that is not suspended."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _member_check(user: Any) -> Verdict | None:
    return None if is_member(user) else NOT_SIGNED_IN


def members_only[**P](
    rule: Callable[Concatenate[Any, P], Verdict],
) -> Callable[Concatenate[Any, P], Verdict]:
    """Wraps a rule that only members may pass: a visitor (or a suspended account) is answered
    :data:`NOT_SIGNED_IN` before the rule runs, so the rule may read ``user.id`` and
    ``user.role`` and states only what it adds. The name and signature stay the rule's own."""

    @functools.wraps(rule)
    def checked(user: Any, *args: P.args, **kwargs: P.kwargs) -> Verdict:
        return rule(user, *args, **kwargs) if is_member(user) else NOT_SIGNED_IN

    return checked


# The roles that run the lab: administrators, and city representatives for their own city.
STAFF_ROLES = frozenset({Role.admin, Role.city_rep})


def _only_roles(user: Any, roles: Collection[Role], refusal: Verdict) -> Verdict:
    """A rule that the role alone decides: members holding one of ``roles`` pass, a visitor is
    :data:`NOT_SIGNED_IN` and any other member gets ``refusal``."""
    if not is_member(user):
        return NOT_SIGNED_IN
    return ALLOW if user.role in roles else refusal


def _is_admin(user: Any) -> bool:
    return is_member(user) and user.role == Role.admin


def _is_city_rep(user: Any) -> bool:
    return is_member(user) and user.role == Role.city_rep


def _is_city_rep_of(user: Any, city_ids: Iterable[int]) -> bool:
    return _is_city_rep(user) and user.city_id in set(city_ids)


def _oversees(user: Any, city_ids: Iterable[int]) -> bool:
    """An administrator, or a representative of one of these cities: who moderates, manages
    and decides for what belongs to them."""
    return _is_admin(user) or _is_city_rep_of(user, city_ids)


def _leads(user: Any, challenge: Any) -> bool:
    return _oversees(user, {challenge.lead_city_id})


@dataclass(frozen=True)
class CityScope:
    """The partner cities a list is limited to for one viewer: ``everywhere`` (admins), some
    cities (a city representative's own), or none. Views filter their queries by it, so the
    rule of who sees which city's rows lives here and not in each view."""

    everywhere: bool = False
    city_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return self.everywhere or bool(self.city_ids)

    def includes(self, city_id: int | None) -> bool:
        return self.everywhere or city_id in self.city_ids


EVERYWHERE = CityScope(everywhere=True)
NOWHERE = CityScope()


def _admin_or_own_city(user: Any) -> CityScope:
    """Admins: every city; a city representative: their own; anyone else: none."""
    if _is_admin(user):
        return EVERYWHERE
    if _is_city_rep(user):
        return CityScope(city_ids=frozenset({user.city_id}))
    return NOWHERE
