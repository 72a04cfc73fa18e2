"""Award allocation by category and by share (issue 18): each category's ranking its own
tiers, a tier as a share of the ranked programs (rounded down, exactly), places below a
minimum score vacant, a tie at a boundary in any category refused, awards carrying their
category. Hypothesis checks the allocation against a reference written here from API.md."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from festival.audit.models import AuditEntry
from festival.awards import allocation, services
from festival.awards.models import Award
from festival.awards.queries import festival_awards
from festival.core.errors import TieAtBoundary, ValidationFailed
from tests import factories
from tests.checks import row_count as count

NOW = factories.NOW


class World:
    """A festival with the categories 舞蹈 and 歌舞 and a closed round ranked by category;
    ``marks`` maps each category to its programs' marks (one judge, out of 100)."""

    def __init__(self, session, marks: dict[str, list], office: str = "城区文化馆"):
        self.session = session
        self.office = factories.make_organization(session, name=office)
        self.festival = factories.make_festival(session, organization=self.office)
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        categories = {c.name: c for c in self.festival.categories}
        self.programs = {
            name: [
                factories.make_program(
                    session, festival=self.festival, category=categories[name], title=f"{name}{i}"
                )
                for i in range(1, len(values) + 1)
            ]
            for name, values in marks.items()
        }
        self.category = {name: categories[name].id for name in marks}
        self.round = factories.make_closed_round(
            session,
            festival=self.festival,
            organizer=self.organizer,
            marks={
                program: mark
                for name, values in marks.items()
                for program, mark in zip(self.programs[name], values, strict=True)
            },
            ranking="by_category",
        )
        session.flush()

    def preview(self, tiers, **kwargs):
        return services.preview_allocation(
            self.session, festival=self.festival, round_id=self.round.id, tiers=tiers, **kwargs
        )

    def allocate(self, tiers, **kwargs):
        return services.allocate_awards(
            self.session,
            festival=self.festival,
            round_id=self.round.id,
            tiers=tiers,
            actor=self.organizer,
            now=NOW,
            **kwargs,
        )


def given_(slots):
    return [(s.tier, s.key) for s in slots]


def test_each_category_gets_its_own_tiers_and_the_awards_carry_it(session):
    world = World(session, {"舞蹈": ["90", "80", "70"], "歌舞": ["60", "95"]})
    dance, song = world.programs["舞蹈"], world.programs["歌舞"]
    awards = world.allocate([("first", 1), ("second", 1)], by_category=True)
    assert [(a.tier.value, a.program_id, a.category_id, a.rank) for a in awards] == [
        ("first", dance[0].id, world.category["舞蹈"], 1),
        ("second", dance[1].id, world.category["舞蹈"], 2),
        ("first", song[1].id, world.category["歌舞"], 1),
        ("second", song[0].id, world.category["歌舞"], 2),
    ]
    [entry] = session.query(AuditEntry).filter_by(action="allocate_awards").all()
    assert entry.changes["by_category"] is True


def test_a_share_counts_floor_of_the_ranked_programs_of_each_category(session):
    world = World(session, {"舞蹈": ["90", "80", "70", "60", "50"], "歌舞": ["88", "77"]})
    # 舞蹈: floor(0.4 × 5) = 2 first prizes; 歌舞: floor(0.4 × 2) = 0, so its first place
    # goes to nobody and its best program takes the second tier.
    slots = world.preview([("first", None, Decimal("0.4")), ("second", 1, None)], by_category=True)
    dance, song = world.programs["舞蹈"], world.programs["歌舞"]
    assert given_(slots) == [
        ("first", dance[0].id),
        ("first", dance[1].id),
        ("second", dance[2].id),
        ("second", song[0].id),
    ]


def test_a_share_overall_counts_every_ranked_program(session):
    world = World(session, {"舞蹈": ["90", "80", "70"], "歌舞": ["85", "75", "65", "55"]})
    # floor(0.3 × 7) = 2: exactly, though 0.3 × 7 is 2.1 in binary floating point too.
    slots = world.preview([("first", None, Decimal("0.3"))])
    assert given_(slots) == [
        ("first", world.programs["舞蹈"][0].id),
        ("first", world.programs["歌舞"][0].id),
    ]
    assert len(world.preview([("first", None, Decimal("0.2857142857142857142857142858"))])) == 2
    assert len(world.preview([("first", None, Decimal("0.2857142857"))])) == 1  # 1.9999…


