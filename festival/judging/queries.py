"""Reads of rounds: the ranking from the scores and judge totals kept by the services, with
the judges' statistics summed in SQL; score sheets."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Integer, Select, case, cast, exists, func, select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import Organization, User
from festival.festivals.models import Category, Festival
from festival.judging import scoring
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeAssignment,
    JudgeTotal,
    Round,
    RoundEntry,
    RoundStatus,
    Score,
)
from festival.judging.permissions import ORGANIZER, RoundAudience
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


def round_judges(session: Session, round_id: int) -> list[User]:
    return list(
        session.execute(
            select(User)
            .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
            .where(JudgeAssignment.round_id == round_id)
            .order_by(User.display_name, User.id)
        ).scalars()
    )


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
    criteria = list(
        session.execute(
            select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        ).scalars()
    )
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
    method = results.round.aggregation.value
    for item in items:
        item.judge_units = by_entry[item.entry_id]
        # Which totals are dropped, from the exact integers (the score is kept already).
        result = scoring.aggregate(item.judge_units, method)
        item.dropped_high, item.dropped_low = result.dropped_high, result.dropped_low
        item.spread = None if result.spread is None else scoring.from_units(result.spread)


@dataclass
class SheetRow:
    entry: RoundEntry
    program: Program
    scores: dict[int, Decimal]  # criterion id → this judge's value


def _judge_entries(round_: Round, judge: User) -> Select:
    """The round's entries a judge scores: all but their conflicts, in the sheet's order."""
    conflicted = select(Conflict.program_id).where(
        Conflict.round_id == round_.id, Conflict.judge_id == judge.id
    )
    return select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.program_id.not_in(conflicted)
    )


def judge_sheet(
    session: Session, round_: Round, judge: User, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Criterion], list[SheetRow]]:
    """A judge's entries (without their conflicts), all or ``limit`` from ``offset``, and
    their own scores of them, nobody else's."""
    criteria = list(
        session.execute(
            select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        ).scalars()
    )
    entries = list(
        session.execute(
            _judge_entries(round_, judge)
            .options(
                joinedload(RoundEntry.program).joinedload(Program.category),
                joinedload(RoundEntry.program).joinedload(Program.troupe),
            )
            .order_by(RoundEntry.id)
            .offset(offset)
            .limit(limit)
        ).scalars()
    )
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    scores = (
        select(Score.entry_id, Score.criterion_id, Score.value)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, Score.judge_id == judge.id)
    )
    if limit is not None:
        scores = scores.where(Score.entry_id.in_([entry.id for entry in entries]))
    for entry_id, criterion_id, value in session.execute(scores):
        own[entry_id][criterion_id] = value
    return criteria, [SheetRow(entry=e, program=e.program, scores=own[e.id]) for e in entries]


def judge_progress(session: Session, round_: Round, judge: User) -> tuple[int, int]:
    """(programs the judge scored in full, programs they score): two counts."""
    total = session.execute(
        select(func.count()).select_from(_judge_entries(round_, judge).subquery())
    ).scalar_one()
    scored = session.execute(
        select(func.count())
        .select_from(JudgeTotal)
        .join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, JudgeTotal.judge_id == judge.id)
    ).scalar_one()
    return scored, total


def sheet_position(session: Session, round_: Round, judge: User, program_id: int) -> int:
    """How many of the judge's entries come before the program's on the sheet."""
    entry_id = (
        select(RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id)
        .scalar_subquery()
    )
    return session.execute(
        select(func.count()).select_from(
            _judge_entries(round_, judge).where(RoundEntry.id < entry_id).subquery()
        )
    ).scalar_one()


def festival_rounds(session: Session, festival_id: int) -> list[Round]:
    return list(
        session.execute(
            select(Round).where(Round.festival_id == festival_id).order_by(Round.position)
        ).scalars()
    )


@dataclass
class RoundLine:
    round: Round
    festival_name: str
    scored: int
    total: int

    @property
    def left(self) -> int:
        """Programs the judge has still to score in full."""
        return max(self.total - self.scored, 0)


def judge_rounds(session: Session, judge_id: int) -> list[RoundLine]:
    """The judge's rounds, open first, with how many of their programs they scored fully;
    three queries whatever the number of rounds and entries."""
    rounds = session.execute(
        select(Round, Festival.name)
        .join(JudgeAssignment, JudgeAssignment.round_id == Round.id)
        .join(Festival, Round.festival_id == Festival.id)
        .where(JudgeAssignment.judge_id == judge_id)
        .order_by(
            case((Round.status == RoundStatus.open, 0), else_=1),
            Round.created_at.desc(),
            Round.id.desc(),
        )
    ).all()
    conflicted = exists().where(
        Conflict.round_id == RoundEntry.round_id,
        Conflict.program_id == RoundEntry.program_id,
        Conflict.judge_id == judge_id,
    )
    to_score = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeAssignment, JudgeAssignment.round_id == RoundEntry.round_id)
            .where(JudgeAssignment.judge_id == judge_id, ~conflicted)
            .group_by(RoundEntry.round_id)
        ).all()
    )
    # A judge's total exists once they scored every criterion of the entry.
    scored = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeTotal, JudgeTotal.entry_id == RoundEntry.id)
            .where(JudgeTotal.judge_id == judge_id)
            .group_by(RoundEntry.round_id)
        ).all()
    )
    return [
        RoundLine(
            round=round_,
            festival_name=festival_name,
            scored=scored.get(round_.id, 0),
            total=to_score.get(round_.id, 0),
        )
        for round_, festival_name in rounds
    ]


@dataclass(frozen=True)
class RoundProgress:
    entries: int
    judges: int
    missing: int  # score sheets (program × judge, without conflicts) not complete yet

    @property
    def complete(self) -> bool:
        return self.entries > 0 and self.judges > 0 and self.missing == 0


def rounds_progress(session: Session, rounds: Select) -> dict[int, RoundProgress]:
    """Entries, judges and missing score sheets of each round that ``rounds`` selects (a
    ``select(Round.id)`` narrowed by festival or status): four queries whatever their number."""
    chosen = rounds.subquery()

    def per_round(column):
        return dict(
            session.execute(
                select(column, func.count()).where(column.in_(select(chosen.c.id))).group_by(column)
            ).all()
        )

    entries = per_round(RoundEntry.round_id)
    judges = per_round(JudgeAssignment.round_id)
    conflicts = per_round(Conflict.round_id)
    # Complete sheets: the judge totals of assigned judges (kept once every criterion is in).
    complete = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeTotal, JudgeTotal.entry_id == RoundEntry.id)
            .join(
                JudgeAssignment,
                (JudgeAssignment.round_id == RoundEntry.round_id)
                & (JudgeAssignment.judge_id == JudgeTotal.judge_id),
            )
            .where(RoundEntry.round_id.in_(select(chosen.c.id)))
            .group_by(RoundEntry.round_id)
        ).all()
    )
    ids = set(entries) | set(judges)
    progress = {}
    for round_id in ids:
        n_entries, n_judges = entries.get(round_id, 0), judges.get(round_id, 0)
        expected = n_entries * n_judges - conflicts.get(round_id, 0)
        progress[round_id] = RoundProgress(
            entries=n_entries, judges=n_judges, missing=max(expected - complete.get(round_id, 0), 0)
        )
    return progress
