"""Program forms: input shape only; the eligibility rules live in the service."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from festival.web.forms import CheckboxListField, db_id


class ProgramForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=120)],
        description=_l("Without the book-title marks, e.g. 和谐大家园."),
    )
    category_id = SelectField(_l("Category"), coerce=db_id, validate_choice=False)
    duration_minutes = IntegerField(
        _l("Duration (minutes)"), validators=[InputRequired(), NumberRange(1, 600)]
    )
    performer_ids = CheckboxListField(
        _l("Performers"),
        coerce=db_id,
        validate_choice=False,
        description=_l("Tick everyone who performs."),
    )
    version = HiddenField(validators=[Optional()])
