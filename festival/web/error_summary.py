"""The error summary at the top of every page whose form was refused (the GOV.UK pattern):
base.html lists every problem of every form the view passed to the template, each linked to
its field, so that a phone user who lands at the top of the page sees at once what to fix."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from jinja2 import pass_context
from wtforms import Form
from wtforms.fields import FieldList, FormField, HiddenField


@dataclass(frozen=True)
class Problem:
    """One line of the summary: its message and the id of the field it links to (None for a
    problem of the whole form, which has no field to go to)."""

    message: str
    target: str | None = None
    label: str | None = None


def _field_problems(fields: Iterable) -> Iterator[Problem]:
    for field in fields:
        if isinstance(field, FieldList):
            yield from _field_problems(field.entries)
        elif isinstance(field, FormField):
            yield from _field_problems(field.form)
            yield from (Problem(str(message)) for message in field.form.form_errors or ())
        elif field.errors:
            # A hidden field (the CSRF token) cannot take the reader anywhere.
            hidden = isinstance(field, HiddenField)
            target, label = (None, None) if hidden else (field.id, str(field.label.text))
            messages = field.errors if isinstance(field.errors, list | tuple) else [field.errors]
            for message in messages:
                if isinstance(message, str):
                    yield Problem(str(message), target, label or None)


def form_problems(form: Form) -> list[Problem]:
    """The problems of one form: its own (not tied to a field) first, then field by field in
    the order of the form."""
    problems = [Problem(str(message)) for message in form.form_errors or ()]
    problems.extend(_field_problems(form))
    return problems


def _forms_in(values: Iterable) -> Iterator[Form]:
    for value in values:
        if isinstance(value, Form):
            yield value
        elif isinstance(value, dict):
            yield from (item for item in value.values() if isinstance(item, Form))
        elif isinstance(value, list | tuple):
            yield from (item for item in value if isinstance(item, Form))


@pass_context
def page_problems(context) -> list[Problem]:
    """Every problem of every form in the template's context, each once."""
    seen_forms: set[int] = set()
    seen: set[Problem] = set()
    problems: list[Problem] = []
    for form in _forms_in(context.get_all().values()):
        if id(form) in seen_forms:
            continue
        seen_forms.add(id(form))
        for problem in form_problems(form):
            if problem not in seen:
                seen.add(problem)
                problems.append(problem)
    return problems
