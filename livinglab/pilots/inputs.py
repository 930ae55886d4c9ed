"""What a pilot's forms and API bodies send, read once: text, numbers written the way the
reader's language writes them, and dates (a measurement or a finished milestone cannot lie in
the future). Each refusal names its field, so the page shows it next to what was typed."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal
from flask_babel import format_date, format_decimal, get_locale, lazy_ngettext, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from livinglab.database import utcnow
from livinglab.errors import Invalid

TEXT_MAX = 5000
NUMBER_LIMIT = 1e12
EARLIEST = date(2000, 1, 1)

# People separate thousands with a plain space, or the no-break, narrow no-break or thin space
# (CLDR's group mark in French, Finnish and others): any of them between digits is a group mark.
_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d)")
# One comma or point followed by anything but three digits cannot be a thousands mark ("260,5"
# read in English): it is the decimal mark of a writer used to the other convention.
_LONE_DECIMAL_MARK = re.compile(r"[+-]?\d+[.,](\d{1,2}|\d{4,})")


def refuse(field: str, message: Any) -> Invalid:
    return Invalid(message, {field: message})


def text(value: Any, field: str, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    cleaned = value.strip() if isinstance(value, str) else ""
    if required and not cleaned:
        raise refuse(field, _l("This field is required."))
    if len(cleaned) > limit:
        raise refuse(
            field,
            lazy_ngettext(
                "Use at most %(num)d character.", "Use at most %(num)d characters.", limit
            ),
        )
    return cleaned


def _reader_locale() -> Locale:
    return get_locale() or Locale.parse("en")


def _parse_written(written: str, locale: Locale) -> Decimal | None:
    grouped = _SPACE_GROUPS.sub(get_group_symbol(locale), written)
    try:
        return parse_decimal(grouped, locale=locale, strict=True)
    except NumberFormatError:
        if _LONE_DECIMAL_MARK.fullmatch(written):
            return Decimal(written.replace(",", "."))
        return None


def number(value: Any, field: str, *, required: bool = True) -> float | None:
    """A number from the API (JSON) or as the reader writes it in their language: "1 300",
    "1.300" (Italian, German), "1,300.5" (English). Babel reads it strictly: "1,30" in English
    is read as 1.3 (a lone comma before two digits cannot group thousands), never as 130."""
    if value is None or value == "":
        if not required:
            return None
        raise refuse(field, _l("This field is required."))
    parsed: Decimal | float | None
    if isinstance(value, bool):
        parsed = None
    elif isinstance(value, int | float):
        parsed = value
    else:
        parsed = _parse_written(str(value).strip(), _reader_locale())
    result = float(parsed) if parsed is not None else math.nan
    if not math.isfinite(result) or abs(result) > NUMBER_LIMIT:
        raise refuse(
            field,
            _(
                "Enter a number as you would write it, such as %(whole)s or %(fraction)s.",
                whole=format_decimal(1300),
                fraction=format_decimal(1300.5),
            ),
        )
    return result


def local_today() -> date:
    """Today where the reader is (their browser's or their city's time zone): a member in
    Turku just after midnight is already a day ahead of the server."""
    return to_user_timezone(utcnow()).date()


def day(value: Any, field: str, *, required: bool = True, past: bool = False) -> date | None:
    """A date as YYYY-MM-DD (what a date field sends); ``past``: today at the latest."""
    if value is None or value == "":
        if not required:
            return None
        raise refuse(field, _l("This field is required."))
    parsed: date | None
    if isinstance(value, date):
        parsed = value
    else:
        try:
            parsed = date.fromisoformat(str(value).strip())
        except ValueError:
            parsed = None
    today = local_today()
    if parsed is None or not EARLIEST <= parsed <= today + timedelta(days=3650):
        raise refuse(
            field, _l("Enter a real date (year-month-day) between 2000 and ten years from now.")
        )
    if past and parsed > today:
        raise refuse(
            field,
            _(
                "This date is in the future: enter today (%(today)s) or an earlier day.",
                today=format_date(today, "medium"),
            ),
        )
    return parsed
