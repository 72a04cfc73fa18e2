"""The other scoring rules through the services: a round created with ``trim`` n or the median,
the kept score of each entry, and the ranking's dropped and middle totals."""

from decimal import Decimal

import pytest

from festival.core.errors import ValidationFailed
from festival.judging import scores as judging_scores
from festival.judging import services
from festival.judging.models import Aggregation
from festival.judging.result_queries import round_results
from tests import factories

NOW = factories.NOW
CRITERIA = [{"name": "art", "max_score": 100, "weight": 1}]


def make_round(session, *, aggregation="trimmed_mean", trim=1, judges=5, programs=2):
    festival = factories.make_festival(session)
    admin = factories.make_user(session, role="admin")
    entries = [
        factories.make_program(session, festival=festival, title=f"Program {i}")
        for i in range(programs)
    ]
    panel = [factories.make_user(session, role="judge") for _ in range(judges)]
    round_ = services.create_round(
        session,
        festival=festival,
        name="First",
        aggregation=aggregation,
        trim=trim,
        criteria=CRITERIA,
        actor=admin,
        now=NOW,
    )
    for judge in panel:
        services.assign_judge(session, round_=round_, user_id=judge.id, actor=admin, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in entries], actor=admin, now=NOW
    )
    return round_, entries, panel


def score(session, round_, program, judges, values):
    for judge, value in zip(judges, values, strict=True):
        judging_scores.save_scores(
            session,
            round_=round_,
            program_id=program.id,
            judge=judge,
            values={"art": value},
            now=NOW,
        )


@pytest.mark.parametrize("trim", [0, -1, 21, "2", True])
def test_create_round_refuses_a_trim_outside_one_to_twenty(session, trim):
    with pytest.raises(ValidationFailed) as refused:
        make_round(session, trim=trim)
    assert set(refused.value.fields) == {"trim"}


def test_create_round_takes_the_median_and_keeps_trim(session):
    round_, _, _ = make_round(session, aggregation="median")
    assert round_.aggregation is Aggregation.median and round_.trim == 1
    trimmed, _, _ = make_round(session, trim=3)
    assert trimmed.trim == 3


def test_a_trim_of_two_keeps_the_middle_of_nine_and_marks_the_four_dropped(session):
    round_, (program, other), judges = make_round(session, trim=2, judges=9)
    score(session, round_, program, judges, [90, 60, 70, 80, 85, 75, 95, 50, 65])
    score(session, round_, other, judges, [70] * 9)
    session.commit()
    results = round_results(session, round_)
    first = next(item for item in results.items if item.program_id == program.id)
    assert first.score == Decimal("75.00") and first.rank == 1
    assert first.dropped_highs == (judges[6].id, judges[0].id)
    assert first.dropped_lows == (judges[7].id, judges[1].id)
    assert not first.fell_back


def test_a_trim_too_large_for_the_panel_gives_the_plain_mean(session):
    round_, (program, _), judges = make_round(session, trim=2, judges=4)
    score(session, round_, program, judges, [90, 60, 70, 81])
    session.commit()
    item = next(i for i in round_results(session, round_).items if i.program_id == program.id)
    assert item.score == Decimal("75.25") and item.fell_back
    assert item.dropped_highs == () and item.dropped_lows == ()


def test_the_median_round_keeps_the_median_and_marks_the_middle_totals(session):
    round_, (program, other), judges = make_round(session, aggregation="median", judges=4)
    score(session, round_, program, judges, [90, 60, 70, 81])
    score(session, round_, other, judges[:3], [10, 99, 20])  # one sheet still missing
    session.commit()
    items = {i.program_id: i for i in round_results(session, round_).items}
    assert items[program.id].score == Decimal("75.50")  # (70 + 81) / 2
    assert set(items[program.id].middle) == {judges[2].id, judges[3].id}
    assert items[other.id].score == Decimal("20.00")
    assert items[other.id].middle == (judges[2].id,)
