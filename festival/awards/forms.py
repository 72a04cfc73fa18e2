"""Award forms: input shape only; the award services hold the rules."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from festival.awards.allocation import PROGRAM_TIERS
from festival.awards.services import MAX_NOTICE_DAYS, REASON_MAX, TITLE_MAX
from festival.web.forms import WithinNumbers, choices, optional_db_id
from festival.web.labels import AWARD_TIER

DEFAULT_NOTICE_DAYS = 5  # working days


class TierRowForm(Form):
    """One row of the allocation table; its tier is given by its position (PROGRAM_TIERS)."""

    count = IntegerField(
        _l("Number of awards"),
        validators=[Optional(), NumberRange(min=0, max=1000)],
        render_kw={"inputmode": "numeric"},
    )
    percent = DecimalField(
        _l("Share of the ranked programs (%)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100), WithinNumbers()],
        render_kw={"inputmode": "decimal"},
    )
    min_score = DecimalField(
        _l("Minimum score"),
        places=2,
        validators=[Optional(), NumberRange(min=0), WithinNumbers()],
        render_kw={"inputmode": "decimal"},
    )


class AllocateForm(FlaskForm):
    """Hand prize tiers down a closed round's ranking: first, second, third, excellence,
    special, in that order."""

    round_id = SelectField(
        _l("Closed round"),
        coerce=optional_db_id,
        validate_choice=False,
        validators=[InputRequired()],
        id="allocate-round",
    )
    grouping = RadioField(
        _l("Rank for the awards"),
        default="overall",
        choices=choices(
            [
                ("overall", _l("Overall: one ranking across every category")),
                ("by_category", _l("By category: each category's ranking gets these tiers")),
            ]
        ),
        validators=[Optional()],
        id="allocate-grouping",
    )
    tiers = FieldList(
        FormField(TierRowForm), min_entries=len(PROGRAM_TIERS), max_entries=len(PROGRAM_TIERS)
    )
    min_score = DecimalField(
        _l("Minimum score for any award (optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0), WithinNumbers()],
        render_kw={"inputmode": "decimal"},
        id="allocate-min-score",
        description=_l("Places whose program scores below it stay vacant (空缺)."),
    )

    def tier_rows(self):
        """(tier, row form) pairs in allocation order."""
        return list(zip(PROGRAM_TIERS, (entry.form for entry in self.tiers.entries), strict=False))

    def tier_counts(self) -> list[tuple[str, int | None, Decimal | None]]:
        """(tier, count, share): a count, or a percentage as a share; neither gives none."""
        specs = []
        for tier, row in self.tier_rows():
            count, percent = row.count.data, row.percent.data
            share = None if percent is None else percent / 100
            specs.append((tier, count if count is not None or share is not None else 0, share))
        return specs

    def minimums(self) -> dict:
        return {
            tier: row.min_score.data
            for tier, row in self.tier_rows()
            if row.min_score.data is not None
        }


def reason_field() -> StringField:
    """A correction's reason: needed once the results are final (the service says so)."""
    return StringField(
        _l("Reason for the correction"),
        validators=[Optional(), Length(max=REASON_MAX)],
        description=_l(
            "The results are final: the reason is shown with the new version of the list."
        ),
    )


class AwardForm(FlaskForm):
    """A manual award: a prize tier to a program, or an award to an organisation."""

    tier = SelectField(
        _l("Award"),
        choices=choices(AWARD_TIER.items()),
        validators=[InputRequired()],
        id="award-tier",
    )
    program_id = SelectField(
        _l("Program"),
        coerce=optional_db_id,
        validate_choice=False,
        validators=[Optional()],
        id="award-program",
        description=_l("For a prize to a program."),
    )
    organization_id = SelectField(
        _l("Organisation"),
        coerce=optional_db_id,
        validate_choice=False,
        validators=[Optional()],
        id="award-organization",
        description=_l("For an organisation award."),
    )
    category_id = SelectField(
        _l("Category"),
        coerce=optional_db_id,
        validate_choice=False,
        validators=[Optional()],
        id="award-category",
        description=_l("Leave empty to use the program's category."),
    )
    title = StringField(
        _l("Title on the certificate"),
        validators=[Optional(), Length(max=TITLE_MAX)],
        id="award-title",
        description=_l("For example: 舞蹈类二等奖, 优秀组织奖."),
    )
    reason = reason_field()


class PublishForm(FlaskForm):
    notice_days = IntegerField(
        _l("Public notice period"),
        default=DEFAULT_NOTICE_DAYS,
        validators=[InputRequired(), NumberRange(min=0, max=MAX_NOTICE_DAYS)],
        render_kw={"inputmode": "numeric"},
        id="notice-days",
        description=_l(
            "During the notice period (公示) the results can still be corrected or "
            "taken down; after it, once every objection is decided, you make them final. "
            "The day of publication does not count."
        ),
    )
    notice_unit = RadioField(
        _l("Counted in"),
        default="working",
        choices=choices(
            [
                ("working", _l("Working days (public holidays off, make-up working days on)")),
                ("calendar", _l("Calendar days")),
            ]
        ),
        validators=[Optional()],
        id="notice-unit",
    )

    def notice_args(self) -> dict:
        """The service's ``notice_days`` or ``notice_working_days``."""
        if self.notice_unit.data == "calendar":
            return {"notice_days": self.notice_days.data}
        return {"notice_working_days": self.notice_days.data}


class RemoveForm(FlaskForm):
    """The Remove button posts without ``confirm``: the answer is a confirmation page whose
    button posts again with it."""

    confirm = StringField()
    reason = reason_field()
