"""Reads of a round's ranking: the ranking from the scores and judge totals kept by the
services, with the judges' statistics summed in SQL; the details of the rows shown; every
criterion score, for the exports."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.festivals.models import Category
from festival.judging import scoring
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeTotal,
    Round,
    RoundEntry,
    Score,
)
from festival.judging.permissions import ORGANIZER, RoundAudience
from festival.judging.queries import round_criteria, round_judges
from festival.programs.models import Program
from festival.troupes.models import Troupe

NO_CONFLICTS: frozenset[int] = frozenset()


@dataclass(slots=True)
class ResultItem:
    program_id: int
    title: str
    score: Decimal | None
    rank: int | None
    judge_count: int
    advanced: bool
    conflicted_judges: set[int] | frozenset[int]
    entry_id: int
    # Filled in by ``add_details``, for the rows shown only; the judges' totals and the troupe
    # only for an audience that sees them (else empty and None).
    troupe_name: str | None = ""
    category_name: str = ""
    organization_name: str | None = ""
    judge_units: dict[int, int] = field(default_factory=dict)  # judge id → ten-thousandths
    dropped_high: int | None = None
    dropped_low: int | None = None
    # Every judge whose total was dropped (highest first; lowest first), and for a median the
    # judge(s) whose totals make the score.
    dropped_highs: tuple[int, ...] = ()
    dropped_lows: tuple[int, ...] = ()
    middle: tuple[int, ...] = ()
    fell_back: bool = False  # too few totals to drop ``trim`` at each end: the plain mean
    spread: Decimal | None = None

    @property
    def judge_totals(self) -> dict[int, Decimal]:
        return {judge_id: scoring.from_units(units) for judge_id, units in self.judge_units.items()}


@dataclass
class JudgeStats:
    judge: User
    scored: int
    expected: int
    mean_total: Decimal | None
    mean_deviation: Decimal | None  # mean of (judge total − program score): far from 0 = outlier


@dataclass
class Results:
    """A round's ranking as one audience sees it: ``judges`` and ``judge_stats`` are empty,
    and the items carry no judge's total, for an audience that does not see the judges."""

    round: Round
    audience: RoundAudience
    items: list[ResultItem]
    judges: list[User]
    judge_stats: list[JudgeStats]
    complete: bool
    missing: int
    criteria: list[Criterion] = field(default_factory=list)


def round_results(session: Session, round_: Round, audience: RoundAudience = ORGANIZER) -> Results:
    """The ranking with the details of every entry, as ``audience`` sees it (the organizers:
    every judge's total, for the exports, the API and closing)."""
    results = ranking(session, round_, audience)
    add_details(session, results, results.items)
    return results


