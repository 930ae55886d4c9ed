"""The participation profile: an optional age band and gender, and the consent rule for the
youngest members.

Purpose: the partners and their funder report who takes part (are young people reached?)
without knowing who anyone is. The answers are voluntary, editable and erasable at any time,
never shown per person (not on member pages, not in the API's users), counted only in
aggregates of at least five people (livinglab.stats.privacy), exported with the member's data
and erased with the account.

GDPR article 8: a member younger than their country's age of digital consent joins with the
consent of a parent or guardian. The platform asks the age group at registration (and keeps
only whether a guardian's consent was declared, and when): old enough, they join; younger,
they join once they declare that consent; without it, registration is refused with the
country's age named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from livinglab import events
from livinglab.cities.models import City
from livinglab.database import utcnow
from livinglab.errors import Invalid
from livinglab.extensions import db

AGE_BANDS = ("under-18", "18-24", "25-30", "over-30")
GENDERS = ("woman", "man", "non-binary", "another", "prefer-not-to-say")
# The age group asked at registration; the exact age is used for the rule, never stored.
AGE_GROUPS = {"16-or-older": 16, "15": 15, "14": 14, "13": 13, "under-13": 12}
# GDPR art. 8(1) as each partner's country set it (as the registration form says it, by age);
# 16, the regulation's default, elsewhere.
COUNTRIES_BY_CONSENT_AGE = {
    13: ("Portugal", "Finland"),
    14: ("Italy", "Spain"),
    15: ("France",),
    16: ("Romania", "Germany"),
}
CONSENT_AGES = {c: age for age, countries in COUNTRIES_BY_CONSENT_AGE.items() for c in countries}
DEFAULT_CONSENT_AGE = 16


def consent_age(country: str) -> int:
    return CONSENT_AGES.get(country, DEFAULT_CONSENT_AGE)


def _choice(value: Any, allowed: tuple[str, ...], field: str, message: Any) -> str | None:
    """An answer from the list, or None for "not answered"; anything else is refused."""
    if value in (None, ""):
        return None
    if value not in allowed:
        raise Invalid(message, {field: message})
    return str(value)


def checked_profile(age_band: Any, gender: Any) -> tuple[str | None, str | None]:
    band = _choice(age_band, AGE_BANDS, "age_band", _l("Choose an age band from the list."))
    said = _choice(gender, GENDERS, "gender", _l("Choose an answer from the list."))
    return band, said


def set_profile(user: Any, age_band: Any, gender: Any) -> None:
    """Saves the member's answers (None clears one); refuses values outside the lists."""
    user.age_band, user.gender = checked_profile(age_band, gender)
    events.commit()


def erase_profile(user: Any) -> None:
    user.age_band = None
    user.gender = None
    events.commit()


@dataclass(frozen=True)
class Consent:
    """What registration keeps: whether a guardian's consent was declared, and when."""

    guardian_consent_at: datetime | None


def registration_consent(
    city_slug: Any, age_group: Any, guardian_consent: bool, age_band: Any = None
) -> Consent:
    """The consent rule of the chosen city's country, checked before any account is made."""
    if age_group not in AGE_GROUPS:
        message = _l("Say how old you are: the consent rule depends on it.")
        raise Invalid(message, {"age_group": message})
    age = AGE_GROUPS[age_group]
    city = db.session.scalar(sa.select(City).where(City.slug == city_slug))
    if city is None:
        return Consent(None)  # the registration itself refuses an unknown city
    if age < 16 and age_band not in (None, "", "under-18"):
        message = _l("Your age band says you are 18 or older; check both answers.")
        raise Invalid(message, {"age_band": message})
    required = consent_age(city.country)
    if age >= required:
        return Consent(None)
    if not guardian_consent:
        message = lazy_ngettext(
            "In %(country)s, members younger than %(num)d join with the consent of a parent or "
            "guardian: ask them, then tick the box together.",
            "In %(country)s, members younger than %(num)d join with the consent of a parent or "
            "guardian: ask them, then tick the box together.",
            required,
            country=city.country,
        )
        raise Invalid(message, {"guardian_consent": message})
    return Consent(utcnow())


@dataclass(frozen=True)
class Answers:
    """The participation questions of registration, as the form and the API ask them."""

    age_group: Any = "16-or-older"
    guardian_consent: bool = False
    age_band: Any = None
    gender: Any = None


def register_answering[U](city_slug: Any, answers: Answers, register: Callable[[], U]) -> U:
    """Registers with ``register`` once the consent rule and the answers are checked (nothing
    is written when one is refused), then records the answers on the new account."""
    consent = registration_consent(
        city_slug, answers.age_group, answers.guardian_consent, answers.age_band
    )
    checked_profile(answers.age_band, answers.gender)
    user = register()
    record_at_registration(user, consent, answers.age_band, answers.gender)
    return user


def record_at_registration(user: Any, consent: Consent, age_band: Any, gender: Any) -> None:
    """The answers given on the registration form, once the account exists."""
    band, said = checked_profile(age_band, gender)
    if consent.guardian_consent_at is None and band is None and said is None:
        return
    user.age_band, user.gender = band, said
    user.guardian_consent_at = consent.guardian_consent_at
    events.commit()
