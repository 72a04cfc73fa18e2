"""Reads of a round's ranking: the whole ranking or one page of it (overall or category by
category) from the kept standings (``standings``), with completeness, cut lines and the
judges' statistics; the details of the rows shown; every criterion score, for the exports."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.festivals.models import Category
from festival.judging import scoring
from festival.judging import standings as standings_module
from festival.judging.models import (
    Criterion,
    JudgeTotal,
    Ranking,
    Round,
    RoundEntry,
    RoundStatus,
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
    category_id: int = 0
    category_rank: int | None = None  # the rank within its category
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


@dataclass(frozen=True)
class CategoryGroup:
    """One category of a round's entries: its place in the order shown, and its cut line."""

    category_id: int
    name: str
    start: int  # the position of its first entry in the order shown (``by_category``)
    count: int
    cut: scoring.Cut | None = None  # with ``by_category`` and a number of places
    filled: int = 0


@dataclass
class Results:
    """A round's ranking as one audience sees it: ``judges`` and ``judge_stats`` are empty,
    and the items carry no judge's total, for an audience that does not see the judges.
    ``items`` are every entry (``ranking``) or one page of them (``ranking_page``), in the
    order shown: best first, or category by category when the round ranks by category."""

    round: Round
    audience: RoundAudience
    items: list[ResultItem]
    judges: list[User]
    judge_stats: list[JudgeStats]
    complete: bool
    missing: int
    criteria: list[Criterion] = field(default_factory=list)
    total: int = 0  # the entries in the order shown (of the category asked for, if one was)
    by_category: bool = False
    groups: list[CategoryGroup] = field(default_factory=list)  # every category with entries
    inside: set[int] = field(default_factory=set)  # open round: programs within the places
    tied: set[int] = field(default_factory=set)  # open round: programs tied at a cut line
    filled: int = 0  # places filled (closed: programs advanced)
    places: int | None = None  # None: chosen by hand; by category: the sum over categories
    standings: standings_module.Standings | None = None
    # An open round with places: the cut line over all (key None) or of each category id.
    cuts: dict[int | None, scoring.Cut] = field(default_factory=dict)


def round_results(session: Session, round_: Round, audience: RoundAudience = ORGANIZER) -> Results:
    """The whole ranking with the details of every entry, as ``audience`` sees it (the
    organizers: every judge's total, for the exports, the API and closing)."""
    results = ranking(session, round_, audience)
    add_details(session, results, results.items)
    return results


def ranking(
    session: Session,
    round_: Round,
    audience: RoundAudience = ORGANIZER,
    *,
    fresh: bool = False,
) -> Results:
    """Every entry, in the order shown, without the details (``add_details``). The rules
    that decide (closing a round) pass ``fresh``: computed from the rows, never kept ones."""
    return ranking_page(session, round_, audience, page=None, fresh=fresh)


