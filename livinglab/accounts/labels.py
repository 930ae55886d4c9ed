"""Human names of roles and profile kinds, translated when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import ProfileKind, Role

ROLE_LABELS = {
    Role.participant: _l("Participant"),
    Role.expert: _l("Expert"),
    Role.city_rep: _l("City representative"),
    Role.admin: _l("Administrator"),
}

PROFILE_KIND_LABELS = {
    ProfileKind.student: _l("Student"),
    ProfileKind.young_artist: _l("Young artist"),
    ProfileKind.other: _l("Resident or other"),
}


def role_label(role: str) -> str:
    try:
        return str(ROLE_LABELS[Role(role)])
    except ValueError:
        return role


def profile_kind_label(kind: str) -> str:
    try:
        return str(PROFILE_KIND_LABELS[ProfileKind(kind)])
    except ValueError:
        return kind