def ranking(session: Session, round_: Round, audience: RoundAudience = ORGANIZER) -> Results:
    """The ranking, best first, from the entries' kept scores, with the judges' statistics
    summed in SQL (for an audience that sees the judges); five queries whatever the size. The
    items carry their titles, not their troupes, categories or judge totals: see
    ``add_details``. The rules (closing a round) read it whole; pages and the API pass the
    viewer's audience."""
    criteria = round_criteria(session, round_.id)
    # Scores as whole hundredths: ints are ranked and fetched faster than Decimals. Plain
    # rows, read on the session's connection: the ORM's loading took as long as the query.
    connection = session.connection()
    cents = cast(func.round(RoundEntry.score * 100), Integer)
    rows = connection.execute(
        select(
            RoundEntry.id,
            RoundEntry.program_id,
            RoundEntry.advanced,
            cents,
            RoundEntry.judge_count,
            Program.title,
        )
        .join(Program, RoundEntry.program_id == Program.id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    judges = round_judges(session, round_.id)
    conflicts = session.execute(
        select(Conflict.program_id, Conflict.judge_id).where(Conflict.round_id == round_.id)
    ).all()
    # Per judge: totals given, their sum, and the sum of the scores of the entries they
    # scored (in hundredths: SQLite keeps NUMERIC as floating point).
    given = {
        judge_id: (count, int(units), int(score_cents or 0))
        for judge_id, count, units, score_cents in connection.execute(
            select(JudgeTotal.judge_id, func.count(), func.sum(JudgeTotal.units), func.sum(cents))
            .join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_.id)
            .group_by(JudgeTotal.judge_id)
        )
    }

    conflicted: dict[int, set[int]] = defaultdict(set)
    for program_id, judge_id in conflicts if audience.sees_judges else ():
        conflicted[program_id].add(judge_id)
    ranks = scoring.competition_ranks([(row[1], row[3]) for row in rows])
    # Positional and without the details: 10,000 of them are built for every ranking.
    items = [
        ResultItem(
            program_id,
            title,
            None if score is None else Decimal(score).scaleb(-2),
            ranks[program_id],
            judge_count,
            advanced,
            conflicted.get(program_id, NO_CONFLICTS),
            entry_id,
        )
        for entry_id, program_id, advanced, score, judge_count, title in rows
    ]
    items.sort(key=lambda item: (item.rank is None, item.rank or 0, item.title))

    judge_ids = {judge.id for judge in judges}
    conflicts_of = defaultdict(int)
    for _program_id, judge_id in conflicts:
        conflicts_of[judge_id] += 1
    stats, missing = [], 0
    for judge in judges:
        scored, units, score_cents = given.get(judge.id, (0, 0, 0))
        expected = len(items) - conflicts_of[judge.id]
        missing += expected - scored
        stats.append(
            JudgeStats(
                judge=judge,
                scored=scored,
                expected=expected,
                mean_total=(
                    scoring.two_places(scoring.from_units(units) / scored) if scored else None
                ),
                mean_deviation=(
                    scoring.two_places(
                        (scoring.from_units(units) - Decimal(score_cents).scaleb(-2)) / scored
                    )
                    if scored
                    else None
                ),
            )
        )
    complete = missing == 0 and bool(items) and bool(judge_ids)
    if not audience.sees_judges:
        judges, stats = [], []
    return Results(
        round=round_,
        audience=audience,
        items=items,
        judges=judges,
        judge_stats=stats,
        complete=complete,
        missing=missing,
        criteria=criteria,
    )


def add_details(session: Session, results: Results, items: list[ResultItem]) -> None:
    """Fill in the troupe, category and organisation of ``items`` (all of them, or the page
    shown), and for an audience that sees the judges each judge's total and which were
    dropped; two queries (one without the judges)."""
    if not items:
        return
    audience = results.audience
    some = len(items) < len(results.items)
    entry_ids = [item.entry_id for item in items]
    labels = (
        select(RoundEntry.id, Troupe.name, Category.name, Organization.name)
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(Organization, Troupe.organization_id == Organization.id)
        .join(Category, Program.category_id == Category.id)
        .where(RoundEntry.round_id == results.round.id)
    )
    totals = (
        select(JudgeTotal.entry_id, JudgeTotal.judge_id, JudgeTotal.units)
        .join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == results.round.id)
    )
    if some:
        labels = labels.where(RoundEntry.id.in_(entry_ids))
        totals = totals.where(JudgeTotal.entry_id.in_(entry_ids))
    connection = session.connection()  # plain rows, no ORM loading (see ``ranking``)
    names = {entry_id: rest for entry_id, *rest in connection.execute(labels)}
    for item in items:
        item.troupe_name, item.category_name, item.organization_name = names[item.entry_id]
        if not audience.sees_troupes:
            item.troupe_name = item.organization_name = None
    if not audience.sees_judges:
        return
    by_entry: dict[int, dict[int, int]] = defaultdict(dict)
    for entry_id, judge_id, units in connection.execute(totals):
        by_entry[entry_id][judge_id] = units
    method, trim = results.round.aggregation.value, results.round.trim
    for item in items:
        item.judge_units = by_entry[item.entry_id]
        # Which totals are dropped, from the exact integers (the score is kept already).
        result = scoring.aggregate(item.judge_units, method, trim)
        item.dropped_high, item.dropped_low = result.dropped_high, result.dropped_low
        item.dropped_highs, item.dropped_lows = result.dropped_highs, result.dropped_lows
        item.middle, item.fell_back = result.middle, result.fell_back
        item.spread = None if result.spread is None else scoring.from_units(result.spread)


def criterion_scores(session: Session, round_id: int) -> dict[tuple[int, int], dict[int, Decimal]]:
    """Every criterion score of the round: (program id, judge id) → {criterion id: value}."""
    scores: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for program_id, judge_id, criterion_id, value in session.execute(
        select(RoundEntry.program_id, Score.judge_id, Score.criterion_id, Score.value)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_id)
    ):
        scores[(program_id, judge_id)][criterion_id] = value
    return scores