def test_min_score_leaves_places_below_it_vacant_and_tier_minimums_still_count(session):
    world = World(session, {"舞蹈": ["95", "85", "75"], "歌舞": ["70"]})
    dance = world.programs["舞蹈"]
    slots = world.preview(
        [("first", 1), ("second", 1), ("third", 2)],
        by_category=True,
        min_score=Decimal(80),
        minimums={"first": Decimal(96)},
    )
    assert [(s.group, s.tier, s.key) for s in slots] == [
        (world.category["舞蹈"], "first", None),  # 95 is below first's own 96
        (world.category["舞蹈"], "second", dance[0].id),
        (world.category["舞蹈"], "third", dance[1].id),
        (world.category["舞蹈"], "third", None),  # 75 is below 80
        (world.category["歌舞"], "first", None),
        (world.category["歌舞"], "second", None),
        (world.category["歌舞"], "third", None),
        (world.category["歌舞"], "third", None),
    ]
    awards = world.allocate([("first", 1)], by_category=True, min_score=Decimal(80))
    assert [a.program_id for a in awards] == [dance[0].id]


def test_a_tie_at_a_boundary_in_one_category_refuses_everything(session):
    world = World(session, {"舞蹈": ["90", "80"], "歌舞": ["88", "88", "70"]})
    with pytest.raises(TieAtBoundary) as refused:
        world.allocate([("first", 1), ("second", 1)], by_category=True)
    song = world.programs["歌舞"]
    assert refused.value.fields["tiers"] == [str(song[0].id), str(song[1].id)]
    assert "《歌舞1》" in str(refused.value.message) and "《歌舞2》" in str(refused.value.message)
    assert count(session, Award) == 0


def test_a_tie_inside_a_tier_of_a_category_is_no_boundary(session):
    world = World(session, {"舞蹈": ["90", "80"], "歌舞": ["88", "88", "70"]})
    awards = world.allocate([("first", 2)], by_category=True)
    assert len(awards) == 4


def test_ranks_are_counted_within_the_category(session):
    world = World(session, {"舞蹈": ["60", "50"], "歌舞": ["99", "98", "97"]})
    awards = world.allocate([("first", 1)], by_category=True)
    assert [(a.program_id, a.rank) for a in awards] == [
        (world.programs["舞蹈"][0].id, 1),
        (world.programs["歌舞"][0].id, 1),
    ]


@pytest.mark.parametrize(
    "tiers",
    [
        [("first", 1, Decimal("0.5"))],  # both
        [("first", None, None)],  # neither
        [("second", 1, None), ("first", None, Decimal("1.5"))],  # a share above 1
    ],
)
def test_a_tier_gives_a_count_or_a_share_in_range_else_422_naming_it(session, tiers):
    world = World(session, {"舞蹈": ["90", "80"]})
    with pytest.raises(ValidationFailed) as refused:
        world.allocate(tiers, by_category=True)
    assert f"tiers.{len(tiers) - 1}" in refused.value.fields
    assert count(session, Award) == 0


def test_the_list_is_grouped_by_category_then_tier_with_organisation_awards_last(session):
    world = World(session, {"舞蹈": ["90", "80"], "歌舞": ["95", "85"]})
    world.allocate([("first", 1), ("second", 1)], by_category=True)
    services.create_award(
        session,
        festival=world.festival,
        tier="organization",
        organization_id=world.office.id,
        title="优秀组织奖",
        actor=world.organizer,
        now=NOW,
    )
    rows = festival_awards(session, world.festival.id)
    assert [(r.category_name, r.tier, r.program_title) for r in rows] == [
        ("舞蹈", "first", "舞蹈1"),
        ("舞蹈", "second", "舞蹈2"),
        ("歌舞", "first", "歌舞1"),
        ("歌舞", "second", "歌舞2"),
        (None, "organization", None),
    ]
    assert all(r.by_category for r in rows)


