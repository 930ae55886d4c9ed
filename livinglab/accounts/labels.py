"""Human names of roles and profile kinds, translated when shown."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from livinglab.accounts.models import ProfileKind, Role
from livinglab.core.labels import labeller

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

role_label = labeller(ROLE_LABELS)
profile_kind_label = labeller(PROFILE_KIND_LABELS)
