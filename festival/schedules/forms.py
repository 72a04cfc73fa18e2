"""Schedule forms: input shape only; the services and the recurrence rules hold the rules."""

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from festival.schedules.models import EventKind
from festival.schedules.recurrence_rules import MAX_INTERVAL, MAX_OCCURRENCES, WEEKDAYS
from festival.web.forms import CheckboxListField, WithinDates, choices
from festival.web.labels import label

A_MONDAY = date(2024, 1, 1)


def weekday_choices() -> list:
    """MO…SU with their short names in the reader's language (周一…周日, Mon…Sun)."""
    return choices(
        (code, format_date(A_MONDAY + timedelta(days=n), "EEE")) for n, code in enumerate(WEEKDAYS)
    )


def kind_choices() -> list:
    return choices((kind.value, label("event_kind", kind)) for kind in EventKind)


class EventForm(FlaskForm):
    """An event, or a series with a plain "repeat" choice that becomes an RRULE."""

    title = StringField(
        _l("Name of the event"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. 每周集中训练, 排练, 慰问演出"),
    )
    kind = SelectField(_l("Kind"), choices=kind_choices())
    day = DateField(
        _l("Date"),
        validators=[InputRequired(), WithinDates()],
        description=_l("For a repeating event: the first session."),
    )
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    end_day = DateField(
        _l("Ends on another day"),
        validators=[Optional(), WithinDates()],
        description=_l("Only for an event over several days; leave empty otherwise."),
    )
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=4000)],
        description=_l("What to bring, where to meet, what to wear."),
    )
    is_public = BooleanField(_l("Public event"))
    repeat = RadioField(
        _l("Repeat"),
        default="none",
        choices=choices(
            [
                ("none", _l("Does not repeat")),
                ("daily", _l("Every day")),
                ("weekly", _l("Every week")),
            ]
        ),
    )
    interval = IntegerField(
        _l("Every how many days or weeks"),
        default=1,
        validators=[Optional(), NumberRange(1, MAX_INTERVAL)],
        description=_l("1 = every day or every week; 2 = every other."),
    )
    weekdays = CheckboxListField(
        _l("On these weekdays"),
        validate_choice=False,
        description=_l("For a weekly repeat; none ticked means the weekday of the first session."),
    )
    ends = RadioField(
        _l("The repeat ends"),
        default="until",
        choices=choices([("until", _l("on a date")), ("count", _l("after a number of sessions"))]),
    )
    until = DateField(_l("Last day"), validators=[Optional(), WithinDates()])
    count = IntegerField(
        _l("Number of sessions"), validators=[Optional(), NumberRange(1, MAX_OCCURRENCES)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weekdays.choices = weekday_choices()
        self.kind.choices = kind_choices()


class CancelForm(FlaskForm):
    """Several sessions at once: ticked upcoming sessions and typed dates (e.g. holidays)."""

    days = CheckboxListField(_l("Coming sessions"), validate_choice=False)
    dates = TextAreaField(
        _l("Other dates"),
        validators=[Optional(), Length(max=8000)],
        description=_l(
            "One date a line as YYYY-MM-DD, e.g. 2026-10-01 for "
            "National Day; words after the date are ignored."
        ),
    )


class OccurrenceForm(FlaskForm):
    """One session of a series, moved or renamed on its own."""

    day = DateField(_l("Date"), validators=[InputRequired(), WithinDates()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    title = StringField(_l("Name of the event"), validators=[DataRequired(), Length(max=200)])
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])


class TourForm(FlaskForm):
    """A performance tour: one performance per line (venue, and a date or the next day)."""

    title = StringField(
        _l("Name of the event"),
        default=_l("Consolation performance"),
        validators=[DataRequired(), Length(max=200)],
    )
    kind = SelectField(_l("Kind"), default=EventKind.performance.value, choices=kind_choices())
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    first_day = DateField(
        _l("First day"),
        validators=[Optional(), WithinDates()],
        description=_l("Lines without a date start on this day, one day after another."),
    )
    stops = TextAreaField(
        _l("Venues, one a line"),
        validators=[Length(max=20000)],
        description=_l(
            'Write "2026-09-10 骑岸镇敬老院", or only the venue for the day after the line before.'
        ),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    is_public = BooleanField(
        _l("Public event"), description=_l("Open to anyone who wants to come and watch.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()


class RemindersForm(FlaskForm):
    """The reminders every event of the troupe's calendar carries; none ticked is allowed."""

    evening_before = BooleanField(_l("The evening before, at 19:00"))
    hour_before = BooleanField(_l("One hour before it starts"))