# Properties: the allocation against a reference written from API.md's wording.

TWO = Decimal("0.01")
scores_st = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=20, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal(10), Decimal(15)]),  # equal scores are frequent
)
groups_st = st.lists(st.lists(scores_st, min_size=0, max_size=8), min_size=1, max_size=4)
tier_st = st.tuples(
    st.one_of(st.integers(min_value=0, max_value=4), st.none()),
    st.decimals(min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False),
)
tiers_st = st.lists(tier_st, min_size=1, max_size=4)
min_st = st.one_of(st.none(), st.decimals(min_value=0, max_value=20, places=1))
FAST = settings(max_examples=200, deadline=None)


def reference(groups, tiers, min_score):
    """Per group: rank by score (equal to two places share the rank 1 + the number better);
    a tier's places are its count or floor(share × ranked); hand them down the ranking, a
    program below min_score leaves the place vacant, places past the last program are not
    given; equal ranks on both sides of a tier's last given place are a tie, and a tie in
    any group refuses all."""
    slots, tied = [], []
    for group, scores in groups:
        scored = [(key, s) for key, s in scores if s is not None]
        rank = {
            key: 1 + sum(1 for _, t in scored if t.quantize(TWO, ROUND_HALF_UP) > s)
            for key, s in scored
        }
        order = sorted(scored, key=lambda item: rank[item[0]])
        n = len(order)
        out, position, tie = [], 0, False
        for tier, number, share in tiers:
            places = number if number is not None else int(Fraction(share) * n)
            given = 0
            for _ in range(places):
                if position >= n:
                    break
                key, score = order[position]
                if min_score is not None and score < min_score:
                    out.append((group, tier, None))
                    continue
                out.append((group, tier, key))
                position += 1
                given += 1
            if given and position < n and rank[order[position][0]] == rank[order[position - 1][0]]:
                tied += [key for key, _ in order if rank[key] == rank[order[position][0]]]
                tie = True
                break
        if not tie:
            slots += out
    return ("tie", sorted(tied)) if tied else slots


def as_specs(raw, names=("first", "second", "third", "excellence")):
    return [
        (names[i], number, None if number is not None else share)
        for i, (number, share) in enumerate(raw)
    ]


@FAST
@given(groups=groups_st, raw_tiers=tiers_st, min_score=min_st)
def test_allocation_by_category_equals_the_reference(groups, raw_tiers, min_score):
    keyed = [
        (g, [(g * 100 + i, s) for i, s in enumerate(scores)]) for g, scores in enumerate(groups)
    ]
    tiers = as_specs(raw_tiers)
    expected = reference(keyed, tiers, min_score)
    entries = [(key, s, g) for g, scores in keyed for key, s in scores]
    floors = {tier: min_score for tier, _, _ in tiers} if min_score is not None else {}
    try:
        got = allocation.allocate_by_group(allocation.category_rankings(entries), tiers, floors)
    except allocation.TieAcrossBoundary as tie:
        assert expected == ("tie", sorted(tie.keys))
        return
    assert [(s.group, s.tier, s.key) for s in got] == expected


@FAST
@given(
    share=st.decimals(min_value=0, max_value=1, places=6, allow_nan=False, allow_infinity=False),
    ranked=st.integers(min_value=0, max_value=10_000),
)
def test_a_share_is_the_floor_of_share_times_ranked_exactly(share, ranked):
    assert allocation.share_count(share, ranked) == int(Fraction(share) * ranked)


@FAST
@given(scores=st.lists(scores_st, max_size=12))
def test_category_ranks_are_competition_ranks_within_the_group(scores):
    entries = [(i, s, i % 2) for i, s in enumerate(scores)]
    for group, ranking in allocation.category_rankings(entries):
        mine = [(r.key, r.score) for r in ranking]
        for r in ranking:
            if r.score is None:
                assert r.rank is None
            else:
                better = sum(1 for _, t in mine if t is not None and t > r.score)
                assert r.rank == 1 + better
            assert r.key % 2 == group
