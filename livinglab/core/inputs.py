"""What comes from outside, made safe once: JSON bodies, text, ids, form fields and query strings.

Every face (HTML forms, the JSON API, Socket.IO events) reads outside input through this module,
so one rule holds everywhere:

- JSON is refused (400) when nested deeper than ``MAX_DEPTH`` before ``json.loads`` recurses,
  and when larger than ``MAX_JSON_BYTES`` (413).
- Text a program sent (API bodies, socket payloads) that holds a NUL character or a lone
  surrogate is refused with a message on the field: such text never comes from a person typing,
  it is a client's encoding bug, and storing an altered copy would hide it. (PostgreSQL cannot
  store NUL at all; a lone surrogate cannot be encoded as UTF-8 by any driver.)
- Text from HTML forms, query strings and URL paths is cleaned instead (each such character
  becomes U+FFFD), the way Werkzeug already decodes invalid UTF-8: a person cannot see a pasted
  NUL, so refusing would leave them hunting an invisible character.
- Ids from outside are whole numbers within the columns' range (1 to 2**31 - 1), else 400 with
  a message on the field (or "not found" where the caller says so).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from flask import Request
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items

from livinglab.errors import Invalid, ServiceError

MAX_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns on PostgreSQL

# Escape pairs first, so an escaped quote inside a string does not end it.
_JSON_MARKS = re.compile(r'\\.|["\[\]{}]', re.DOTALL)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
REPLACEMENT = "\ufffd"


class TooLarge(ServiceError):
    status = 413


def _correct_fields() -> Any:
    return _l("Please correct the marked fields.")


# --- JSON ---------------------------------------------------------------------------------


def nesting_depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays/objects nest deeper than ``limit``, brackets inside strings not counted.

    A linear scan over the few structural characters; json.loads would recurse instead.
    """
    if text.count("[") + text.count("{") <= limit:
        return False  # cannot nest deeper than the brackets it holds: the usual case, no scan
    depth = 0
    in_string = False
    for match in _JSON_MARKS.finditer(text):
        mark = match.group()
        if mark == '"':
            in_string = not in_string
        elif in_string or mark[0] == "\\":
            continue
        elif mark in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(raw: bytes | str, *, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """JSON from a client, or Invalid (400) / TooLarge (413): never a RecursionError."""
    if len(raw) > max_bytes:
        raise TooLarge(_l("The request is too large."))
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(_l("Send JSON encoded as UTF-8.")) from None
    if nesting_depth_exceeds(raw):
        raise Invalid(_l("The JSON is nested too deeply."))
    try:
        # NaN and Infinity are not JSON; numbers of thousands of digits raise ValueError too.
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise Invalid(_l("This is not valid JSON.")) from None


# --- Text ---------------------------------------------------------------------------------


def has_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def clean_text(text: str) -> str:
    """NUL and lone surrogates become U+FFFD; everything else is kept as written."""
    return _UNSTORABLE.sub(REPLACEMENT, text) if has_unstorable(text) else text


def _first_bad_text(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return has_unstorable(value)
    if depth > MAX_DEPTH:  # decoded input is already depth-checked; this guards direct calls
        return True
    if isinstance(value, dict):
        return any(
            _first_bad_text(k, depth + 1) or _first_bad_text(v, depth + 1) for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(_first_bad_text(v, depth + 1) for v in value)
    return False


def text_problems(data: Any) -> dict[str, Any]:
    """Per top-level field, a message where some text in it holds NUL or a lone surrogate."""
    message = _l("Contains a character that is not allowed (NUL or an unpaired surrogate).")
    if not isinstance(data, dict):
        return {"": message} if _first_bad_text(data) else {}
    return {
        clean_text(str(name)): message
        for name, value in data.items()
        if _first_bad_text(name) or _first_bad_text(value)
    }


def require_clean_text(data: Any) -> None:
    """Invalid (400, with the fields) if any text in ``data`` cannot be stored."""
    problems = text_problems(data)
    if problems:
        raise Invalid(_correct_fields(), problems)


# --- Ids ----------------------------------------------------------------------------------


def parse_id(
    value: Any,
    name: str,
    *,
    minimum: int = 1,
    allow_text: bool = False,
    status: int = 400,
) -> int:
    """An id from outside: a whole number from ``minimum`` to 2**31 - 1.

    Booleans and floats are refused; digit strings only when ``allow_text`` (HTML forms, room
    names). Anything else is Invalid with a message on ``name`` (status 404 when the id names
    the thing asked for, like a room, and an unusable one simply does not exist).
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif allow_text and isinstance(value, str) and 0 < len(value) <= 10 and value.isascii():
        number = int(value) if value.isdigit() else None
    if number is None or not minimum <= number <= MAX_ID:
        message = _l("Must be the id of an existing item (a whole number).")
        raise Invalid(message, {name: message}, status=status)
    return number


def id_text(value: Any) -> int | None:
    """The id a piece of text names, or None: ASCII digits within the columns' range only.

    ``str.isdigit()`` alone admits "²" (which ``int()`` refuses) and numbers past 2**31 - 1
    (which the database refuses); every place that reads an id from text asks this instead.
    """
    text = (
        str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    )
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def optional_id(value: Any, name: str, **kwargs: Any) -> int | None:
    """Like parse_id, with None (and an empty form field) meaning "none"."""
    if value is None or value == "":
        return None
    return parse_id(value, name, **kwargs)


# --- Requests -----------------------------------------------------------------------------


class CleanMultiDict(ImmutableMultiDict):
    """Query strings and form fields with NUL and lone surrogates replaced (see the module)."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is None:
            super().__init__()
            return
        super().__init__(
            [
                (
                    clean_text(k) if isinstance(k, str) else k,
                    clean_text(v) if isinstance(v, str) else v,
                )
                for k, v in iter_multi_items(mapping)
            ]
        )


class InputRequest(Request):
    """The app's request class: every form field, query argument and path value is cleaned."""

    parameter_storage_class = CleanMultiDict
    _view_args: dict[str, Any] | None = None

    @property
    def view_args(self) -> dict[str, Any] | None:
        return self._view_args

    @view_args.setter
    def view_args(self, values: dict[str, Any] | None) -> None:
        self._view_args = (
            None
            if values is None
            else {k: clean_text(v) if isinstance(v, str) else v for k, v in values.items()}
        )


def required_texts(
    data: Any, limits: Mapping[str, int], errors: dict[str, object]
) -> dict[str, str]:
    """The stripped text of each attribute of ``data`` that ``limits`` names; an empty or too
    long one also puts its message into ``errors`` (so that all fields are reported at once)."""
    text = {}
    for name, limit in limits.items():
        value = (getattr(data, name) or "").strip()
        if not value:
            errors[name] = _l("This field is required.")
        elif len(value) > limit:
            errors[name] = lazy_ngettext(
                "Use at most %(num)d character.", "Use at most %(num)d characters.", limit
            )
        text[name] = value
    return text
