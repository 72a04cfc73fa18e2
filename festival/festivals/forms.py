"""Festival and category forms: input shape only; the services hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from festival.accounts.forms import LEVEL_LABELS
from festival.core import bounds
from festival.web.forms import WithinDates, choices, db_id


class FestivalForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(
        _l("Level"), choices=choices((lv.value, label) for lv, label in LEVEL_LABELS.items())
    )
    organization_id = SelectField(_l("Organising office"), coerce=db_id, validate_choice=False)
    year = IntegerField(
        _l("Year"), validators=[InputRequired(), NumberRange(bounds.FIRST_YEAR, bounds.LAST_YEAR)]
    )
    starts_on = DateField(_l("First day"), validators=[InputRequired(), WithinDates()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(), WithinDates()])
    submission_deadline = DateTimeLocalField(
        _l("Submission deadline"),
        validators=[InputRequired(), WithinDates()],
        format="%Y-%m-%dT%H:%M",
        description=_l("Local time of the festival."),
    )
    timezone = SelectField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        validate_choice=False,  # the service names an unknown zone
        description=_l("The deadline and the times of the festival's events are in this zone."),
    )
    min_performer_age = IntegerField(
        _l("Minimum performer age"),
        default=60,
        validators=[InputRequired(), NumberRange(0, 120)],
        description=_l("Every performer must be at least this old on the first day."),
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    recommendation_quota = IntegerField(
        _l("Recommendation quota"),
        validators=[Optional(), NumberRange(1, 10_000)],
        description=_l(
            "At most this many programs recommended into this festival from each sending "
            "organisation. Leave empty for no limit."
        ),
    )
    media_deadline = DateTimeLocalField(
        _l("Deadline for videos and backing tracks"),
        validators=[Optional(), WithinDates()],
        format="%Y-%m-%dT%H:%M",
        description=_l(
            "Local time of the festival. After it only the festival office can add, replace or "
            "delete programs' videos and backing tracks. Leave empty for no deadline."
        ),
    )


class CategoryForm(FlaskForm):
    name = StringField(_l("Category name"), validators=[DataRequired(), Length(max=80)])
    max_duration_minutes = IntegerField(
        _l("Maximum duration (minutes)"),
        validators=[Optional(), NumberRange(1, 600)],
        description=_l("Leave empty for no limit."),
    )
    min_age_share = DecimalField(
        _l("Performers of the minimum age (%)"),
        default=100,
        places=None,
        validators=[Optional()],  # the service says what is allowed
        description=_l(
            "At least this share of a program's performers must reach the festival's minimum "
            "age: 100 for all of them, 67 for two thirds (a group dance)."
        ),
    )
    requires_video = BooleanField(
        _l("Each program sends a video"),
        description=_l("For a screening by video: judges score from the video."),
    )
    requires_backing_track = BooleanField(
        _l("Each program sends a backing track"),
        description=_l("The sound desk plays it on the performance day."),
    )
