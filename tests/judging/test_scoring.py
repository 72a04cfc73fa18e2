"""The scoring rules of API.md as pure functions: totals, aggregation, rounding, ranks, cut line.

No database: every number below is checked against a hand computation in a comment.
"""

from decimal import Decimal as D

import pytest

from festival.judging import scoring
from festival.judging.scoring import Cut

# Judge totals


def test_judge_total_is_the_sum_of_weight_times_score():
    # 1 × 50 + 0.5 × 30 + 2 × 7.25 = 50 + 15 + 14.5 = 79.5
    scores = {"art": D("50"), "layout": D("30"), "costume": D("7.25")}
    weights = {"art": D("1"), "layout": D("0.5"), "costume": D("2")}
    assert scoring.judge_total(scores, weights) == D("79.5")


def test_judge_total_is_exact_beyond_two_places():
    # 0.5 × 10.25 = 5.125, not rounded: rounding happens only on the aggregated score
    assert scoring.judge_total({1: D("10.25")}, {1: D("0.5")}) == D("5.125")


# Aggregation


def test_trimmed_mean_drops_one_highest_and_one_lowest_with_three_or_more_totals():
    totals = {1: D("65"), 2: D("75"), 3: D("50"), 4: D("76"), 5: D("68")}
    result = scoring.aggregate(totals, "trimmed_mean")
    # drop 76 (judge 4) and 50 (judge 3): (65 + 75 + 68) / 3 = 208 / 3 = 69.333… → 69.33
    assert result.score == D("69.33")
    assert (result.dropped_high, result.dropped_low) == (4, 3)
    assert result.spread == D("26")  # 76 − 50


def test_trimmed_mean_with_exactly_three_totals_keeps_the_middle_one():
    # 60, 70, 95 → keep 70
    assert scoring.aggregate({1: D("95"), 2: D("60"), 3: D("70")}, "trimmed_mean").score == D(
        "70.00"
    )


def test_trimmed_mean_drops_only_one_of_several_equal_highest_totals():
    totals = {1: D("80"), 2: D("80"), 3: D("70"), 4: D("60")}
    # drop one 80 and the 60: (80 + 70) / 2 = 75.00 (dropping both 80s would give 70.00)
    assert scoring.aggregate(totals, "trimmed_mean").score == D("75.00")


def test_trimmed_mean_drops_only_one_of_several_equal_lowest_totals():
    totals = {1: D("90"), 2: D("60"), 3: D("60"), 4: D("60")}
    # drop 90 and one 60: (60 + 60) / 2 = 60.00; when all are equal nothing changes either
    assert scoring.aggregate(totals, "trimmed_mean").score == D("60.00")
    same = {1: D("80"), 2: D("80"), 3: D("80")}
    assert scoring.aggregate(same, "trimmed_mean").score == D("80.00")


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ({1: D("70.5")}, D("70.50")),  # one total: itself
        ({1: D("70"), 2: D("81")}, D("75.50")),  # (70 + 81) / 2 = 75.5
    ],
)
def test_trimmed_mean_with_fewer_than_three_totals_is_the_plain_mean(totals, expected):
    result = scoring.aggregate(totals, "trimmed_mean")
    assert result.score == expected
    assert result.dropped_high is None and result.dropped_low is None


def test_mean_never_drops_a_total():
    totals = {1: D("50"), 2: D("60"), 3: D("100")}
    # mean: (50 + 60 + 100) / 3 = 70.00; trimmed_mean would keep 60 only
    result = scoring.aggregate(totals, "mean")
    assert result.score == D("70.00")
    assert result.dropped_high is None and result.dropped_low is None
    assert scoring.aggregate(totals, "trimmed_mean").score == D("60.00")


def test_aggregate_without_totals_has_no_score():
    assert scoring.aggregate({}, "trimmed_mean").score is None
    assert scoring.aggregate({}, "mean").score is None


def test_aggregate_refuses_an_unknown_method():
    with pytest.raises(ValueError):
        scoring.aggregate({1: D("1"), 2: D("2")}, "geometric_mean")


# Rounding: half up, two places, only at the end


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([D("69.33"), D("69.34")], D("69.34")),  # (69.33 + 69.34) / 2 = 69.335 → up
        ([D("69.32"), D("69.33")], D("69.33")),  # 69.325 → up (half-even would give 69.32)
        ([D("69.34"), D("69.35")], D("69.35")),  # 69.345 → up (half-even would give 69.34)
        ([D("69.33"), D("69.34"), D("69.3347")], D("69.33")),  # 208.0047 / 3 = 69.3349 → down
        ([D("0.125"), D("0.125")], D("0.13")),  # 0.125 → up
    ],
)
def test_the_score_is_rounded_half_up_to_two_places(totals, expected):
    result = scoring.aggregate(dict(enumerate(totals)), "mean")
    assert result.score == expected
    assert result.score.as_tuple().exponent == -2


