"""Objection forms: input shape only; festival/notice/objections.py holds the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from festival.notice.objections import MAX_NAME, MAX_ORGANIZATION, MAX_PHONE, MAX_REPLY, MAX_TEXT
from festival.web.forms import choices

WHOLE_LIST = ""


class ObjectionForm(FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[InputRequired(), Length(max=MAX_NAME)],
        render_kw={"autocomplete": "name"},
    )
    phone = StringField(
        _l("Phone number"),
        validators=[InputRequired(), Length(max=MAX_PHONE)],
        description=_l("Only the organiser sees it, to call you back."),
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    organization = StringField(
        _l("Your unit (optional)"),
        validators=[Optional(), Length(max=MAX_ORGANIZATION)],
        description=_l("The organisation you speak for, if any."),
    )
    award_id = SelectField(_l("What is it about?"), choices=[], validate_choice=True)
    text = TextAreaField(
        _l("Your objection"),
        validators=[InputRequired(), Length(max=MAX_TEXT)],
        description=_l("What is wrong, and why. At most %(n)d characters.", n=MAX_TEXT),
        render_kw={"rows": 6},
    )


class DecisionForm(FlaskForm):
    outcome = RadioField(
        _l("Decision"),
        choices=choices(
            [
                ("upheld", _l("Upheld: the objection is right")),
                ("rejected", _l("Rejected: the list stands")),
            ]
        ),
        validators=[InputRequired(message=_l("Choose upheld or rejected."))],
    )
    reply = TextAreaField(
        _l("Reply to the person"),
        validators=[InputRequired(), Length(max=MAX_REPLY)],
        render_kw={"rows": 3},
    )