def ranking_page(
    session: Session,
    round_: Round,
    audience: RoundAudience = ORGANIZER,
    *,
    page: int | None = 1,
    per_page: int = 50,
    category_id: int | None = None,
    fresh: bool = False,
) -> Results:
    """One page of the ranking (``page`` None: all of it), of one category if asked, with
    the round's completeness, cut lines and judge statistics. Reads the kept standings
    (``standings``) and the names of the categories and judges: a constant number of queries,
    and work in proportion to the page, whatever the size of the round."""
    kept = standings_module.standings(session, round_, fresh=fresh)
    criteria = round_criteria(session, round_.id)
    by_category = round_.ranking is Ranking.by_category
    names = dict(
        session.execute(
            select(Category.id, Category.name)
            .where(Category.festival_id == round_.festival_id)
            .order_by(Category.position, Category.id)
        ).all()
    )
    category_order = [cid for cid in names if cid in kept.by_category]
    category_order += sorted(cid for cid in kept.by_category if cid not in names)
    closed = round_.status is RoundStatus.closed
    places = round_.advance_count
    cuts = kept.cuts(places, by_category) if places is not None and not closed else {}
    groups, start = [], 0
    for cid in category_order:
        rows = kept.by_category[cid]
        cut = cuts.get(cid) if by_category else None
        groups.append(
            CategoryGroup(
                category_id=cid,
                name=names.get(cid, ""),
                start=start,
                count=len(rows),
                cut=cut,
                filled=(kept.advanced.get(cid, 0) if closed else len(cut.advancing) if cut else 0),
            )
        )
        start += len(rows)

    if category_id is not None:
        order: Sequence[standings_module.Standing] = kept.by_category.get(category_id, [])
    elif by_category:
        order = _Concatenated([kept.by_category[cid] for cid in category_order])
    else:
        order = kept.overall
    total = len(order)
    if page is None:
        chosen = list(order) if category_id is not None or by_category else kept.overall
    else:
        first = min((page - 1) * per_page, total)
        chosen = order[first : first + per_page]
    items = [_item(s, kept, audience) for s in chosen]

    inside: set[int] = set()
    tied: set[int] = set()
    for cut in cuts.values():
        inside.update(cut.advancing)
        tied.update(cut.tied)
    filled = sum(group.filled for group in groups) if closed else len(inside)
    if places is None:
        total_places = None
    elif by_category:
        total_places = places * len(groups)
    else:
        total_places = places

    judges, stats = [], []
    if audience.sees_judges:
        judges = round_judges(session, round_.id)
        entry_count = len(kept.overall)
        conflicts_of: dict[int, int] = {}
        for conflicted in kept.conflicted.values():
            for judge_id in conflicted:
                conflicts_of[judge_id] = conflicts_of.get(judge_id, 0) + 1
        for judge in judges:
            given = kept.given.get(judge.id)
            scored = given.scored if given else 0
            units = given.units if given else 0
            score_cents = given.score_cents if given else 0
            stats.append(
                JudgeStats(
                    judge=judge,
                    scored=scored,
                    expected=entry_count - conflicts_of.get(judge.id, 0),
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
    return Results(
        round=round_,
        audience=audience,
        items=items,
        judges=judges,
        judge_stats=stats,
        complete=kept.complete,
        missing=kept.missing,
        criteria=criteria,
        total=total,
        by_category=by_category,
        groups=groups,
        inside=inside,
        tied=tied,
        filled=filled,
        places=total_places,
        standings=kept,
        cuts=cuts,
    )


def _item(
    standing: standings_module.Standing,
    kept: standings_module.Standings,
    audience: RoundAudience,
) -> ResultItem:
    conflicted = kept.conflicted.get(standing.program_id, NO_CONFLICTS)
    return ResultItem(
        standing.program_id,
        standing.title,
        None if standing.cents is None else Decimal(standing.cents).scaleb(-2),
        standing.rank,
        standing.judge_count,
        standing.advanced,
        conflicted if audience.sees_judges else NO_CONFLICTS,
        standing.entry_id,
        standing.category_id,
        standing.category_rank,
    )


def advanced_items(results: Results) -> list[ResultItem]:
    """The programs that advanced from a closed round, best first (without details)."""
    kept = results.standings
    return [_item(s, kept, results.audience) for s in kept.overall if s.advanced]


class _Concatenated(Sequence):
    """Lists read as one, sliced without copying the ones outside the slice."""

    def __init__(self, parts: list[list]):
        self.parts = parts
        self.length = sum(len(part) for part in parts)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, _step = index.indices(self.length)
            out, offset = [], 0
            for part in self.parts:
                if offset >= stop:
                    break
                low, high = max(start - offset, 0), min(stop - offset, len(part))
                if low < high:
                    out.extend(part[low:high])
                offset += len(part)
            return out
        if index < 0:
            index += self.length
        for part in self.parts:
            if index < len(part):
                return part[index]
            index -= len(part)
        raise IndexError(index)


def add_details(session: Session, results: Results, items: list[ResultItem]) -> None:
    """Fill in the troupe, category and organisation of ``items`` (all of them, or the page
    shown), and for an audience that sees the judges each judge's total and which were
    dropped; two queries (one without the judges)."""
    if not items:
        return
    audience = results.audience
    # The rows shown by id; every row of the round when they are all of them (an IN of
    # 10,000 ids would cost more than reading the round).
    everything = len(results.standings.overall) if results.standings else len(results.items)
    some = len(items) < everything
    entry_ids = [item.entry_id for item in items]
    labels = (
        select(RoundEntry.id, Troupe.name, Category.name, Organization.name)
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(Organization, Troupe.organization_id == Organization.id)
        .join(Category, Program.category_id == Category.id)
    )
    totals = select(JudgeTotal.entry_id, JudgeTotal.judge_id, JudgeTotal.units)
    # By the entries' keys alone when some are shown: with the round's condition beside
    # them, SQLite walks the round's 10,000 entries instead of looking up 50.
    if some:
        labels = labels.where(RoundEntry.id.in_(entry_ids))
        totals = totals.where(JudgeTotal.entry_id.in_(entry_ids))
    else:
        labels = labels.where(RoundEntry.round_id == results.round.id)
        totals = totals.join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id).where(
            RoundEntry.round_id == results.round.id
        )
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
