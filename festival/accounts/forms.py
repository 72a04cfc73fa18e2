"""Account and organisation forms: input shape only; the services hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from festival.accounts.models import Level, Role
from festival.web.forms import choices

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.organizer: _l("Organizer"),
    Role.judge: _l("Judge"),
    Role.leader: _l("Troupe leader"),
}
LEVEL_LABELS = {
    Level.district: _l("District"),
    Level.city: _l("City"),
    Level.province: _l("Province"),
    Level.other: _l("Other"),
}


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=64)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters."),
    )


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Letters, digits, dots, dashes or underscores."),
    )
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
        description=_l("At least 8 characters."),
    )
    role = SelectField(
        _l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items())
    )
    organization_id = SelectField(_l("Organisation"), coerce=lambda v: int(v) if v else None)


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    level = SelectField(
        _l("Level"), choices=choices((lv.value, label) for lv, label in LEVEL_LABELS.items())
    )
    # The view checks the chosen parent with the permission predicate (403), not the form.
    parent_id = SelectField(
        _l("Parent organisation"), coerce=lambda v: int(v) if v else None, validate_choice=False
    )
