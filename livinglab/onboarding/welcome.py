"""Which welcome a newcomer reads: what to do first depends on who they said they are.

Registration asks "I am": a student, a young artist, a resident — the participant profiles —
or a heritage expert or a municipality's staff, roles that are asked for once in (a person
decides them). The choice is remembered in the session for the welcome page; later visits
read the member's role and profile.
"""

from __future__ import annotations

from typing import Any

from flask import session
from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import Role

# "I am" choices at registration that are roles to ask for, not participant profiles.
WISHED_ROLES = {
    "expert": (Role.expert, _l("A heritage expert or researcher")),
    "city_rep": (Role.city_rep, _l("Staff of a partner municipality")),
}
_SESSION_KEY = "welcome_as"


def remember_wish(user: Any, choice: str) -> None:
    """Keeps what the newcomer said they are, for their welcome page (in this browser)."""
    session[_SESSION_KEY] = f"{user.id}:{choice}"


def role_to_ask(user: Any) -> Role | None:
    """The role a participant said at registration they would ask for, if any."""
    wish = WISHED_ROLES.get(profile_of(user))
    return wish[0] if wish and user.role == Role.participant else None


def profile_of(user: Any) -> str:
    """The welcome to show: the member's role once granted, else what they said at
    registration, else their participant profile (student, young_artist, other)."""
    if user.role != Role.participant:
        return str(user.role.value)
    owner, _, wish = str(session.get(_SESSION_KEY, "")).partition(":")
    if owner == str(user.id) and wish in WISHED_ROLES:
        return wish
    return str(user.profile_kind.value)
