"""Live scoring with a session: confirming (complete scores only, once), reopening with a
reason, a confirmed score locked against saves, and the live state that hides the totals until
every judge without a conflict has confirmed."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.errors import ScoreLocked, ValidationFailed
from festival.judging.models import ScoreConfirmation
from festival.performance import live
from tests.checks import row_count
from tests.performance.live_world import NOW, LiveWorld

MARKS = [("50", "30"), ("55", "35.5"), ("40", "20"), ("58", "39"), ("45.25", "33")]


@pytest.fixture
def world(session):
    return LiveWorld(session)


def confirm_all(world, marks=MARKS, program=None):
    program = program or world.programs[0]
    for judge, (art, stage) in zip(world.judges, marks, strict=False):
        world.save(judge, art, stage, program)
        live.confirm(world.session, world.round, program.id, judge, NOW)
        world.session.commit()


def test_confirming_an_incomplete_score_is_refused_naming_what_is_missing(session, world):
    with pytest.raises(ValidationFailed) as refused:
        live.confirm(session, world.round, world.programs[0].id, world.judges[0], NOW)
    assert "艺术表现" in str(refused.value.message) and "舞台效果" in str(refused.value.message)
    assert len(refused.value.fields) == 2
    session.rollback()
    assert row_count(session, ScoreConfirmation) == 0


def test_confirming_twice_changes_nothing_and_is_audited_once(session, world):
    judge = world.judges[0]
    world.save(judge, "50", "30")
    first = live.confirm(session, world.round, world.programs[0].id, judge, NOW)
    session.commit()
    again = live.confirm(session, world.round, world.programs[0].id, judge, NOW)
    session.commit()
    assert (first.entry_id, first.judge_id) == (again.entry_id, again.judge_id)
    assert row_count(session, ScoreConfirmation) == 1
    assert row_count(session, AuditEntry, AuditEntry.action == "confirm_score") == 1


def test_a_confirmed_score_cannot_be_saved_again_until_reopened(session, world):
    judge = world.judges[0]
    world.save(judge, "50", "30")
    live.confirm(session, world.round, world.programs[0].id, judge, NOW)
    session.commit()
    with pytest.raises(ScoreLocked):
        world.save(judge, "51", "30")
    session.rollback()
    with pytest.raises(ValidationFailed):
        live.reopen(
            session,
            world.round,
            world.programs[0].id,
            judge.id,
            "  ",
            actor=world.organizer,
            now=NOW,
        )
    session.rollback()
    live.reopen(
        session,
        world.round,
        world.programs[0].id,
        judge.id,
        "评委手误",
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    world.save(judge, "51", "30")
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "reopen_score")
    ).scalar_one()
    assert entry.changes["reason"] == "评委手误" and entry.changes["judge_id"] == judge.id


def test_the_live_state_hides_totals_until_every_judge_confirmed(session, world):
    confirm_all(world, MARKS[:4])
    state = live.live_state(session, world.round).as_json()
    assert state["on_stage"] == {
        "program_id": world.programs[0].id,
        "title": "黄河0",
        "troupe_name": "夕阳红艺术团",
        "position": 3,
    }
    assert (state["confirmed"], state["judges"]) == (4, 5)
    assert "totals" not in state and "score" not in state and "dropped" not in state


def test_the_score_is_the_rules_score_by_hand_with_the_highest_and_lowest_dropped(session, world):
    confirm_all(world)
    state = live.live_state(session, world.round).as_json()
    totals = [Decimal(a) + Decimal(s) for a, s in MARKS]  # 80, 90.5, 60, 97, 78.25
    assert state["totals"] == [
        {"judge": n, "total": f"{t:.2f}"} for n, t in enumerate(totals, start=1)
    ]
    assert state["dropped"] == [{"judge": 3, "total": "60.00"}, {"judge": 4, "total": "97.00"}]
    by_hand = ((Decimal("80") + Decimal("90.5") + Decimal("78.25")) / 3).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    assert state["score"] == str(by_hand) == "82.92"


def test_a_judge_with_a_conflict_is_not_waited_for(session, world):
    from festival.judging.scores import declare_conflict

    declare_conflict(
        session,
        round_=world.round,
        judge_id=world.judges[4].id,
        program_id=world.programs[0].id,
        actor=world.organizer,
        now=NOW,
    )
    session.commit()
    confirm_all(world, MARKS[:4])
    state = live.live_state(session, world.round).as_json()
    assert (state["confirmed"], state["judges"]) == (4, 4)
    assert state["score"] == "85.25"  # 80, 90.5, 60, 97: drop 97 and 60


def test_a_blind_round_hides_the_troupe_and_an_empty_stage_is_null(session, world):
    world.round.is_blind = True
    session.commit()
    assert live.live_state(session, world.round).as_json()["on_stage"]["troupe_name"] is None
    world.session.get(type(world.round), world.round.id)
    from festival.judging.models import RoundStage

    session.get(RoundStage, world.round.id).entry_id = None
    session.commit()
    assert live.live_state(session, world.round).as_json() == {
        "on_stage": None,
        "confirmed": 0,
        "judges": 0,
    }
