"""The error summary's problems from a form: the form's own first, then field by field, rows of
a list of sub-forms included, each linked to its field's id; the hidden CSRF token unlinked."""

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, HiddenField, IntegerField, StringField
from wtforms.validators import InputRequired

from festival.web.error_summary import Problem, form_problems


class Row(Form):
    name = StringField("Criterion", validators=[InputRequired()])
    weight = IntegerField("Weight", validators=[InputRequired()])


class Sheet(Form):
    token = HiddenField("Token", validators=[InputRequired()])
    title = StringField("Title", validators=[InputRequired()])
    rows = FieldList(FormField(Row), min_entries=2)


def test_problems_follow_the_form_and_link_to_each_field_of_every_row():
    sent = {"title": "", "rows-0-name": "唱功", "rows-0-weight": "1", "rows-1-name": ""}
    form = Sheet(MultiDict({**sent, "rows-1-weight": ""}))
    assert not form.validate()
    form.form_errors.append("The round is closed.")
    problems = form_problems(form)
    assert problems[0] == Problem("The round is closed.")
    assert Problem("This field is required.") in problems  # the hidden token: no link
    linked = [(p.target, p.label) for p in problems if p.target]
    assert linked == [
        ("title", "Title"),
        ("rows-1-name", "Criterion"),
        ("rows-1-weight", "Weight"),
    ]
