"""Reads of rounds: results in one pass over per-judge totals summed in SQL, score sheets."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import User
from festival.festivals.models import Category
from festival.judging import scoring
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeAssignment,
    Round,
    RoundEntry,
    Score,
)
from festival.programs.models import Program
from festival.troupes.models import Troupe


@dataclass
class ResultItem:
    program_id: int
    title: str
    troupe_name: str
    category_name: str
    organization_name: str
    score: Decimal | None
    rank: int | None
    judge_count: int
    advanced: bool
    judge_totals: dict[int, Decimal]
    conflicted_judges: set[int]
    dropped_high: int | None
    dropped_low: int | None
    spread: Decimal | None


@dataclass
class JudgeStats:
    judge: User
    scored: int
    expected: int
    mean_total: Decimal | None
    mean_deviation: Decimal | None  # mean of (judge total − program score): far from 0 = outlier


@dataclass
class Results:
    round: Round
    items: list[ResultItem]
    judges: list[User]
    judge_stats: list[JudgeStats]
    complete: bool
    missing: int
    criteria: list[Criterion] = field(default_factory=list)


def round_judges(session: Session, round_id: int) -> list[User]:
    return list(session.execute(
        select(User).join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
        .where(JudgeAssignment.round_id == round_id).order_by(User.display_name, User.id)
    ).scalars())


def round_results(session: Session, round_: Round) -> Results:
    """The ranking, best first, with every judge's total; five queries whatever the size."""
    criteria = list(session.execute(select(Criterion).where(Criterion.round_id == round_.id)
                                    .order_by(Criterion.position)).scalars())
    entries = session.execute(
        select(RoundEntry, Program.title, Troupe.name, Category.name)
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(Category, Program.category_id == Category.id)
        .where(RoundEntry.round_id == round_.id)
        .options(joinedload(RoundEntry.program).joinedload(Program.troupe)
                 .joinedload(Troupe.organization))
    ).all()
    judges = round_judges(session, round_.id)
    # Σ weight × score per (entry, judge), and how many criteria each judge scored. Summed
    # as whole hundredths × hundredths: SQLite keeps NUMERIC as floating point, so a product
    # such as 0.5 × 10.25 = 5.125 would come back cut to 5.12 before the rounding rule applies.
    units = (cast(func.round(Score.value * 100), Integer)
             * cast(func.round(Criterion.weight * 100), Integer))
    totals = session.execute(
        select(Score.entry_id, Score.judge_id, func.sum(units), func.count())
        .join(Criterion, Score.criterion_id == Criterion.id)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id)
        .group_by(Score.entry_id, Score.judge_id)
    ).all()
    conflicts = session.execute(select(Conflict.program_id, Conflict.judge_id).where(
        Conflict.round_id == round_.id)).all()

    judge_ids = {judge.id for judge in judges}
    conflicted: dict[int, set[int]] = defaultdict(set)
    for program_id, judge_id in conflicts:
        conflicted[program_id].add(judge_id)
    per_entry: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry_id, judge_id, total, count in totals:
        if count == len(criteria) and judge_id in judge_ids:
            per_entry[entry_id][judge_id] = Decimal(int(total)).scaleb(-4)

    items = []
    missing = 0
    for entry, title, troupe_name, category_name in entries:
        judge_totals = {j: t for j, t in per_entry[entry.id].items()
                        if j not in conflicted[entry.program_id]}
        expected = judge_ids - conflicted[entry.program_id]
        missing += len(expected - set(judge_totals))
        result = scoring.aggregate(judge_totals, round_.aggregation.value)
        items.append(ResultItem(
            program_id=entry.program_id, title=title, troupe_name=troupe_name,
            category_name=category_name,
            organization_name=entry.program.troupe.organization.name,
            score=result.score, rank=None, judge_count=len(judge_totals),
            advanced=entry.advanced, judge_totals=judge_totals,
            conflicted_judges=conflicted[entry.program_id], dropped_high=result.dropped_high,
            dropped_low=result.dropped_low, spread=result.spread))
    ranks = scoring.competition_ranks([(item.program_id, item.score) for item in items])
    for item in items:
        item.rank = ranks[item.program_id]
    items.sort(key=lambda item: (item.rank is None, item.rank or 0, item.title))

    stats = []
    for judge in judges:
        own = [(item.judge_totals[judge.id], item.score) for item in items
               if judge.id in item.judge_totals]
        expected = sum(1 for item in items if judge.id not in item.conflicted_judges)
        mean_total = (scoring.two_places(sum((t for t, _ in own), Decimal(0)) / len(own))
                      if own else None)
        deviations = [t - s for t, s in own if s is not None]
        stats.append(JudgeStats(
            judge=judge, scored=len(own), expected=expected, mean_total=mean_total,
            mean_deviation=(scoring.two_places(sum(deviations, Decimal(0)) / len(deviations))
                            if deviations else None)))
    return Results(round=round_, items=items, judges=judges, judge_stats=stats,
                   complete=missing == 0 and bool(items) and bool(judges), missing=missing,
                   criteria=criteria)


@dataclass
class SheetRow:
    entry: RoundEntry
    program: Program
    scores: dict[int, Decimal]  # criterion id → this judge's value


def judge_sheet(session: Session, round_: Round, judge: User) -> tuple[list[Criterion],
                                                                         list[SheetRow]]:
    """A judge's entries (without their conflicts) and their own scores, nobody else's."""
    criteria = list(session.execute(select(Criterion).where(Criterion.round_id == round_.id)
                                    .order_by(Criterion.position)).scalars())
    conflicted = select(Conflict.program_id).where(Conflict.round_id == round_.id,
                                                   Conflict.judge_id == judge.id)
    entries = list(session.execute(
        select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                 RoundEntry.program_id.not_in(conflicted))
        .options(joinedload(RoundEntry.program).joinedload(Program.category),
                 joinedload(RoundEntry.program).joinedload(Program.troupe))
        .order_by(RoundEntry.id)
    ).scalars())
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for entry_id, criterion_id, value in session.execute(
        select(Score.entry_id, Score.criterion_id, Score.value)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, Score.judge_id == judge.id)
    ):
        own[entry_id][criterion_id] = value
    return criteria, [SheetRow(entry=e, program=e.program, scores=own[e.id]) for e in entries]


def festival_rounds(session: Session, festival_id: int) -> list[Round]:
    return list(session.execute(
        select(Round).where(Round.festival_id == festival_id).order_by(Round.position)
    ).scalars())
