"""The audit log's filters: a GET form, input shape only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from festival.audit.labels import ACTIONS, ENTITY_TYPES, KINDS
from festival.web.forms import WithinDates

NOT_A_CHOICE = _l("Choose one of the list.")


class LooseDateField(DateField):
    """A date, with the app's own message (in the reader's language) when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(_l("Enter a date as YYYY-MM-DD."))) from None


class AuditFilterForm(FlaskForm):
    """Read from the query string (``formdata=request.args``); no CSRF on a read."""

    class Meta:
        csrf = False

    change = SelectField(_l("What changed"), default="", invalid_choice_message=NOT_A_CHOICE)
    entity_type = SelectField(_l("Record"), default="", invalid_choice_message=NOT_A_CHOICE)
    who = StringField(_l("Who (username)"), validators=[Optional(), Length(max=64)])
    festival_id = SelectField(_l("Festival"), default="", invalid_choice_message=NOT_A_CHOICE)
    date_from = LooseDateField(_l("From"), validators=[Optional(), WithinDates()])
    date_to = LooseDateField(_l("To (inclusive)"), validators=[Optional(), WithinDates()])

    def fill_choices(self, festivals: list[tuple[int, str, int]]) -> None:
        """Kinds of change, then every action; record types; the viewer's festivals."""
        everything = str(_l("All"))
        kinds_group, actions_group = str(_l("Kinds of change")), str(_l("Single actions"))
        self.change.choices = (
            [SelectChoice("", everything)]
            + [
                SelectChoice(key, str(label), optgroup=kinds_group)
                for key, (label, _actions) in KINDS.items()
            ]
            + [
                SelectChoice(key, str(label), optgroup=actions_group)
                for key, label in sorted(ACTIONS.items(), key=lambda item: str(item[1]))
            ]
        )
        self.entity_type.choices = [SelectChoice("", everything)] + [
            SelectChoice(key, str(label)) for key, label in ENTITY_TYPES.items()
        ]
        self.festival_id.choices = [SelectChoice("", everything)] + [
            SelectChoice(str(festival_id), f"{name} ({year})")
            for festival_id, name, year in festivals
        ]
