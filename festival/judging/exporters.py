"""A round's results and conflicts as spreadsheet rows; the files themselves are written by
``festival.web.spreadsheets`` (which neutralises formulas). Pure: no session, no request.

Results have one row per program and judge (category by category, with the rank in the
category first, when the round ranks by category): the program's rank, score and outcome, then that
judge's score for every criterion, their weighted total, whether it was dropped (or, in a median,
was a middle one) and the rule applied (with its n), so the office can justify each decision
from the file alone.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from festival.judging.result_queries import Results
from festival.judging.rule_words import aggregation_rule, fallen_back_rule
from festival.judging.scoring import TWO_PLACES

NOT_SCORED = _l("not scored")
CONFLICT = _l("conflict of interest")
DROPPED_HIGH = _l("highest, dropped")
DROPPED_LOW = _l("lowest, dropped")
COUNTED = _l("counted")
MIDDLE = _l("middle, counted")
NOT_MIDDLE = _l("not the middle")


def _number(value: Decimal | None) -> Decimal | str:
    """Scores stay exact numbers a spreadsheet can sum (two places unless a weight makes more,
    as 0.5 × 10.25); empty when there is none."""
    if value is None:
        return ""
    two = value.quantize(TWO_PLACES)
    return two if two == value else value


def results_table(
    results: Results,
    criterion_scores: Mapping[tuple[int, int], Mapping[int, Decimal]],
) -> tuple[list[str], list[list]]:
    """Header and rows: one row per program × judge, with every criterion's score.
    ``criterion_scores`` maps (program id, judge id) to {criterion id: value}."""
    criteria = results.criteria
    by_category = results.by_category
    header = [
        *([str(_l("Rank in category"))] if by_category else []),
        str(_l("Rank")),
        str(_l("Program")),
        str(_l("Troupe")),
        str(_l("Organisation")),
        str(_l("Category")),
        str(_l("Score")),
        str(_l("Spread between judges")),
        str(_l("Advanced")),
        str(_l("Judge")),
    ]
    header += [
        str(
            _l(
                "%(criterion)s (max %(max)s, weight %(weight)s)",
                criterion=c.name,
                max=f"{c.max_score:g}",
                weight=f"{c.weight:g}",
            )
        )
        for c in criteria
    ]
    header += [str(_l("Judge's total")), str(_l("In the score")), str(_l("Rule"))]
    rows = []
    round_ = results.round
    rule = aggregation_rule(round_.aggregation.value, round_.trim)
    fallback = fallen_back_rule(round_.aggregation.value, round_.trim)
    for item in results.items:
        base = [
            *(
                [item.category_rank if item.category_rank is not None else ""]
                if by_category
                else []
            ),
            item.rank if item.rank is not None else "",
            item.title,
            item.troupe_name,
            item.organization_name,
            item.category_name,
            _number(item.score),
            _number(item.spread),
            str(_l("yes")) if item.advanced else str(_l("no")),
        ]
        totals = item.judge_totals
        for judge in results.judges:
            values = criterion_scores.get((item.program_id, judge.id), {})
            if judge.id in item.conflicted_judges:
                mark = CONFLICT
            elif judge.id not in totals:
                mark = NOT_SCORED
            elif judge.id in item.dropped_highs:
                mark = DROPPED_HIGH
            elif judge.id in item.dropped_lows:
                mark = DROPPED_LOW
            elif item.middle:
                mark = MIDDLE if judge.id in item.middle else NOT_MIDDLE
            else:
                mark = COUNTED
            rows.append(
                [
                    *base,
                    judge.display_name,
                    *(_number(values.get(c.id)) for c in criteria),
                    _number(totals.get(judge.id)),
                    str(mark),
                    fallback if item.fell_back and item.judge_units else rule,
                ]
            )
    return header, rows


def conflicts_table(conflicts, *, timezone: str) -> tuple[list[str], list[list]]:
    """Header and rows of the declared conflicts of interest (rows from the view's query),
    declared at the festival's local time."""
    header = [
        str(_l("Judge")),
        str(_l("Program")),
        str(_l("Troupe")),
        str(_l("Reason")),
        str(_l("Declared by")),
        str(_l("Declared at")),
    ]
    rows = [
        [
            c.judge_name,
            c.title,
            c.troupe_name,
            c.reason,
            c.declared_by or "",
            _local(c.declared_at, timezone),
        ]
        for c in conflicts
    ]
    return header, rows


def _local(moment: datetime | None, timezone: str) -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
