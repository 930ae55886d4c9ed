"""The rubric and the expert's themes as HTML forms.

The review service judges the scores and the assessment (a draft may leave them empty, a
submitted review may not), so the form only carries what was sent back to the page as it was.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, TextAreaField

from livinglab.challenges.models import THEMES
from livinglab.forms import CheckboxesField
from livinglab.reviews.models import CRITERIA, CRITERION_NAMES
from livinglab.reviews.rubric import SCALE


def _as_sent(value: Any) -> str | None:
    """A score as the page shows it ("4"), kept as sent so a refused one comes back as it was."""
    return None if value in (None, "") else str(value)


class ScoreField(RadioField):
    """One criterion's choice from 1 to 5 (the template draws it as a segmented scale)."""

    def __init__(self, label: Any, **kwargs: Any) -> None:
        super().__init__(
            label,
            choices=[SelectChoice(str(value), word) for value, word in SCALE],
            coerce=_as_sent,
            validate_choice=False,  # the service words the refusal, for the API too
            **kwargs,
        )

    def process_formdata(self, valuelist: list) -> None:
        self.data = _as_sent(valuelist[0]) if valuelist else None


class ReviewForm(FlaskForm):
    heritage_value = ScoreField(CRITERIA[0][1])
    feasibility = ScoreField(CRITERIA[1][1])
    circularity = ScoreField(CRITERIA[2][1])
    youth_involvement = ScoreField(CRITERIA[3][1])
    replicability = ScoreField(CRITERIA[4][1])
    assessment = TextAreaField(
        _l("Your assessment"),
        description=_l(
            "What is strong, what should change, and why. It is published with your name "
            "when you submit."
        ),
        render_kw={"rows": 8},
    )
    no_conflict = BooleanField(
        _l("I declare that I have no conflict of interest with this idea or its authors.")
    )

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {name: self._fields[name].data for name in CRITERION_NAMES}
        data["assessment"] = self.assessment.data
        data["no_conflict"] = bool(self.no_conflict.data)
        return data


class ThemesForm(FlaskForm):
    themes = CheckboxesField(
        _l("The themes you review"),
        choices=[
            SelectChoice(theme, theme) for theme in THEMES
        ],  # labelled by the template (theme_label)
        validate_choice=False,  # the service names an unknown theme
    )
