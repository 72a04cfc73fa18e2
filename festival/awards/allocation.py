"""Handing prize tiers down a closed round's ranking (API.md), as a pure function."""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import Decimal

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


class TieAcrossBoundary(Exception):
    def __init__(self, keys: list[Hashable], tier: str):
        super().__init__(keys, tier)
        self.keys = keys
        self.tier = tier


class TooManyAwards(Exception):
    pass


def allocate(
    ranking: Sequence[Ranked],
    tiers: Sequence[tuple[str, int]],
    minimums: dict[str, Decimal] | None = None,
) -> list[Slot]:
    """Hand the tiers down the ranking in the order given. A program below a tier's minimum
    score leaves that place vacant and is considered for the next tier. Raises
    TieAcrossBoundary when equal ranks straddle the end of a tier, TooManyAwards when more
    places are asked for than there are ranked programs."""
    minimums = minimums or {}
    ranked = [r for r in ranking if r.rank is not None]
    ranked.sort(key=lambda r: r.rank)
    if sum(count for _, count in tiers) > len(ranked):
        raise TooManyAwards()
    slots: list[Slot] = []
    position = 0
    for tier, count in tiers:
        minimum = minimums.get(tier)
        given = 0
        for _ in range(count):
            if position >= len(ranked):
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
