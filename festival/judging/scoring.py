"""Scoring rules of API.md as pure functions: judge totals, aggregation, ranks, the cut line.

Everything is Decimal; a score is rounded half up to two places only at the end.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from festival.core import bounds

TWO_PLACES = Decimal("0.01")


def two_places(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def exact_two_places(value) -> Decimal | None:
    """A number or decimal text with at most two places, as a Decimal of exactly two places
    (``0e-1000000000`` is 0.00, which the database holds); None if it is not one, or is too
    large to hold (``bounds.decimal_in_range``)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        if not bounds.decimal_in_range(number):
            return None
        two = number.quantize(TWO_PLACES)
    except (InvalidOperation, ValueError):
        return None
    return two if two == number else None


def judge_total(scores: Mapping[Hashable, Decimal], weights: Mapping[Hashable, Decimal]) -> Decimal:
    """A judge's total for a program: Σ weight × criterion score (exact)."""
    return sum((weights[criterion] * value for criterion, value in scores.items()), Decimal(0))


def total_units(scores: Mapping[Hashable, Decimal], weights: Mapping[Hashable, Decimal]) -> int:
    """``judge_total`` in ten-thousandths, as an exact integer (scores and weights have two
    places): what the database sums and ranks."""
    return sum(
        int(weights[criterion] * 100) * int(value * 100) for criterion, value in scores.items()
    )


def from_units(units: int) -> Decimal:
    return Decimal(int(units)).scaleb(-4)


def units_text(units: int) -> str:
    """A total in ten-thousandths as text with two places, rounded half up (a total is never
    negative): ``two_places(from_units(units))`` without the Decimals."""
    cents = (int(units) + 50) // 100
    return f"{cents // 100}.{cents % 100:02d}"


@dataclass(frozen=True)
class Aggregate:
    score: Decimal | None  # two places; None without any judge total
    spread: Decimal | None = None  # highest minus lowest judge total
    dropped_highs: tuple[Hashable, ...] = ()  # judges whose totals were dropped, highest first
    dropped_lows: tuple[Hashable, ...] = ()  # lowest first
    middle: tuple[Hashable, ...] = ()  # median: the judge(s) whose totals make the score
    fell_back: bool = False  # trimmed_mean with too few totals to drop: the plain mean

    @property
    def dropped_high(self) -> Hashable | None:
        """The judge whose highest total was dropped (the first of ``dropped_highs``)."""
        return self.dropped_highs[0] if self.dropped_highs else None

    @property
    def dropped_low(self) -> Hashable | None:
        return self.dropped_lows[0] if self.dropped_lows else None


METHODS = ("trimmed_mean", "mean", "median")


def aggregate(totals: Mapping[Hashable, Decimal | int], method: str, trim: int = 1) -> Aggregate:
    """``trimmed_mean``: with at least 2·trim + 1 totals drop exactly ``trim`` highest and
    ``trim`` lowest, then average; with fewer, the plain mean. ``median``: the middle total,
    or the mean of the two middle ones. ``mean``: the plain mean. Rounded half up. Totals in
    any one unit (ints of ten-thousandths too: the score is then in that unit)."""
    if method not in METHODS:
        raise ValueError(f"unknown aggregation {method!r}")
    if trim < 1:
        raise ValueError(f"trim must be at least 1, not {trim!r}")
    if not totals:
        return Aggregate(score=None)
    # Dropping is by value, exactly ``trim`` at each end; between judges with equal totals
    # the first by key is dropped at the low end, the last by key at the high end.
    ordered = sorted(totals.items(), key=lambda item: (item[1], str(item[0])))
    values = [value for _, value in ordered]
    count = len(values)
    spread = values[-1] - values[0]
    if method == "median":
        middle = ordered[(count - 1) // 2 : count // 2 + 1]
        score = two_places(sum((value for _, value in middle), Decimal(0)) / len(middle))
        return Aggregate(score=score, spread=spread, middle=tuple(key for key, _ in middle))
    if method == "trimmed_mean" and count >= 2 * trim + 1:
        kept = values[trim:-trim]
        return Aggregate(
            score=two_places(sum(kept, Decimal(0)) / len(kept)),
            spread=spread,
            dropped_highs=tuple(key for key, _ in reversed(ordered[-trim:])),
            dropped_lows=tuple(key for key, _ in ordered[:trim]),
        )
    return Aggregate(
        score=two_places(sum(values, Decimal(0)) / count),
        spread=spread,
        fell_back=method == "trimmed_mean",
    )


def competition_ranks(
    scores: Sequence[tuple[Hashable, Decimal | int | None]],
) -> dict[Hashable, int | None]:
    """Best first; equal scores (to two places) share a rank: 1, 2, 2, 4. No score, no rank.
    Scores are Decimals, or whole hundredths as ints."""
    scored = sorted(
        (
            (key, score if isinstance(score, int) else two_places(score))
            for key, score in scores
            if score is not None
        ),
        key=lambda item: item[1],
        reverse=True,
    )
    ranks: dict[Hashable, int | None] = {key: None for key, score in scores if score is None}
    previous = None
    for position, (key, score) in enumerate(scored, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[key] = rank
    return ranks


@dataclass(frozen=True)
class Cut:
    advancing: list[Hashable]  # clearly inside the cut line, best first
    tied: list[Hashable] = field(default_factory=list)  # tied across the line
    places_left: int = 0  # how many of ``tied`` may still advance


def cut_line(ranks: Mapping[Hashable, int | None], advance_count: int) -> Cut:
    """Who advances with ``advance_count`` places; a tie across the line is left to decide."""
    ranked = sorted((rank, key) for key, rank in ranks.items() if rank is not None)
    if advance_count >= len(ranked):
        return Cut(advancing=[key for _, key in ranked])
    if advance_count <= 0:
        return Cut(advancing=[])
    boundary_rank = ranked[advance_count - 1][0]
    next_rank = ranked[advance_count][0]
    if boundary_rank != next_rank:
        return Cut(advancing=[key for _, key in ranked[:advance_count]])
    inside = [key for rank, key in ranked if rank < boundary_rank]
    tied = [key for rank, key in ranked if rank == boundary_rank]
    return Cut(advancing=inside, tied=tied, places_left=advance_count - len(inside))


def choose_advancing(cut: Cut, chosen: Iterable[Hashable]) -> list[Hashable]:
    """The advancing list once an organizer decided a tie: every program inside the line plus
    exactly ``places_left`` of the tied ones. Raises ValueError naming what is wrong."""
    chosen = list(dict.fromkeys(chosen))
    chosen_set = set(chosen)
    missing = [key for key in cut.advancing if key not in chosen_set]
    if missing:
        raise ValueError(("missing", missing))
    extra = [key for key in chosen if key not in set(cut.advancing) | set(cut.tied)]
    if extra:
        raise ValueError(("outside", extra))
    picked = [key for key in chosen if key in set(cut.tied)]
    if len(picked) != cut.places_left:
        raise ValueError(("count", cut.places_left))
    return cut.advancing + picked


def outlier(deviations: Mapping[Hashable, Decimal]) -> Hashable | None:
    """The judge who stands out: among three or more, the one whose mean deviation is at
    least twice the next largest and at least one point (by size; the first of equals)."""
    ordered = sorted(deviations.items(), key=lambda item: abs(item[1]), reverse=True)
    if len(ordered) >= 3 and abs(ordered[0][1]) >= max(2 * abs(ordered[1][1]), Decimal(1)):
        return ordered[0][0]
    return None
