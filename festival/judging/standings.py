"""A round's standings: every entry's score, rank and rank within its category, who may not
score what, and what each judge has given, computed in one pass and kept per process under
the round's results key (``result_keys``), so that a page of a 10,000-program ranking reads
one small row and then only the rows it shows.

What is kept is immutable and holds no names that may change while a round runs (a troupe's or
a category's name, a judge's display name): readers fetch those for the rows they show.
Titles and categories are kept: a program in a round can no longer be edited.
"""

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from festival.judging import scoring
from festival.judging.models import Conflict, JudgeAssignment, JudgeTotal, Round, RoundEntry
from festival.judging.result_keys import results_key
from festival.programs.models import Program

KEPT_ROUNDS = 32  # rounds whose standings one process keeps (the most recently read)
NO_JUDGES: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Standing:
    entry_id: int
    program_id: int
    title: str
    category_id: int
    cents: int | None  # the score in hundredths; None before any judge's total
    judge_count: int
    advanced: bool
    rank: int | None
    category_rank: int | None


@dataclass(frozen=True, slots=True)
class JudgeGiven:
    scored: int
    units: int  # the sum of their totals, in ten-thousandths
    score_cents: int  # the sum of the scores of the entries they scored, in hundredths


@dataclass
class Standings:
    key: str | None
    overall: list[Standing]  # best first; equal ranks by title
    by_category: dict[int, list[Standing]]  # category id → best first within it
    conflicted: dict[int, frozenset[int]]  # program id → the judges who may not score it
    given: dict[int, JudgeGiven]  # judge id → what they have given
    advanced: dict[int, int]  # category id → programs advanced (a closed round)
    missing: int  # judge-program pairs still to be scored
    complete: bool
    _cuts: dict = field(default_factory=dict)

    def cuts(self, advance_count: int, per_category: bool) -> dict[int | None, scoring.Cut]:
        """The cut line (None → over all entries; else per category id), computed once."""
        key = (advance_count, per_category)
        if key not in self._cuts:
            groups = self.by_category.items() if per_category else [(None, self.overall)]
            self._cuts[key] = {
                group: scoring.cut_line(
                    {s.program_id: (s.category_rank if per_category else s.rank) for s in rows},
                    advance_count,
                )
                for group, rows in groups
            }
        return self._cuts[key]


_kept: OrderedDict[tuple[int, str], Standings] = OrderedDict()
_lock = threading.Lock()


def standings(session: Session, round_: Round, *, fresh: bool = False) -> Standings:
    """The round's standings; kept ones when nothing they read has changed since (``fresh``:
    always computed, for the rules that decide: closing a round). The key is read before the
    rows: a change committed in between only makes what is kept newer than its key."""
    key = results_key(session, round_.id)
    if key is not None and not fresh:
        with _lock:
            kept = _kept.get((round_.id, key))
            if kept is not None:
                _kept.move_to_end((round_.id, key))
                return kept
    computed = compute(session, round_, key)
    if key is not None:
        with _lock:
            _kept[(round_.id, key)] = computed
            _kept.move_to_end((round_.id, key))
            while len(_kept) > KEPT_ROUNDS:
                _kept.popitem(last=False)
    return computed


def rank_standings(rows) -> tuple[list[Standing], dict[int, list[Standing]]]:
    """Rows of (entry id, program id, title, category id, score in hundredths or None,
    judge count, advanced) ranked: best first over all, and best first within each category;
    equal scores share a rank (1, 2, 2, 4), no score no rank; equals by title."""
    ranks = scoring.competition_ranks([(row[1], row[4]) for row in rows])
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row[3]].append(row)
    category_ranks: dict[int, int | None] = {}
    for group in grouped.values():
        category_ranks.update(scoring.competition_ranks([(row[1], row[4]) for row in group]))
    overall = [
        Standing(
            entry_id,
            program_id,
            title,
            category_id,
            score,
            judge_count,
            bool(advanced),
            ranks[program_id],
            category_ranks[program_id],
        )
        for entry_id, program_id, title, category_id, score, judge_count, advanced in rows
    ]
    overall.sort(key=lambda s: (s.rank is None, s.rank or 0, s.title, s.program_id))
    by_category: dict[int, list[Standing]] = defaultdict(list)
    for standing in sorted(
        overall,
        key=lambda s: (s.category_rank is None, s.category_rank or 0, s.title, s.program_id),
    ):
        by_category[standing.category_id].append(standing)
    return overall, dict(by_category)


def forget_all() -> None:
    """Drop every kept standing (tests that rewrite rows behind the services' back)."""
    with _lock:
        _kept.clear()


def compute(session: Session, round_: Round, key: str | None = None) -> Standings:
    """Four queries whatever the size: the entries with their kept scores, the conflicts, the
    judges, and each judge's given totals summed in SQL."""
    connection = session.connection()  # plain rows: the ORM's loading took as long as the query
    cents = cast(func.round(RoundEntry.score * 100), Integer)
    rows = connection.execute(
        select(
            RoundEntry.id,
            RoundEntry.program_id,
            Program.title,
            Program.category_id,
            cents,
            RoundEntry.judge_count,
            RoundEntry.advanced,
        )
        .join(Program, RoundEntry.program_id == Program.id)
        .where(RoundEntry.round_id == round_.id)
    ).all()
    conflicts = connection.execute(
        select(Conflict.program_id, Conflict.judge_id).where(Conflict.round_id == round_.id)
    ).all()
    judge_ids = connection.execute(
        select(JudgeAssignment.judge_id).where(JudgeAssignment.round_id == round_.id)
    ).scalars()
    judge_ids = set(judge_ids)
    # Per judge: totals given, their sum, and the sum of the scores of the entries they
    # scored (in hundredths: SQLite keeps NUMERIC as floating point).
    given = {
        judge_id: JudgeGiven(count, int(units), int(score_cents or 0))
        for judge_id, count, units, score_cents in connection.execute(
            select(JudgeTotal.judge_id, func.count(), func.sum(JudgeTotal.units), func.sum(cents))
            .join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id)
            .where(RoundEntry.round_id == round_.id)
            .group_by(JudgeTotal.judge_id)
        )
    }

    overall, by_category = rank_standings(rows)

    conflicted_sets: dict[int, set[int]] = defaultdict(set)
    conflicts_of: dict[int, int] = defaultdict(int)
    for program_id, judge_id in conflicts:
        conflicted_sets[program_id].add(judge_id)
        conflicts_of[judge_id] += 1
    missing = sum(
        len(rows) - conflicts_of[judge_id] - (given[judge_id].scored if judge_id in given else 0)
        for judge_id in judge_ids
    )
    return Standings(
        key=key,
        overall=overall,
        by_category=by_category,
        conflicted={pid: frozenset(judges) for pid, judges in conflicted_sets.items()},
        given=given,
        advanced={cid: sum(1 for s in rows if s.advanced) for cid, rows in by_category.items()},
        missing=missing,
        complete=missing == 0 and bool(rows) and bool(judge_ids),
    )
