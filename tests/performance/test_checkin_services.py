"""Check-in and the stage through their services: idempotent check-in, undo, who may, an
open round only, the stage set and cleared, next and previous by the running order."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.errors import Conflict, Forbidden, NotFound, RoundClosed
from festival.judging.models import RoundStage, RoundStatus
from festival.performance import checkin, stage
from tests import factories
from tests.performance.day_world import NOW, entry, make_day


@pytest.fixture
def day(session, festival, organizer):
    return make_day(session, festival=festival, organizer=organizer, programs=4)


def actions(session) -> list[str]:
    session.expire_all()
    return list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_check_in_sets_the_time_once_and_a_second_check_in_keeps_the_first(session, day, organizer):
    round_, programs = day
    first = checkin.check_in(
        session, round_=round_, program_id=programs[0].id, actor=organizer, now=NOW
    )
    session.commit()
    again = checkin.check_in(
        session,
        round_=round_,
        program_id=programs[0].id,
        actor=organizer,
        now=NOW + timedelta(minutes=5),
    )
    session.commit()
    assert again.id == first.id
    assert entry(session, round_, programs[0]).checked_in_at == NOW
    assert actions(session).count("check_in") == 1


def test_undo_check_in_clears_the_tick_and_is_audited(session, day, organizer):
    round_, programs = day
    checkin.check_in(session, round_=round_, program_id=programs[1].id, actor=organizer, now=NOW)
    checkin.undo_check_in(
        session, round_=round_, program_id=programs[1].id, actor=organizer, now=NOW
    )
    session.commit()
    assert entry(session, round_, programs[1]).checked_in_at is None
    assert actions(session)[-2:] == ["check_in", "undo_check_in"]


def test_check_in_refuses_a_program_outside_the_round_another_organizer_and_a_closed_round(
    session, day, organizer, festival
):
    round_, programs = day
    outsider = factories.make_program(session, festival=festival)
    stranger = factories.make_user(session, role="organizer")
    session.commit()
    with pytest.raises(NotFound):
        checkin.check_in(session, round_=round_, program_id=outsider.id, actor=organizer, now=NOW)
    with pytest.raises(Forbidden):
        checkin.check_in(session, round_=round_, program_id=programs[0].id, actor=stranger, now=NOW)
    round_.status = RoundStatus.closed
    with pytest.raises(RoundClosed):
        checkin.check_in(
            session, round_=round_, program_id=programs[0].id, actor=organizer, now=NOW
        )


def test_order_lines_follow_the_running_position_then_the_entry(session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=3)
    lines = checkin.order_lines(session, round_.id)
    assert [line.program_id for line in lines] == [p.id for p in programs]
    assert [line.position for line in lines] == [1, 2, 3]
    entry(session, round_, programs[0]).running_position = None  # unplaced: last
    session.commit()
    lines = checkin.order_lines(session, round_.id)
    assert [line.program_id for line in lines] == [p.id for p in programs[1:] + programs[:1]]


def test_put_on_stage_sets_and_clears_the_stage_with_the_time(session, day, organizer):
    round_, programs = day
    stage.put_on_stage(session, round_=round_, program_id=programs[2].id, actor=organizer, now=NOW)
    session.commit()
    current = stage.on_stage(session, round_.id)
    assert (current.program_id, current.title, current.troupe_name, current.position) == (
        programs[2].id,
        "Dance 02",
        "Troupe 02",
        3,
    )
    assert not current.checked_in  # allowed; the page warns
    later = NOW + timedelta(minutes=1)
    stage.put_on_stage(session, round_=round_, program_id=None, actor=organizer, now=later)
    session.commit()
    assert stage.on_stage(session, round_.id) is None
    session.expire_all()
    row = session.get(RoundStage, round_.id)
    assert row.entry_id is None and row.changed_at == later
    assert actions(session).count("put_on_stage") == 2


def test_next_and_previous_follow_the_running_order(session, day, organizer):
    round_, programs = day
    seen = []
    for _ in programs:
        stage.next_on_stage(session, round_=round_, actor=organizer, now=NOW)
        seen.append(stage.on_stage(session, round_.id).program_id)
    assert seen == [p.id for p in programs]
    with pytest.raises(Conflict):
        stage.next_on_stage(session, round_=round_, actor=organizer, now=NOW)
    stage.previous_on_stage(session, round_=round_, actor=organizer, now=NOW)
    assert stage.on_stage(session, round_.id).program_id == programs[-2].id
    stage.put_on_stage(session, round_=round_, program_id=programs[0].id, actor=organizer, now=NOW)
    with pytest.raises(Conflict):
        stage.previous_on_stage(session, round_=round_, actor=organizer, now=NOW)


def test_the_stage_refuses_another_organizer(session, day):
    round_, programs = day
    stranger = factories.make_user(session, role="organizer")
    session.commit()
    with pytest.raises(Forbidden):
        stage.put_on_stage(
            session, round_=round_, program_id=programs[0].id, actor=stranger, now=NOW
        )
