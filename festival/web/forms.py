"""Bridging domain errors to WTForms: a service's field messages land next to their fields."""

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from festival.core.errors import DomainError


def show_errors_on_form(form: FlaskForm, error: DomainError) -> None:
    """Put each field message on its field; messages for unknown fields go to the form.

    Messages become plain ``str`` here: Flask-Babel's lazy strings declare ``__html__``, so
    Jinja would print one holding user text (a person's name) without escaping it.
    """
    for name, messages in error.fields.items():
        messages = [str(message) for message in messages]
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            form.form_errors.extend(messages)
    if not error.fields:
        form.form_errors.append(str(error.message))


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
