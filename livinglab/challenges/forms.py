from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from livinglab.challenges.labels import THEME_LABELS
from livinglab.challenges.services import ChallengeInput
from livinglab.forms import CheckboxesField, ContentTextForm, body_field

MARKDOWN_HINT = _l("You can use Markdown: **bold**, *italic*, lists, links.")
DEADLINE_HINT = _l(
    "Optional. The phase closes when this day ends; the platform then moves the challenge on."
)


class ChallengeForm(ContentTextForm):
    body = body_field(_l("The challenge in full"), MARKDOWN_HINT)
    themes = CheckboxesField(
        _l("Themes"),
        choices=[SelectChoice(slug, label) for slug, label in THEME_LABELS.items()],
        description=_l("One to three."),
    )
    lead_city = SelectField(_l("Lead city"), choices=[])
    cohost_cities = CheckboxesField(
        _l("Co-host cities"),
        choices=[],
        description=_l("Partners sharing the challenge and its decisions."),
    )
    votes_per_member = IntegerField(
        _l("Votes per member"),
        default=3,
        validators=[InputRequired(), NumberRange(min=1, max=20)],
        description=_l("How many ideas each member may vote for. Frozen once voting opens."),
    )
    hide_vote_counts = BooleanField(
        _l("Hide vote counts until voting closes"), description=_l("Frozen once voting opens.")
    )
    ideas_deadline = DateField(
        _l("Ideas until"), validators=[Optional()], description=DEADLINE_HINT
    )
    voting_deadline = DateField(
        _l("Voting until"), validators=[Optional()], description=DEADLINE_HINT
    )
    selection_deadline = DateField(
        _l("Selection until"), validators=[Optional()], description=DEADLINE_HINT
    )

    def set_city_choices(self, cities) -> None:
        self.lead_city.choices = [SelectChoice(c.slug, c.name) for c in cities]
        self.cohost_cities.choices = [SelectChoice(c.slug, c.name) for c in cities]

    def to_input(self) -> ChallengeInput:
        return ChallengeInput(
            title=self.title.data or "",
            summary=self.summary.data or "",
            body=self.body.data or "",
            themes=list(self.themes.data or []),
            lead_city=self.lead_city.data or "",
            cohost_cities=list(self.cohost_cities.data or []),
            votes_per_member=self.votes_per_member.data,
            hide_vote_counts=bool(self.hide_vote_counts.data),
            ideas_deadline=self.ideas_deadline.data,
            voting_deadline=self.voting_deadline.data,
            selection_deadline=self.selection_deadline.data,
            language=self.language.data,
        )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it declined?"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("The proposer reads this."),
    )


class PhaseForm(FlaskForm):
    """Publishing and phase moves: the target phase comes from the button pressed."""
