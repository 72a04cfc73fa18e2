"""Bridging domain errors to WTForms: a service's field messages land next to their fields;
and the bounds of ``core.bounds`` as validators and coercions that every form shares."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from festival.core import bounds
from festival.core.errors import DomainError
from festival.core.ids import db_int


def show_errors_on_form(form: FlaskForm, error: DomainError) -> None:
    """Put each field message on its field; messages for unknown fields go to the form.

    Messages become plain ``str`` here: Flask-Babel's lazy strings declare ``__html__``, so
    Jinja would print one holding user text (a person's name) without escaping it.
    """
    for name, messages in error.fields.items():
        messages = [str(message) for message in messages]
        if name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            form.form_errors.extend(messages)
    if not error.fields:
        form.form_errors.append(str(error.message))


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class WithinDates:
    """A date or datetime field's value must lie in the dates the application holds
    (``core.bounds``); an empty field is left to Optional or InputRequired."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not bounds.day_in_range(field.data):
            raise StopValidation(str(bounds.date_message()))


class WithinNumbers:
    """A decimal written in a text or decimal field must not be too large to hold."""

    def __call__(self, form, field) -> None:
        if bounds.out_of_range_number(field.data):
            raise StopValidation(str(bounds.number_message()))


def whole_number(minimum: int = 0, maximum: int = bounds.DB_INT_MAX) -> NumberRange:
    """A whole number within ``minimum``..``maximum``; never beyond the database's integers."""
    return NumberRange(minimum, min(maximum, bounds.DB_INT_MAX))


def db_id(value) -> int:
    """A select's value as an id that fits the database's integers (ValueError otherwise,
    which the field reports as an invalid choice)."""
    return db_int(str(value))


def optional_db_id(value) -> int | None:
    """A select's value as an id, or None for the empty choice."""
    return None if value in (None, "", "None") else db_id(value)


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class CheckboxListField(SelectMultipleField):
    """A choice of several, as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
