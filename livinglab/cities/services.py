"""Editing the partners: names and languages change, slugs never (they are in every URL)."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from livinglab import events, policy
from livinglab.cities.models import City
from livinglab.errors import Invalid, require
from livinglab.extensions import db

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
LIMITS = {"name": 80, "municipality": 160, "country": 80}


def _clean(values: dict[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    errors: dict[str, Any] = {}
    for name, limit in LIMITS.items():
        text = str(values.get(name) or "").strip()
        if not text:
            errors[name] = _l("Fill this in.")
        elif len(text) > limit:
            errors[name] = _l("At most %(n)s characters.", n=limit)
        cleaned[name] = text
    language = str(values.get("language") or "").strip().lower()
    if not LANGUAGE.match(language):
        errors["language"] = _l("Give a two-letter language code, such as “it” or “fi”.")
    cleaned["language"] = language
    if errors:
        raise Invalid(_l("Some fields need attention."), errors)
    return cleaned


def update_partner(user: Any, city: City, values: dict[str, Any]) -> None:
    require(policy.can_edit_partner(user))
    cleaned = _clean(values)
    changes = {k: [getattr(city, k), v] for k, v in cleaned.items() if getattr(city, k) != v}
    for key, value in cleaned.items():
        setattr(city, key, value)
    events.send(events.partner_updated, city, actor=user, changes=changes)  # audit
    events.commit()


def add_partner(user: Any, values: dict[str, Any]) -> City:
    require(policy.can_edit_partner(user))
    slug = str(values.get("slug") or "").strip().lower()
    errors: dict[str, Any] = {}
    if not SLUG.match(slug):
        errors["slug"] = _l("Use 3 to 40 lower-case letters, digits and hyphens.")
    elif db.session.scalar(sa.select(City.id).where(City.slug == slug)) is not None:
        errors["slug"] = _l("A partner already uses this address.")
    try:
        cleaned = _clean(values)
    except Invalid as error:
        errors = {**(error.fields or {}), **errors}
        cleaned = {}
    if errors:
        raise Invalid(_l("Some fields need attention."), errors)
    city = City(slug=slug, **cleaned)
    db.session.add(city)
    db.session.flush()
    events.send(events.partner_added, city, actor=user)  # audit
    events.commit()
    return city
