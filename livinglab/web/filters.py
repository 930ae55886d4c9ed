"""Jinja filters shared by every template."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_babel import format_decimal, format_timedelta, get_locale

from livinglab.accounts.labels import profile_kind_label, role_label
from livinglab.accounts.models import Role
from livinglab.audit.labels import action_label
from livinglab.challenges.labels import phase_label, theme_label
from livinglab.database import utcnow
from livinglab.ideas.labels import idea_status_label
from livinglab.pilots.labels import pilot_status_label
from livinglab.policy.templating import register_template_helper
from livinglab.text import render_markdown


def time_ago(moment: datetime) -> str:
    """ "3 minutes ago" in the reader's language (CLDR's words, no catalogue needed)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_timedelta(moment - utcnow(), add_direction=True, threshold=1.0)


# Countries are stored as the partners wrote them (in English); shown in the reader's language.
COUNTRY_CODES = {
    "Italy": "IT",
    "France": "FR",
    "Portugal": "PT",
    "Romania": "RO",
    "Germany": "DE",
    "Spain": "ES",
    "Finland": "FI",
    "Poland": "PL",
    "Belgium": "BE",
    "Netherlands": "NL",
    "Austria": "AT",
}


def country_name(stored: str) -> str:
    code = COUNTRY_CODES.get(stored)
    locale = get_locale()
    if code is None or locale is None:
        return stored
    return locale.territories.get(code, stored)


# Roles worth a badge next to a name: the ones that speak with some authority in a discussion.
BADGED_ROLES = frozenset({Role.expert, Role.city_rep})


def is_badged_role(role: Role | None) -> bool:
    """Display, not a rule: whether a name carries its role badge (``role is badged_role``)."""
    return role in BADGED_ROLES


def register_filters(app: Flask) -> None:
    register_template_helper(app)
    app.jinja_env.tests["badged_role"] = is_badged_role
    app.jinja_env.filters.update(
        role_label=role_label,
        profile_kind_label=profile_kind_label,
        theme_label=theme_label,
        phase_label=phase_label,
        idea_status_label=idea_status_label,
        markdown=render_markdown,
        format_decimal=format_decimal,
        timeago=time_ago,
        country=country_name,
        pilot_status_label=pilot_status_label,
        audit_action_label=action_label,
    )
