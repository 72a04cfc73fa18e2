"""Properties of the scoring rules over generated judge totals (Decimal, two places, 1–12 judges).

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
methods = st.sampled_from(["trimmed_mean", "mean"])
FAST = settings(max_examples=150, deadline=None)


def reference(values: list[Decimal], method: str) -> Decimal:
    """API.md: sort; with trimmed_mean and 3 or more, drop the ends; average; round half up."""
    ordered = sorted(values)
    if method == "trimmed_mean" and len(ordered) >= 3:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(TWO, rounding=ROUND_HALF_UP)


@FAST
@given(values=judge_totals, method=methods)
def test_aggregate_equals_the_reference_implementation(values, method):
    assert scoring.aggregate(dict(enumerate(values)), method).score == reference(values, method)


@FAST
@given(values=judge_totals, method=methods)
def test_the_score_lies_between_the_lowest_and_the_highest_total(values, method):
    score = scoring.aggregate(dict(enumerate(values)), method).score
    assert min(values) <= score <= max(values)
    assert score.as_tuple().exponent == -2


@FAST
@given(data=st.data(), values=judge_totals, method=methods)
def test_permuting_the_judges_does_not_change_the_score(data, values, method):
    shuffled = data.draw(st.permutations(values))
    judges = data.draw(st.permutations(range(100, 100 + len(values))))
    original = scoring.aggregate(dict(enumerate(values)), method)
    permuted = scoring.aggregate(dict(zip(judges, shuffled, strict=True)), method)
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
