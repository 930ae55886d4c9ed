"""Naming stored values for people: one lookup for every table of labels (phases, statuses,
themes, roles, audited actions...)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def labeller(labels: Mapping[Any, Any]) -> Callable[[Any], str]:
    """The function that names a value by ``labels`` (translated when it is called), for
    templates and messages. The labels are keyed by the values' text (strings, or StrEnum
    members, which are equal to theirs). A value without a label (an old one, or one typed
    into an address) is shown as it is rather than failing the page."""

    def label(value: Any) -> str:
        key = str(value)
        return str(labels[key]) if key in labels else key

    return label
