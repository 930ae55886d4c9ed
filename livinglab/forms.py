"""Helpers shared by the HTML forms of every domain."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from livinglab.core.inputs import optional_id
from livinglab.errors import Invalid, ServiceError
from livinglab.i18n import LANGUAGE_NAMES


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes (themes, co-host cities) instead of a multi-select box."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class IdField(HiddenField):
    """A hidden id (the thing commented on, the comment replied to): empty or "0" is None, else a
    whole number in the columns' range; anything else fails the form instead of reaching the
    database (where 2**63 overflows SQLite's integers)."""

    def __init__(self, *args: Any, message: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message  # shown instead of the generic range message

    def process_formdata(self, valuelist: list) -> None:
        raw = valuelist[0] if valuelist else ""
        self.data = None
        if raw in ("", "0"):
            return
        try:
            self.data = optional_id(raw, self.name, allow_text=True)
        except Invalid as error:
            raise ValueError(str(self.message or error.message)) from None


def content_language_field() -> SelectField:
    """The "Language of the text" select of challenges and ideas, each language named in itself.

    The service checks the code (so a forged one gets its message, not WTForms' own).
    """
    return SelectField(
        _l("Language of the text"),
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in LANGUAGE_NAMES.items()
        ],
        validate_choice=False,
    )


def title_field() -> StringField:
    """The title of a challenge or an idea (the services' LIMITS say the same maximum)."""
    return StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])


def summary_field() -> TextAreaField:
    return TextAreaField(
        _l("Summary"),
        validators=[DataRequired(), Length(max=500)],
        description=_l("One or two sentences shown in lists."),
    )


def body_field(label: Any, description: Any) -> TextAreaField:
    """The full text of a challenge or an idea, in Markdown (the services' LIMITS say the same
    maximum); each names it for what it is."""
    return TextAreaField(
        label, validators=[DataRequired(), Length(max=20_000)], description=description
    )


class ContentTextForm(FlaskForm):
    """What every challenge and idea is written with: a title, a summary and the language of
    the text. A form for one adds its body (:func:`body_field`) and its own fields."""

    title = title_field()
    summary = summary_field()
    language = content_language_field()


def show_service_error(
    form: FlaskForm, error: ServiceError, fallback_field: str | None = None
) -> bool:
    """Puts a service's per-field messages next to their fields.

    A refusal that is not about the input (403, 409) is flashed instead, above the page.
    """
    placed = False
    for name, message in (error.fields or {}).items():
        field = form._fields.get(name) or (
            form._fields.get(fallback_field) if fallback_field else None
        )
        if field is not None:
            field.errors = [*field.errors, str(message)]
            placed = True
    if not placed and error.status == 400 and fallback_field and fallback_field in form._fields:
        field = form._fields[fallback_field]
        field.errors = [*field.errors, str(error.message)]
        placed = True
    if not placed:
        flash(str(error.message), "error")
    return placed


def save_form[T](
    form: FlaskForm,
    save: Callable[[], T],
    done: Callable[[T], ResponseReturnValue],
    render: Callable[[], str],
    *,
    fallback_field: str,
) -> ResponseReturnValue:
    """The flow of a page that shows a form and saves it through a service.

    A valid submission goes to ``save()`` and, if the service accepts it, to ``done(saved)``
    (which flashes and redirects); otherwise ``render()`` shows the form again: with 200 on
    first display, 400 for invalid input, or the status of the service's refusal.
    """
    status = 200
    if form.validate_on_submit():
        try:
            saved = save()
        except ServiceError as error:
            show_service_error(form, error, fallback_field=fallback_field)
            status = error.status
        else:
            return done(saved)
    elif form.errors:
        status = 400
    return render(), status
