"""Troupe and member forms: input shape only; the services hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from festival.web.forms import choices, optional_db_id
from festival.web.labels import GENDER, MEMBER_ROLE, TROUPE_KIND


class TroupeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=choices(TROUPE_KIND.items()),
        description=_l("A team (like a tai chi team) is scheduled like a troupe."),
    )
    organization_id = SelectField(_l("Organisation"), coerce=optional_db_id, validate_choice=False)
    leader_id = SelectField(_l("Leader"), coerce=optional_db_id, validate_choice=False)


class NewMemberForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired()])
    gender = SelectField(
        _l("Gender"),
        choices=choices([("", _l("Not given")), *GENDER.items()]),
        validators=[Optional()],
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=32)])
    role = SelectField(_l("Role in the troupe"), choices=choices(MEMBER_ROLE.items()))


class ExistingMemberForm(FlaskForm):
    person_id = SelectField(_l("Person"), coerce=optional_db_id, validate_choice=False)
    # Shown on the page of NewMemberForm: its own id, or both labels name the first select.
    role = SelectField(
        _l("Role in the troupe"), choices=choices(MEMBER_ROLE.items()), id="existing-role"
    )
