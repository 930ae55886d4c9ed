"""What waits for whom on a member's desk (the signed-in home page).

The desk lists work a member can act on; which cities' work is theirs follows the rules that
let them act: the lead city's representatives publish and move challenges, a host city's
representative decides for their city, a pilot's city manages its milestones, and an
administrator oversees every city (they see the same lists for all cities).
"""

from __future__ import annotations

from typing import Any

from livinglab.policy.core import NOWHERE, CityScope, _admin_or_own_city, _is_city_rep


def desk_scope(user: Any) -> CityScope:
    """The cities whose waiting work (proposals to publish, phases due, decisions pending,
    overdue milestones of pilots) a viewer's desk lists: every city for an administrator,
    their own for a city representative, none for anyone else."""
    return _admin_or_own_city(user)


def no_vote_scope(user: Any) -> CityScope:
    """The host cities whose challenges a member may not vote on (the rule of ``can_vote``):
    a city representative's own city; nobody else is barred by city."""
    if _is_city_rep(user):
        return CityScope(city_ids=frozenset({user.city_id}))
    return NOWHERE
