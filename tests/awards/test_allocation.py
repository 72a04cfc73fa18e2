"""Handing prize tiers down a ranking (API.md "Allocate"), as a pure function: no database."""

from decimal import Decimal

import pytest

from festival.awards.allocation import Ranked, Slot, TieAcrossBoundary, TooManyAwards, allocate


def ranking(*scores: str | None) -> list[Ranked]:
    """Programs "p1", "p2", ... with these scores, ranked by competition ranking (1, 2, 2, 4)."""
    numbers = [Decimal(s) for s in scores if s is not None]
    return [
        Ranked(
            key=f"p{i}",
            score=None if s is None else Decimal(s),
            rank=None if s is None else 1 + sum(n > Decimal(s) for n in numbers),
        )
        for i, s in enumerate(scores, start=1)
    ]


def awarded(slots: list[Slot]) -> list[tuple[str, str | None]]:
    return [(slot.tier, slot.key) for slot in slots]


def test_allocate_hands_tiers_down_the_ranking_in_the_order_given():
    field = ranking("95.00", "90.00", "85.00", "80.00", "75.00", "70.00")
    slots = allocate(field, [("second", 1), ("third", 2), ("excellence", 3)])
    assert awarded(slots) == [
        ("second", "p1"),
        ("third", "p2"),
        ("third", "p3"),
        ("excellence", "p4"),
        ("excellence", "p5"),
        ("excellence", "p6"),
    ]
    assert [(slot.score, slot.rank) for slot in slots[:2]] == [
        (Decimal("95.00"), 1),
        (Decimal("90.00"), 2),
    ]


def test_allocate_follows_rank_not_the_order_of_the_input():
    field = list(reversed(ranking("95.00", "90.00", "85.00")))
    assert awarded(allocate(field, [("first", 1), ("second", 1)])) == [
        ("first", "p1"),
        ("second", "p2"),
    ]


def test_allocate_gives_the_first_places_and_leaves_the_rest_unawarded():
    field = ranking("95.00", "90.00", "85.00", "80.00")
    assert awarded(allocate(field, [("first", 1), ("second", 1)])) == [
        ("first", "p1"),
        ("second", "p2"),
    ]


def test_allocate_refuses_a_tie_across_the_end_of_a_tier_naming_every_tied_program():
    # p2, p3 and p4 share rank 2; one second place cannot split them.
    field = ranking("95.00", "90.00", "90.00", "90.00", "70.00")
    with pytest.raises(TieAcrossBoundary) as tie:
        allocate(field, [("first", 1), ("second", 1), ("third", 3)])
    assert sorted(tie.value.keys) == ["p2", "p3", "p4"]
    assert tie.value.tier == "second"


def test_allocate_refuses_a_tie_across_the_end_of_the_last_tier():
    field = ranking("95.00", "90.00", "90.00")
    with pytest.raises(TieAcrossBoundary) as tie:
        allocate(field, [("first", 1), ("second", 1)])
    assert sorted(tie.value.keys) == ["p2", "p3"]


def test_allocate_accepts_a_tie_inside_a_tier():
    field = ranking("95.00", "90.00", "90.00", "80.00")
    assert awarded(allocate(field, [("first", 1), ("second", 2), ("third", 1)])) == [
        ("first", "p1"),
        ("second", "p2"),
        ("second", "p3"),
        ("third", "p4"),
    ]


def test_a_minimum_score_leaves_the_place_vacant_and_the_program_goes_to_the_next_tier():
    field = ranking("88.00", "84.00", "79.00", "60.00")
    slots = allocate(
        field,
        [("first", 1), ("second", 2), ("third", 1)],
        minimums={"first": Decimal("90"), "second": Decimal("80")},
    )
    assert awarded(slots) == [("first", None), ("second", "p1"), ("second", "p2"), ("third", "p3")]
    assert slots[0] == Slot(tier="first", key=None)


def test_a_minimum_score_is_met_by_an_equal_score():
    field = ranking("90.00", "89.99")
    slots = allocate(field, [("first", 2)], minimums={"first": Decimal("90")})
    assert awarded(slots) == [("first", "p1"), ("first", None)]


def test_unranked_programs_are_never_awarded():
    field = ranking(None, "80.00", None, "70.00")
    assert awarded(allocate(field, [("first", 1), ("second", 1)])) == [
        ("first", "p2"),
        ("second", "p4"),
    ]


def test_more_places_than_ranked_programs_raise_too_many_awards():
    field = ranking("95.00", "90.00", None)
    with pytest.raises(TooManyAwards):
        allocate(field, [("first", 1), ("second", 2)])


def test_zero_counts_give_no_places():
    field = ranking("95.00", "90.00")
    assert allocate(field, [("first", 0), ("second", 0)]) == []
    assert awarded(allocate(field, [("first", 0), ("second", 1)])) == [("second", "p1")]


def test_an_empty_ranking_with_no_places_allocates_nothing():
    assert allocate([], []) == []
