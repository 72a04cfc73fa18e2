"""The running order page's forms: input shape only; ``performance.order`` holds the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, StringField, TimeField
from wtforms.validators import InputRequired, Length, Optional

from festival.performance.order import SEED_MAX_LENGTH
from festival.web.forms import WithinDates


class DrawForm(FlaskForm):
    seed = StringField(
        _l("Seed (optional)"),
        validators=[Optional(), Length(max=SEED_MAX_LENGTH)],
        description=_l("Leave it empty for a new random seed; the same seed gives the same order."),
    )
    by_category = BooleanField(_l("Keep each category together"))


class MoveForm(FlaskForm):
    program_id = HiddenField(validators=[InputRequired()])
    direction = HiddenField(validators=[InputRequired()])


class PublishForm(FlaskForm):
    on = DateField(_l("Day of the performance"), validators=[InputRequired(), WithinDates()])
    starts = TimeField(_l("Starts at"), validators=[InputRequired()])
    ends = TimeField(_l("Ends at"), validators=[InputRequired()])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])


class UnpublishForm(FlaskForm):
    pass
