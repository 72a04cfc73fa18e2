"""Handing prize tiers down a closed round's ranking (API.md), as a pure function."""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from festival.judging.scoring import competition_ranks

TIER_ORDER = ("first", "second", "third", "excellence", "special", "organization")
PROGRAM_TIERS = ("first", "second", "third", "excellence", "special")


@dataclass(frozen=True)
class Ranked:
    key: Hashable
    score: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class Slot:
    tier: str
    key: Hashable | None  # None: the place stays vacant (空缺)
    score: Decimal | None = None
    rank: int | None = None
    group: Hashable | None = None  # the category, when allocated by category


class TieAcrossBoundary(Exception):
    def __init__(self, keys: list[Hashable], tier: str):
        super().__init__(keys, tier)
        self.keys = keys
        self.tier = tier


class TooManyAwards(Exception):
    pass


def share_count(share: Decimal, ranked: int) -> int:
    """floor(share × ranked), exactly."""
    return int((share * ranked).to_integral_value(rounding=ROUND_FLOOR))


def counts_for(
    tiers: Sequence[tuple[str, int | None, Decimal | None]], ranked: int
) -> list[tuple[str, int]]:
    """Each tier's number of places for a ranking of ``ranked`` programs: its count, or
    floor(share × ranked)."""
    return [
        (tier, count if count is not None else share_count(share or Decimal(0), ranked))
        for tier, count, share in tiers
    ]


def allocate(
    ranking: Sequence[Ranked],
    tiers: Sequence[tuple[str, int]],
    minimums: dict[str, Decimal] | None = None,
    *,
    strict: bool = True,
) -> list[Slot]:
    """Hand the tiers down the ranking in the order given. A program below a tier's minimum
    score leaves that place vacant and is considered for the next tier. Raises
    TieAcrossBoundary when equal ranks straddle the end of a tier, TooManyAwards when more
    places are asked for than there are ranked programs. Not ``strict`` (a category's
    ranking), places beyond the ranked programs are simply not given."""
    minimums = minimums or {}
    ranked = [r for r in ranking if r.rank is not None]
    ranked.sort(key=lambda r: r.rank)
    if strict and sum(count for _, count in tiers) > len(ranked):
        raise TooManyAwards()
    slots: list[Slot] = []
    position = 0
    for tier, count in tiers:
        minimum = minimums.get(tier)
        given = 0
        for _ in range(count):
            if position >= len(ranked):
                if strict:
                    slots.append(Slot(tier=tier, key=None))
                continue
            candidate = ranked[position]
            if minimum is not None and (candidate.score is None or candidate.score < minimum):
                slots.append(Slot(tier=tier, key=None))
                continue
            slots.append(
                Slot(tier=tier, key=candidate.key, score=candidate.score, rank=candidate.rank)
            )
            position += 1
            given += 1
        if given and position < len(ranked) and ranked[position].rank == ranked[position - 1].rank:
            tied_rank = ranked[position].rank
            raise TieAcrossBoundary([r.key for r in ranked if r.rank == tied_rank], tier)
    return slots


def allocate_by_group(
    groups: Sequence[tuple[Hashable, Sequence[Ranked]]],
    tiers: Sequence[tuple[str, int | None, Decimal | None]],
    minimums: dict[str, Decimal] | None = None,
) -> list[Slot]:
    """Each group's ranking (a category's, ranks within it) gets its own tiers, shares
    counted from the group's ranked programs. Raises TieAcrossBoundary naming the tied
    programs of every group where equal ranks straddle the end of a tier."""
    slots: list[Slot] = []
    tied: list[Hashable] = []
    tied_tier = None
    for group, ranking in groups:
        ranked = sum(1 for r in ranking if r.rank is not None)
        try:
            given = allocate(ranking, counts_for(tiers, ranked), minimums, strict=False)
        except TieAcrossBoundary as tie:
            tied.extend(tie.keys)
            tied_tier = tied_tier or tie.tier
            continue
        slots.extend(
            Slot(tier=s.tier, key=s.key, score=s.score, rank=s.rank, group=group) for s in given
        )
    if tied:
        raise TieAcrossBoundary(tied, tied_tier)
    return slots


def category_rankings(
    entries: Iterable[tuple[Hashable, Decimal | None, Hashable]],
) -> list[tuple[Hashable, list[Ranked]]]:
    """Each group's ranking from (key, frozen score, group), groups in their first
    appearance's order: ranks within the group, equal scores to two places sharing one."""
    by_group: dict[Hashable, list[tuple[Hashable, Decimal | None]]] = {}
    for key, score, group in entries:
        by_group.setdefault(group, []).append((key, score))
    groups = []
    for group, scores in by_group.items():
        ranks = competition_ranks(scores)
        groups.append(
            (group, [Ranked(key=key, score=score, rank=ranks[key]) for key, score in scores])
        )
    return groups
