"""What each criterion of the rubric asks, and what its lowest and highest scores mean.

The experts come from many fields and eight countries: each criterion is explained in plain
words on the rubric itself, so two experts read "3 for feasibility" the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from livinglab.reviews.models import CRITERIA


@dataclass(frozen=True)
class Criterion:
    name: str  # the column, the form field and the API key
    label: Any
    question: Any  # what the expert judges
    lowest: Any  # what a 1 means
    highest: Any  # what a 5 means


_EXPLAINED = {
    "heritage_value": (
        _l(
            "Does the idea protect, reveal or bring to life the heritage of the place: its "
            "history, buildings, crafts or traditions?"
        ),
        _l("Heritage is only a backdrop."),
        _l("Built on the heritage; makes it better known or better kept."),
    ),
    "feasibility": (
        _l("Can the team carry it out with the money, people, permissions and time it describes?"),
        _l("Key resources or permissions are missing."),
        _l("A clear plan, budget and team: ready to start."),
    ),
    "circularity": (
        _l(
            "Does it reuse buildings, materials or skills, save resources, and keep going once "
            "the first funding ends?"
        ),
        _l("Uses new resources and stops with the project."),
        _l("Reuses what exists and can sustain itself."),
    ),
    "youth_involvement": (
        _l("Do young people design and run it, rather than only attend?"),
        _l("Young people are only the audience."),
        _l("Young people lead the work and take the decisions."),
    ),
    "replicability": (
        _l("Could another partner city take it up with little change?"),
        _l("Works only in this one place."),
        _l("Another city could start it from this description."),
    ),
}

RUBRIC: tuple[Criterion, ...] = tuple(
    Criterion(name, label, *_EXPLAINED[name]) for name, label in CRITERIA
)

# The five steps of every scale, as the choices read them out.
SCALE: tuple[tuple[int, Any], ...] = (
    (1, _l("weak")),
    (2, _l("fair")),
    (3, _l("good")),
    (4, _l("very good")),
    (5, _l("excellent")),
)
