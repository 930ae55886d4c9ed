from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from livinglab.reviews.models import CRITERIA


def _score_field(label):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Give a score from 1 to 5.")),
            NumberRange(1, 5, message=_l("Give a score from 1 to 5.")),
        ],
        render_kw={"min": 1, "max": 5},
    )


class ReviewForm(FlaskForm):
    heritage_value = _score_field(CRITERIA[0][1])
    feasibility = _score_field(CRITERIA[1][1])
    circularity = _score_field(CRITERIA[2][1])
    youth_involvement = _score_field(CRITERIA[3][1])
    replicability = _score_field(CRITERIA[4][1])
    assessment = TextAreaField(
        _l("Your assessment"),
        validators=[InputRequired(message=_l("Write your assessment.")), Length(max=5000)],
        render_kw={"rows": 6},
    )
    no_conflict = BooleanField(
        _l("I declare that I have no conflict of interest with this idea or its authors.")
    )

    def to_data(self) -> dict:
        data = {name: self._fields[name].data for name, _ in CRITERIA}
        data["assessment"] = self.assessment.data
        data["no_conflict"] = bool(self.no_conflict.data)
        return data
