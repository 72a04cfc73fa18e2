"""A round from set-up to close through the services: the numbers of a hand computation."""

from decimal import Decimal

import pytest

from festival.core.errors import RoundClosed, TieAtCutoff, ValidationFailed
from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.result_queries import round_results
from festival.programs.models import ProgramStatus
from tests import factories

NOW = factories.NOW


@pytest.fixture
def world(session):
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{i}") for i in range(4)
    ]
    judges = [factories.make_user(session, role="judge") for _ in range(5)]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        aggregation="trimmed_mean",
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": 1},
            {"name": "编排", "max_score": 40, "weight": "0.5"},
        ],
        advance_count=2,
        actor=organizer,
        now=NOW,
    )
    for judge in judges:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    return round_, programs, judges, organizer


def score_all(session, round_, program, judges, pairs):
    art, layout = round_.criteria
    for judge, (a, b) in zip(judges, pairs, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={str(art.id): a, layout.name: b},
            now=NOW,
        )


def test_trimmed_mean_matches_a_hand_computation(session, world):
    round_, programs, judges, _ = world
    # totals: 50+0.5*30=65, 55+0.5*40=75, 40+0.5*20=50, 58+0.5*36=76, 52+0.5*32=68
    score_all(
        session, round_, programs[0], judges, [(50, 30), (55, 40), (40, 20), (58, 36), (52, 32)]
    )
    results = round_results(session, round_)
    item = next(i for i in results.items if i.program_id == programs[0].id)
    # drop 76 and 50: (65 + 75 + 68) / 3 = 69.333… → 69.33
    assert item.score == Decimal("69.33")
    assert item.dropped_high == judges[3].id and item.dropped_low == judges[2].id
    assert item.spread == Decimal("26")
    assert not results.complete and results.missing == 15


def test_close_refuses_a_tie_at_the_cut_line_then_accepts_a_decision(session, world):
    round_, programs, judges, organizer = world
    same = [(50, 30)] * 5
    score_all(session, round_, programs[0], judges, [(60, 40)] * 5)
    score_all(session, round_, programs[1], judges, same)
    score_all(session, round_, programs[2], judges, same)
    score_all(session, round_, programs[3], judges, [(10, 10)] * 5)
    with pytest.raises(TieAtCutoff) as tie:
        services.close_round(
            session, round_=round_, advance_program_ids=None, actor=organizer, now=NOW
        )
    assert sorted(map(int, tie.value.fields["advance_program_ids"])) == sorted(
        [programs[1].id, programs[2].id]
    )
    advanced = services.close_round(
        session,
        round_=round_,
        advance_program_ids=[programs[0].id, programs[2].id],
        actor=organizer,
        now=NOW,
    )
    assert advanced == [programs[0].id, programs[2].id]
    assert programs[2].status is ProgramStatus.advanced
    assert programs[1].status is ProgramStatus.eliminated
    with pytest.raises(RoundClosed):
        score_all(session, round_, programs[3], judges, [(1, 1)] * 5)


def test_scores_out_of_range_or_missing_are_refused_and_nothing_stored(session, world):
    round_, programs, judges, _ = world
    art, layout = round_.criteria
    with pytest.raises(ValidationFailed) as refused:
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=programs[0].id,
            judge=judges[0],
            values={str(art.id): "61"},
            now=NOW,
        )
    assert set(refused.value.fields) == {str(art.id), str(layout.id)}
    assert round_results(session, round_).items[0].judge_count == 0
