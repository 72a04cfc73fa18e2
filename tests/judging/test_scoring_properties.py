"""Properties of the scoring rules over generated judge totals (Decimal, two places, 1–12 judges;
trimmed means dropping 1 to 6 totals at each end, medians, plain means).

Compared against a plain reference implementation written here from API.md's wording.
"""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from festival.judging import scoring

TWO = Decimal("0.01")
totals_st = st.decimals(
    min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False
)
judge_totals = st.lists(totals_st, min_size=1, max_size=12)
methods = st.sampled_from(["trimmed_mean", "mean", "median"])
trims = st.integers(min_value=1, max_value=6)
FAST = settings(max_examples=150, deadline=None)


def reference(values: list[Decimal], method: str, trim: int = 1) -> Decimal:
    """API.md: sort; with trimmed_mean and at least 2·trim + 1 totals, drop trim at each end;
    the median is the middle value, or the mean of the two middle ones; average; round half
    up."""
    ordered = sorted(values)
    if method == "trimmed_mean" and len(ordered) >= 2 * trim + 1:
        ordered = ordered[trim : len(ordered) - trim]
    if method == "median":
        half = len(ordered) // 2
        ordered = ordered[half : half + 1] if len(ordered) % 2 else ordered[half - 1 : half + 1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(TWO, rounding=ROUND_HALF_UP)


@FAST
@given(values=judge_totals, method=methods, trim=trims)
def test_aggregate_equals_the_reference_implementation(values, method, trim):
    result = scoring.aggregate(dict(enumerate(values)), method, trim)
    assert result.score == reference(values, method, trim)


@FAST
@given(values=judge_totals, trim=trims)
def test_trimming_drops_exactly_trim_totals_at_each_end_by_value(values, trim):
    result = scoring.aggregate(dict(enumerate(values)), "trimmed_mean", trim)
    if len(values) < 2 * trim + 1:
        assert result.fell_back and not result.dropped_highs and not result.dropped_lows
        return
    ordered = sorted(values)
    assert not result.fell_back
    assert len(result.dropped_highs) == len(result.dropped_lows) == trim
    assert not set(result.dropped_highs) & set(result.dropped_lows)
    assert sorted(values[j] for j in result.dropped_highs) == ordered[-trim:]
    assert sorted(values[j] for j in result.dropped_lows) == ordered[:trim]


@FAST
@given(values=judge_totals)
def test_the_median_is_made_of_the_middle_totals(values):
    result = scoring.aggregate(dict(enumerate(values)), "median")
    ordered = sorted(values)
    assert len(result.middle) == (1 if len(values) % 2 else 2)
    middle = sorted(values[j] for j in result.middle)
    half = len(ordered) // 2
    assert middle == ordered[(len(ordered) - 1) // 2 : half + 1]
    assert not result.dropped_highs and not result.dropped_lows and not result.fell_back


@FAST
@given(values=judge_totals, method=methods, trim=trims)
def test_the_score_lies_between_the_lowest_and_the_highest_total(values, method, trim):
    score = scoring.aggregate(dict(enumerate(values)), method, trim).score
    assert min(values) <= score <= max(values)
    assert score.as_tuple().exponent == -2


@FAST
@given(data=st.data(), values=judge_totals, method=methods, trim=trims)
def test_permuting_the_judges_does_not_change_the_score(data, values, method, trim):
    shuffled = data.draw(st.permutations(values))
    judges = data.draw(st.permutations(range(100, 100 + len(values))))
    original = scoring.aggregate(dict(enumerate(values)), method, trim)
    permuted = scoring.aggregate(dict(zip(judges, shuffled, strict=True)), method, trim)
    assert permuted.score == original.score
    assert permuted.spread == original.spread


# Ranks: scores with three places, so that equality "to two places" is exercised.
scores_st = st.lists(
    st.one_of(
        st.none(),
        st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False),
    ),
    min_size=0,
    max_size=15,
)


def ranked(scores):
    ranks = scoring.competition_ranks(list(enumerate(scores)))
    return ranks, {
        key: s.quantize(TWO, rounding=ROUND_HALF_UP)
        for key, s in enumerate(scores)
        if s is not None
    }


@FAST
@given(scores=scores_st)
def test_ranks_follow_the_scores_and_equal_scores_share_a_rank(scores):
    ranks, rounded = ranked(scores)
    for key, score in enumerate(scores):
        if score is None:
            assert ranks[key] is None
    best_first = sorted(rounded, key=lambda key: rounded[key], reverse=True)
    positions = [ranks[key] for key in best_first]
    assert positions == sorted(positions)  # non-decreasing down the sorted list
    for a in rounded:
        # rank = 1 + the number of strictly better scores (compared to two places)
        assert ranks[a] == 1 + sum(1 for b in rounded if rounded[b] > rounded[a])
        for b in rounded:
            if rounded[a] == rounded[b]:
                assert ranks[a] == ranks[b]


@FAST
@given(scores=scores_st, data=st.data())
def test_the_cut_line_never_advances_too_many_nor_splits_equal_ranks(scores, data):
    ranks, _ = ranked(scores)
    count = data.draw(st.integers(min_value=0, max_value=len(scores) + 1))
    cut = scoring.cut_line(ranks, count)
    with_rank = {key for key, rank in ranks.items() if rank is not None}
    assert len(cut.advancing) <= count
    assert len(cut.advancing) + cut.places_left == min(count, len(with_rank))
    assert set(cut.advancing) <= with_rank and not set(cut.advancing) & set(cut.tied)
    for key in with_rank:
        for other in with_rank:
            if ranks[key] == ranks[other]:
                # a rank group is wholly inside, wholly tied, or wholly outside
                assert (key in cut.advancing) == (other in cut.advancing)
                assert (key in cut.tied) == (other in cut.tied)
    outside = with_rank - set(cut.advancing)
    assert all(ranks[a] < ranks[o] for a in cut.advancing for o in outside)
    if cut.tied:
        assert 0 < cut.places_left < len(cut.tied)
        assert len({ranks[key] for key in cut.tied}) == 1