def test_trimmed_mean_rounds_the_kept_average_half_up():
    totals = {1: D("10"), 2: D("69.33"), 3: D("69.34"), 4: D("100")}
    # drop 100 and 10: (69.33 + 69.34) / 2 = 69.335 → 69.34
    assert scoring.aggregate(totals, "trimmed_mean").score == D("69.34")


def test_two_places_rounds_half_up():
    assert scoring.two_places(D("2.675")) == D("2.68")
    assert scoring.two_places(D("2.665")) == D("2.67")
    assert scoring.two_places(D("2.66499")) == D("2.66")


# Ranks


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    ranks = scoring.competition_ranks(
        [("d", D("70")), ("b", D("80")), ("a", D("90")), ("c", D("80"))]
    )
    # 90 → 1; 80, 80 → 2, 2; 70 → 4
    assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_equality_for_ranking_is_judged_to_two_places():
    ranks = scoring.competition_ranks([("x", D("70.004")), ("y", D("70.001")), ("z", D("69.994"))])
    # 70.004 → 70.00 and 70.001 → 70.00 tie at 1; 69.994 → 69.99 is third
    assert ranks == {"x": 1, "y": 1, "z": 3}


def test_a_program_without_a_score_has_no_rank_and_does_not_move_the_others():
    ranks = scoring.competition_ranks([("a", None), ("b", D("60")), ("c", D("75"))])
    assert ranks == {"a": None, "c": 1, "b": 2}


# Cut line


def test_cut_line_without_a_tie_advances_the_best():
    cut = scoring.cut_line({"a": 1, "b": 2, "c": 3, "d": 4}, 2)
    assert cut == Cut(advancing=["a", "b"], tied=[], places_left=0)


def test_cut_line_with_a_tie_inside_the_line_advances_the_tied_programs():
    # ranks 1, 1, 3 with two places: both firsts advance, no decision needed
    cut = scoring.cut_line({"a": 1, "b": 1, "c": 3}, 2)
    assert cut == Cut(advancing=["a", "b"], tied=[], places_left=0)


def test_cut_line_with_a_tie_across_the_boundary_leaves_the_places_to_decide():
    cut = scoring.cut_line({"a": 1, "b": 2, "c": 2, "d": 4}, 2)
    # one place left for b or c
    assert cut.advancing == ["a"]
    assert sorted(cut.tied) == ["b", "c"]
    assert cut.places_left == 1


def test_cut_line_with_three_tied_for_two_places():
    cut = scoring.cut_line({"a": 1, "b": 2, "c": 2, "d": 2, "e": 5}, 3)
    # a is in; 2 of b, c, d
    assert cut.advancing == ["a"]
    assert sorted(cut.tied) == ["b", "c", "d"]
    assert cut.places_left == 2


def test_cut_line_with_more_places_than_programs_advances_every_ranked_program():
    cut = scoring.cut_line({"a": 1, "b": 2, "c": None}, 5)
    assert cut == Cut(advancing=["a", "b"])


def test_cut_line_with_no_places_advances_nobody():
    assert scoring.cut_line({"a": 1, "b": 2}, 0) == Cut(advancing=[])


# Deciding a tie

TIE = Cut(advancing=["a"], tied=["b", "c"], places_left=1)


def test_choose_advancing_accepts_the_programs_inside_plus_the_places_left():
    assert scoring.choose_advancing(TIE, ["c", "a"]) == ["a", "c"]
    assert scoring.choose_advancing(TIE, ["a", "b", "b"]) == ["a", "b"]  # repeats count once


def test_choose_advancing_refuses_to_leave_out_a_program_inside_the_line():
    with pytest.raises(ValueError) as error:
        scoring.choose_advancing(TIE, ["b"])
    assert error.value.args[0] == ("missing", ["a"])


def test_choose_advancing_refuses_a_program_outside_the_tie():
    with pytest.raises(ValueError) as error:
        scoring.choose_advancing(TIE, ["a", "d"])
    assert error.value.args[0] == ("outside", ["d"])


@pytest.mark.parametrize("chosen", [["a"], ["a", "b", "c"]])
def test_choose_advancing_refuses_the_wrong_number_of_tied_programs(chosen):
    with pytest.raises(ValueError) as error:
        scoring.choose_advancing(TIE, chosen)
    assert error.value.args[0] == ("count", 1)
