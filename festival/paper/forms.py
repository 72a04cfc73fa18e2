"""The seal and signatory form: input shape only; the image is checked in paper.seal."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length

from festival.paper.seal import SIGNATORY_MAX


class SealForm(FlaskForm):
    signatory = StringField(
        _l("Signatory"),
        validators=[Length(max=SIGNATORY_MAX)],
        description=_l("The name printed above the date, e.g. the office's director."),
    )
    seal = FileField(
        _l("Seal image"),
        description=_l(
            "A PNG or JPEG of at most 2 MB, ideally red on a transparent background. "
            "Leave empty to keep the current seal."
        ),
        render_kw={"accept": "image/png,image/jpeg"},
    )
