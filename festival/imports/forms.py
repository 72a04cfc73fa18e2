"""The upload form: input shape only; reading and checking the file is elsewhere."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from festival.web.forms import choices

KIND_LABELS = {
    "troupes": _l("Troupes"),
    "members": _l("Members"),
    "programs": _l("Programs"),
}


class ImportForm(FlaskForm):
    kind = SelectField(
        _l("What the file lists"),
        choices=choices(KIND_LABELS.items()),
        validators=[InputRequired()],
    )
    file = FileField(
        _l("Spreadsheet"),
        validators=[
            FileRequired(_l("Choose a file.")),
            FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or .csv file.")),
        ],
        description=_l("An .xlsx or .csv file of at most 5 MB; the first sheet is read."),
        render_kw={"accept": ".xlsx,.csv"},
    )
