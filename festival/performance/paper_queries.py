"""What the day's paper prints, read in a constant number of queries whatever the size of the
round: the entries in running order with their troupes, categories and performers (the
booklet, 节目单), the judges and criteria (each judge's blank score sheet, 评分表), and the
round's results beside them (the result sheet for the judges' signatures, 评审结果签字表).

The running order is ``order.running_order``: by running position, unplaced entries last by
entry id."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.festivals.models import Festival
from festival.judging import result_queries
from festival.judging.models import Conflict, Criterion, Round, RoundEntry
from festival.judging.queries import round_criteria, round_judges
from festival.performance import order
from festival.programs.models import Program, ProgramPerformer
from festival.troupes.models import Person


@dataclass
class PaperEntry:
    """One program of the round as the paper prints it, at its place in the running order."""

    number: int  # 1, 2, 3 … in running order
    entry_id: int
    program_id: int
    title: str
    troupe: str
    category: str
    duration_minutes: int
    performers: list[str] = field(default_factory=list)


@dataclass
class ResultLine:
    """One program on the result sheet: every judge's total (None: none given or conflicted),
    which were dropped, the final score and the rank, from the round's results."""

    entry: PaperEntry
    totals: list[Decimal | None]  # in the order of the judges' columns
    dropped: list[bool]
    conflicted: list[bool]
    score: Decimal | None
    rank: int | None


def _entries_in_order(session: Session, round_id: int) -> list[PaperEntry]:
    """The round's entries in running order (``order.running_order``) with their durations,
    without performers (two queries)."""
    rows = order.running_order(session, round_id)
    minutes = dict(
        session.execute(
            select(Program.id, Program.duration_minutes)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .where(RoundEntry.round_id == round_id)
        ).all()
    )
    return [
        PaperEntry(
            number=number,
            entry_id=row.entry_id,
            program_id=row.program_id,
            title=row.title,
            troupe=row.troupe_name,
            category=row.category_name,
            duration_minutes=minutes.get(row.program_id, 0),
        )
        for number, row in enumerate(rows, start=1)
    ]


def entries(session: Session, round_id: int, *, performers: bool = False) -> list[PaperEntry]:
    """The round's programs in running order; with ``performers``, their names (one more
    query)."""
    found = _entries_in_order(session, round_id)
    if not performers or not found:
        return found
    names: dict[int, list[str]] = defaultdict(list)
    for program_id, name in session.execute(
        select(ProgramPerformer.program_id, Person.name)
        .join(Person, ProgramPerformer.person_id == Person.id)
        .join(RoundEntry, RoundEntry.program_id == ProgramPerformer.program_id)
        .where(RoundEntry.round_id == round_id)
        .order_by(ProgramPerformer.program_id, Person.name, Person.id)
    ):
        names[program_id].append(name)
    for entry in found:
        entry.performers = names[entry.program_id]
    return found


@dataclass
class Booklet:
    festival: Festival
    round: Round
    entries: list[PaperEntry]


def booklet(session: Session, round_: Round) -> Booklet:
    """The programme booklet: the entries in running order with their performers."""
    return Booklet(round_.festival, round_, entries(session, round_.id, performers=True))


@dataclass
class ScoreSheets:
    round: Round
    criteria: list[Criterion]
    judges: list[User]
    entries: list[PaperEntry]
    conflicts: set[tuple[int, int]]  # (judge id, program id): the judge does not score it


def score_sheets(session: Session, round_: Round) -> ScoreSheets:
    """Every judge's blank score sheet: the criteria, the judges, the entries in running
    order and the conflicts (who does not score what)."""
    conflicts = set(
        session.execute(
            select(Conflict.judge_id, Conflict.program_id).where(Conflict.round_id == round_.id)
        ).all()
    )
    return ScoreSheets(
        round=round_,
        criteria=round_criteria(session, round_.id),
        judges=round_judges(session, round_.id),
        entries=entries(session, round_.id),
        conflicts={(judge_id, program_id) for judge_id, program_id in conflicts},
    )


@dataclass
class ResultSheet:
    round: Round
    judges: list[User]
    lines: list[ResultLine]
    complete: bool
    aggregation: str  # the round's rule, e.g. "trimmed_mean"
    trim: int


def result_sheet(session: Session, round_: Round) -> ResultSheet:
    """The round's results (``result_queries.ranking``, as the results page reads them) laid
    out in running order, a column per judge."""
    results = result_queries.ranking(session, round_)
    result_queries.add_details(session, results, results.items)
    by_entry = {item.entry_id: item for item in results.items}
    judges = results.judges
    lines = []
    for entry in entries(session, round_.id):
        item = by_entry.get(entry.entry_id)
        totals = item.judge_totals if item else {}
        dropped = set(item.dropped_highs + item.dropped_lows) if item else set()
        conflicted = item.conflicted_judges if item else set()
        lines.append(
            ResultLine(
                entry=entry,
                totals=[totals.get(judge.id) for judge in judges],
                dropped=[judge.id in dropped for judge in judges],
                conflicted=[judge.id in conflicted for judge in judges],
                score=item.score if item else None,
                rank=item.rank if item else None,
            )
        )
    return ResultSheet(
        round=round_,
        judges=judges,
        lines=lines,
        complete=results.complete,
        aggregation=round_.aggregation.value,
        trim=round_.trim,
    )
