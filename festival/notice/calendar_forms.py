"""The admin's form for a day of the working-day calendar: input shape only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField
from wtforms.validators import InputRequired, Length, Optional

from festival.notice.calendar import NOTE_MAX
from festival.web.forms import WithinDates, choices


class CalendarDayForm(FlaskForm):
    day = DateField(
        _l("Day"),
        validators=[InputRequired(message=_l("Enter a date as YYYY-MM-DD.")), WithinDates()],
        id="calendar-day",
    )
    working = RadioField(
        _l("This day is"),
        choices=choices(
            [
                ("no", _l("A day off (public holiday)")),
                ("yes", _l("A working day (make-up working day, 调休)")),
            ]
        ),
        default="no",
        validators=[InputRequired()],
        id="calendar-working",
    )
    note = StringField(
        _l("Note"),
        validators=[Optional(), Length(max=NOTE_MAX)],
        id="calendar-note",
        description=_l("For example: 国庆节 or 国庆节调休上班."),
    )
