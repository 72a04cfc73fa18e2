"""The other scoring rules as pure functions: a trimmed mean dropping n totals at each end
(falling back to the plain mean with fewer than 2n + 1), and the median."""

from decimal import Decimal as D

import pytest

from festival.judging import scoring


def nine(*values):
    return {judge: D(value) for judge, value in enumerate(values, start=1)}


def test_trim_two_of_nine_judges_drops_two_at_each_end():
    totals = nine(90, 60, 70, 80, 85, 75, 95, 50, 65)
    result = scoring.aggregate(totals, "trimmed_mean", 2)
    # dropped 95, 90 and 50, 60; kept 65 70 75 80 85 → 75.00
    assert result.score == D("75.00")
    assert result.dropped_highs == (7, 1) and result.dropped_lows == (8, 2)
    assert (result.dropped_high, result.dropped_low) == (7, 8)
    assert result.spread == D("45") and not result.fell_back


def test_trim_drops_by_value_exactly_n_at_each_end_between_equal_totals():
    totals = {1: D("80"), 2: D("80"), 3: D("80"), 4: D("60"), 5: D("60"), 6: D("70")}
    result = scoring.aggregate(totals, "trimmed_mean", 2)
    assert sorted(totals[j] for j in result.dropped_highs) == [D("80"), D("80")]
    assert sorted(totals[j] for j in result.dropped_lows) == [D("60"), D("60")]
    assert result.score == D("75.00")  # 70 and 80 kept
    # deterministic: the same judges whatever the order the totals come in
    again = scoring.aggregate(dict(reversed(list(totals.items()))), "trimmed_mean", 2)
    assert (again.dropped_highs, again.dropped_lows) == (result.dropped_highs, result.dropped_lows)


def test_trim_too_large_for_the_totals_falls_back_to_the_plain_mean():
    totals = nine(90, 60, 70, 80)  # 4 totals: trim 2 needs 5
    result = scoring.aggregate(totals, "trimmed_mean", 2)
    assert result.score == D("75.00") and result.fell_back
    assert result.dropped_highs == () and result.dropped_lows == ()
    assert not scoring.aggregate(totals, "trimmed_mean", 1).fell_back


def test_trim_rounds_half_up():
    # kept 70.01 70.02 70.02 → 210.05 / 3 = 70.0166… → 70.02; and 70.005 → 70.01
    totals = nine("10", "70.01", "70.02", "70.02", "99")
    assert scoring.aggregate(totals, "trimmed_mean", 1).score == D("70.02")
    assert scoring.aggregate(nine("70.00", "70.01"), "median").score == D("70.01")


def test_median_of_an_odd_count_is_the_middle_total():
    result = scoring.aggregate(nine(90, 60, 70, 80, 85), "median")
    assert result.score == D("80.00") and result.middle == (4,)
    assert result.dropped_highs == () and result.spread == D("30")


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_totals():
    result = scoring.aggregate(nine(90, 60, "70.25", 80), "median")
    assert result.score == D("75.13")  # (70.25 + 80) / 2 = 75.125, half up
    assert set(result.middle) == {3, 4}


def test_median_works_in_ten_thousandths_as_the_results_page_uses_them():
    units = {1: 900_000, 2: 600_000, 3: 702_500}
    assert scoring.aggregate(units, "median").middle == (3,)
    assert scoring.aggregate(units, "trimmed_mean", 1).dropped_highs == (1,)


def test_aggregate_refuses_a_trim_below_one():
    with pytest.raises(ValueError):
        scoring.aggregate(nine(1, 2, 3), "trimmed_mean", 0)
