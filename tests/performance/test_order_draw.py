"""The draw of a running order, pure: a permutation, repeatable from the seed, categories kept
together in the festival's order, and the snippet on the order page gives the same order."""

from hypothesis import given
from hypothesis import strategies as st

from festival.performance.order import REPEAT_SNIPPET, draw_order

ids_strategy = st.lists(st.integers(min_value=1, max_value=10**6), unique=True, max_size=40)


def snippet_draw():
    namespace: dict = {}
    exec(REPEAT_SNIPPET, namespace)  # the code the page shows, run as a reader would
    return namespace["draw"]


@given(seed=st.text(max_size=20), ids=ids_strategy)
def test_a_draw_is_a_permutation_repeated_by_the_same_seed_and_by_the_snippet(seed, ids):
    order = draw_order(seed, ids)
    assert sorted(order) == sorted(ids)
    assert draw_order(seed, list(reversed(ids))) == order  # the entries' order does not matter
    assert snippet_draw()(seed, ids) == order


@given(seed=st.text(max_size=20), groups=st.lists(ids_strategy, max_size=5))
def test_by_category_keeps_each_category_together_in_the_festivals_order(seed, groups):
    seen: set[int] = set()
    categories = []
    for group in groups:
        kept = [i for i in group if i not in seen]
        seen.update(kept)
        categories.append(kept)
    order = draw_order(seed, [], categories)
    start = 0
    for group in categories:
        assert sorted(order[start : start + len(group)]) == sorted(group)
        start += len(group)
    assert start == len(order)
    assert snippet_draw()(seed, [], categories) == order


def test_another_seed_gives_another_order():
    ids = list(range(1, 13))
    assert draw_order("a1b2", ids) == draw_order("a1b2", ids)
    assert draw_order("a1b2", ids) != draw_order("a1b3", ids)
