"""The eligibility rules of a program submission (API.md), as one pure function.

Every failure names its field and says what is wrong in the reader's language,
e.g. which performer is under age and by how much.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import LazyString, format_date, lazy_ngettext
from flask_babel import lazy_gettext as _l

from festival.core.wording import percent

TITLE_MAX = 120
MAX_PERFORMERS = 300


@dataclass(frozen=True)
class Performer:
    id: int
    name: str
    birth_date: date
    is_member: bool


@dataclass(frozen=True)
class Submission:
    title: str
    duration_minutes: int | None
    performer_ids: list[int]


@dataclass(frozen=True)
class Rules:
    min_age: int
    starts_on: date
    deadline: datetime
    is_open: bool
    may_submit_late: bool
    category_name: str | None  # None: no such category in this festival
    category_max_minutes: int | None
    troupe_name: str
    # The share of the performers who must reach ``min_age`` (the category's; 1: every one).
    min_age_share: Decimal = Decimal(1)


def performers_needed(share: Decimal, performers: int) -> int:
    """How many of ``performers`` must reach the minimum age: share × performers, rounded up
    (two thirds of 10 → 7)."""
    return math.ceil(Decimal(share) * performers)


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def birthday_of_age(birth_date: date, age: int) -> date:
    """The day someone born on ``birth_date`` turns ``age`` (29 February → 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return date(birth_date.year + age, 3, 1)


def _day(value: date) -> LazyString:
    return LazyString(lambda: format_date(value, "long"))


def submission_problems(
    submission: Submission,
    rules: Rules,
    *,
    performers: list[Performer],
    title_taken: bool,
    now: datetime,
) -> dict[str, list]:
    """Every reason this submission is not eligible, by field; empty when it is."""
    problems: dict[str, list] = {}

    def add(field: str, message) -> None:
        problems.setdefault(field, []).append(message)

    if not rules.is_open:
        add("festival_id", _l("This festival is not open for submissions."))
    elif now > rules.deadline and not rules.may_submit_late:
        add(
            "deadline",
            _l(
                "The submission deadline (%(day)s) has passed; please contact the festival office.",
                day=_day(rules.deadline),
            ),
        )

    title = submission.title.strip()
    if not 1 <= len(title) <= TITLE_MAX:
        add("title", _l("Enter a title of 1 to %(n)d characters.", n=TITLE_MAX))
    elif title_taken:
        add(
            "title",
            _l(
                "%(troupe)s has already submitted a program called %(title)s to this festival.",
                troupe=rules.troupe_name,
                title=title,
            ),
        )

    if rules.category_name is None:
        add("category_id", _l("Choose one of this festival's categories."))

    minutes = submission.duration_minutes
    if minutes is None or minutes < 1:
        add("duration_minutes", _l("Enter the duration in whole minutes (at least 1)."))
    elif rules.category_max_minutes is not None and minutes > rules.category_max_minutes:
        add(
            "duration_minutes",
            _l(
                "%(minutes)d minutes is longer than the %(max)d minutes allowed in %(category)s.",
                minutes=minutes,
                max=rules.category_max_minutes,
                category=rules.category_name,
            ),
        )
    elif minutes > 600:
        add("duration_minutes", _l("Enter at most 600 minutes."))

    ids = submission.performer_ids
    if not ids:
        add("performer_ids", _l("Choose at least one performer."))
    elif len(ids) > MAX_PERFORMERS:
        add("performer_ids", _l("At most %(n)d performers.", n=MAX_PERFORMERS))
    if len(set(ids)) != len(ids):
        add("performer_ids", _l("A performer is listed twice."))
    known = {performer.id for performer in performers}
    for unknown in sorted(set(ids) - known):
        add("performer_ids", _l("There is no person with number %(id)d.", id=unknown))
    for performer in sorted(performers, key=lambda p: p.name):
        if not performer.is_member:
            add(
                "performer_ids",
                _l(
                    "%(name)s is not a member of %(troupe)s.",
                    name=performer.name,
                    troupe=rules.troupe_name,
                ),
            )
        age = age_on(performer.birth_date, rules.starts_on)
        if age < rules.min_age and rules.min_age_share >= 1:
            add(
                "performer_ids",
                lazy_ngettext(
                    "%(name)s is %(age)d on %(day)s, %(num)d year under the minimum age of "
                    "%(min)d (turns %(min)d on %(turns)s).",
                    "%(name)s is %(age)d on %(day)s, %(num)d years under the minimum age of "
                    "%(min)d (turns %(min)d on %(turns)s).",
                    rules.min_age - age,
                    name=performer.name,
                    age=age,
                    day=_day(rules.starts_on),
                    min=rules.min_age,
                    turns=_day(birthday_of_age(performer.birth_date, rules.min_age)),
                ),
            )
    if rules.min_age_share < 1 and performers:
        under = sum(1 for p in performers if age_on(p.birth_date, rules.starts_on) < rules.min_age)
        needed = performers_needed(rules.min_age_share, len(performers))
        if len(performers) - under < needed:
            add(
                "performer_ids",
                lazy_ngettext(
                    "%(num)d of %(total)d performers is under the minimum age of %(min)d on "
                    "%(day)s; %(category)s needs at least %(share)s of them (%(needed)d) to "
                    "reach it.",
                    "%(num)d of %(total)d performers are under the minimum age of %(min)d on "
                    "%(day)s; %(category)s needs at least %(share)s of them (%(needed)d) to "
                    "reach it.",
                    under,
                    total=len(performers),
                    min=rules.min_age,
                    day=_day(rules.starts_on),
                    category=rules.category_name or "",
                    share=percent(rules.min_age_share),
                    needed=needed,
                ),
            )
    return problems
