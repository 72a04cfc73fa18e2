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
    dropped_high: Hashable | None = None  # the judge whose highest total was dropped
    dropped_low: Hashable | None = None
    spread: Decimal | None = None  # highest minus lowest judge total


def aggregate(totals: Mapping[Hashable, Decimal | int], method: str) -> Aggregate:
    """``trimmed_mean``: with 3 or more totals drop exactly one highest and one lowest, then
    average; with fewer, the plain mean. ``mean``: the plain mean. Rounded half up. Totals in
    any one unit (ints of ten-thousandths too: the score is then in that unit)."""
    if not totals:
        return Aggregate(score=None)
    # Ties between judges: the first judge (by key) of the equal totals is the one dropped.
    ordered = sorted(totals.items(), key=lambda item: (item[1], str(item[0])))
    values = [value for _, value in ordered]
    spread = values[-1] - values[0]
    if method == "trimmed_mean" and len(values) >= 3:
        kept = values[1:-1]
        return Aggregate(
            score=two_places(sum(kept, Decimal(0)) / len(kept)),
            dropped_low=ordered[0][0],
            dropped_high=ordered[-1][0],
            spread=spread,
        )
    if method not in ("trimmed_mean", "mean"):
        raise ValueError(f"unknown aggregation {method!r}")
    return Aggregate(score=two_places(sum(values, Decimal(0)) / len(values)), spread=spread)


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
