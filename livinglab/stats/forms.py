"""The participation profile's forms: on its own page, and the extra questions of registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectField

from livinglab.stats.labels import AGE_BAND_LABELS, AGE_GROUP_LABELS, GENDER_LABELS


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", _l("I prefer not to answer"))] + [
        SelectChoice(value, label) for value, label in labels.items()
    ]


class ProfileAnswers:
    # validate_choice=False: the service refuses a value outside the list with its own message
    # (the same one the API answers), and nothing is written.
    age_band = SelectField(_l("Age band"), choices=_choices(AGE_BAND_LABELS), validate_choice=False)
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), validate_choice=False)


class ParticipationForm(ProfileAnswers, FlaskForm):
    pass


class RegistrationQuestions(ProfileAnswers, FlaskForm):
    """Asked on the registration page beside the account's own fields (whose form carries
    the CSRF token)."""

    class Meta:
        csrf = False

    # Answered for the adults who make most registrations; a younger member picks their age.
    age_group = RadioField(
        _l("Your age"),
        default="16-or-older",
        choices=[SelectChoice(v, label) for v, label in AGE_GROUP_LABELS.items()],
        validate_choice=False,
        description=_l(
            "Members younger than the age of digital consent of their country join with the "
            "consent of a parent or guardian: 13 in Portugal and Finland, 14 in Italy and Spain, "
            "15 in France, 16 in Romania, Germany and elsewhere. Only this consent is kept, "
            "never your age."
        ),
    )
    # Ticked only below the country's age (the legend above says which).
    guardian_consent = BooleanField(_l("A parent or guardian agrees to my joining"))
