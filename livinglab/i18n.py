"""Which language a page is read in, and the switcher that remembers the choice."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user

from livinglab.cities.data import TIME_ZONES
from livinglab.cities.models import City
from livinglab.extensions import db

LANGUAGE_COOKIE = "lang"
TIMEZONE_COOKIE = "tz"

# Each language named in itself, as a switcher should show it.
LANGUAGE_NAMES = {
    "en": "English",
    "it": "Italiano",
    "fr": "Français",
    "pt": "Português",
    "ro": "Română",
    "de": "Deutsch",
    "es": "Español",
    "fi": "Suomi",
}


def supported(code: str | None) -> str | None:
    if code and code in current_app.config["LANGUAGES"]:
        return code
    return None


def content_language_for(user) -> str:
    """The language a member's new text is taken to be written in, unless they say otherwise:
    their preferred language, else their city's, else the interface's, else English."""
    for code in (
        getattr(user, "preferred_language", None),
        getattr(getattr(user, "city", None), "language", None),
    ):
        if code and supported(code):
            return code
    locale = get_locale()
    return supported(locale.language if locale else None) or "en"


def _city_page_language() -> str | None:
    """On a partner city's page, a visitor with no preference reads the city's language."""
    if request.endpoint != "cities.show" or not request.view_args:
        return None
    slug = request.view_args.get("slug")
    return supported(db.session.scalar(sa.select(City.language).where(City.slug == slug)))


def select_locale() -> str:
    """The member's choice, the switcher's cookie, the browser, a city page's language, English."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]  # command-line tasks
    if current_user and current_user.is_authenticated:
        chosen = supported(current_user.preferred_language)
        if chosen:
            return chosen
    chosen = supported(request.cookies.get(LANGUAGE_COOKIE))
    if chosen:
        return chosen
    return (
        request.accept_languages.best_match(current_app.config["LANGUAGES"])
        or _city_page_language()
        or "en"
    )


def _known_zone(name: str | None) -> str | None:
    if not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def select_timezone() -> str:
    """The zone the browser reports (a cookie set by app.js), else the member's city's zone,
    else the platform's default."""
    default = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    if not has_request_context():
        return default
    chosen = _known_zone(request.cookies.get(TIMEZONE_COOKIE))
    if chosen:
        return chosen
    if current_user and current_user.is_authenticated:
        return TIME_ZONES.get(current_user.city.slug, default)
    return default


def init_i18n(app: Flask, babel: Babel) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.context_processor
    def _languages() -> dict:
        return {"language_names": LANGUAGE_NAMES, "get_locale": get_locale}
