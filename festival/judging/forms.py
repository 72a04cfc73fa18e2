"""Round forms: input shape only; the judging services hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional

from festival.web.forms import WithinNumbers, choices, db_id, whole_number

AGGREGATION_LABELS = {
    "trimmed_mean": _l("Drop the highest and lowest n totals, then average"),
    "median": _l("Median"),
    "mean": _l("Average of all"),
}


RANKING_LABELS = {
    "overall": _l("One ranking of all programs"),
    "by_category": _l("A ranking for each category"),
}

CRITERION_ROWS = 5


class CriterionRowForm(Form):
    """One row of the criteria table; a row without a name and a maximum is ignored."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=80)])
    max_score = StringField(
        _l("Maximum score"),
        validators=[Optional(), Length(max=12), WithinNumbers()],
        render_kw={"inputmode": "decimal"},
    )
    weight = StringField(
        _l("Weight"),
        default="1",
        validators=[Optional(), Length(max=12), WithinNumbers()],
        render_kw={"inputmode": "decimal"},
    )

    def is_blank(self) -> bool:
        return not (self.name.data or "").strip() and not (self.max_score.data or "").strip()


class RoundForm(FlaskForm):
    name = StringField(
        _l("Name of the round"),
        validators=[Length(max=80)],
        description=_l("For example: preliminary, second round, final."),
    )
    aggregation = SelectField(
        _l("How the judges' totals make the score"),
        choices=choices(AGGREGATION_LABELS.items()),
        default="trimmed_mean",
    )
    trim = IntegerField(
        _l("n: totals dropped at each end"),
        default=1,
        validators=[Optional(), whole_number(1)],
        description=_l(
            "For dropping the highest and lowest: with fewer than 2n + 1 judges' totals a "
            "program's score is the average of all of them."
        ),
        render_kw={"inputmode": "numeric"},
    )
    advance_count = IntegerField(
        _l("Places (programs that advance)"),
        validators=[Optional(), whole_number(0)],
        description=_l("Leave empty to choose the advancing programs by hand when closing."),
    )
    ranking = SelectField(
        _l("Ranking"),
        choices=choices(RANKING_LABELS.items()),
        default="overall",
        description=_l(
            "By category: each category has its own ranks, places and prizes, so tai chi does "
            "not compete with square dance."
        ),
    )
    auto_conflicts = BooleanField(
        _l("Keep judges off their own organisation's programs (回避)"),
        default=True,
        description=_l(
            "A judge from a district office does not score the troupes of that district or "
            "of the offices under it."
        ),
    )
    is_blind = BooleanField(_l("Blind: judges do not see the troupes' names"))
    by_video = BooleanField(
        _l("Screening by video"),
        description=_l(
            "Each judge's score sheet shows the program's video beside the criteria, so that "
            "judges score from home on a phone or tablet."
        ),
    )
    criteria = FieldList(FormField(CriterionRowForm), min_entries=CRITERION_ROWS, max_entries=20)


class JudgeForm(FlaskForm):
    user_id = SelectField(
        _l("Judge account"),
        coerce=db_id,
        validate_choice=False,
        validators=[InputRequired()],
        id="judge-account",
    )


class ConflictForm(FlaskForm):
    user_id = SelectField(
        _l("Judge"),
        coerce=db_id,
        validate_choice=False,
        validators=[InputRequired()],
        id="conflict-judge",
    )
    program_id = SelectField(
        _l("Program"),
        coerce=db_id,
        validate_choice=False,
        validators=[InputRequired()],
        id="conflict-program",
    )
    reason = StringField(
        _l("Reason"),
        validators=[Optional(), Length(max=500)],
        description=_l("For example: the judge coaches this troupe."),
    )


class CloseForm(FlaskForm):
    """The confirmed list: programs above the line (hidden) and the ones chosen at a tie."""

    advance_program_ids = SelectMultipleField(coerce=db_id, validate_choice=False)


class RecommendForm(FlaskForm):
    program_id = IntegerField(validators=[Optional(), whole_number(1)])
    festival_id = SelectField(_l("Recommend to"), coerce=db_id, validate_choice=False)
