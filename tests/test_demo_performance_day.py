"""The demo's district screening was a performance day (issue 20): its second round's running
order drawn from a recorded seed and published, every troupe checked in, every judge's
score confirmed, and the stage left empty; the draw repeats from the seed."""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from festival.judging.models import Round, RoundEntry, RoundStage, ScoreConfirmation
from festival.performance.order import draw_order, order_event_uid, running_order
from festival.schedules.models import Event


def test_the_district_screening_carries_a_drawn_order_check_ins_and_confirmed_scores(app, session):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    [day] = session.execute(select(Round).where(Round.name == "复选")).scalars()
    assert day.draw_seed == "20260513" and day.order_published and not day.draw_by_category

    order = running_order(session, day.id)
    assert [row.position for row in order] == list(range(1, 9))
    assert all(row.checked_in for row in order)
    entries = session.execute(select(RoundEntry).where(RoundEntry.round_id == day.id)).scalars()
    program_ids = [entry.program_id for entry in entries]
    assert [row.program_id for row in order] == draw_order("20260513", program_ids)

    confirmed = session.execute(
        select(func.count())
        .select_from(ScoreConfirmation)
        .join(RoundEntry, ScoreConfirmation.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == day.id)
    ).scalar_one()
    assert confirmed == 8 * 5  # every judge, every program
    assert session.get(RoundStage, day.id).entry_id is None


def test_the_festivals_calendar_shows_the_performance_day_on_the_day_it_was_held(app, session):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    [day] = session.execute(select(Round).where(Round.name == "复选")).scalars()
    event = session.execute(select(Event).where(Event.uid == order_event_uid(day.id))).scalar_one()
    shanghai = ZoneInfo("Asia/Shanghai")
    confirmed_first = session.execute(
        select(func.min(ScoreConfirmation.confirmed_at))
        .join(RoundEntry, ScoreConfirmation.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == day.id)
    ).scalar_one()
    assert (
        event.starts_at.astimezone(shanghai).date() == confirmed_first.astimezone(shanghai).date()
    )
    assert event.starts_at.astimezone(shanghai).replace(tzinfo=None) == datetime(2026, 5, 14, 9, 0)
    assert event.is_public and event.location == "通州区文化馆剧场"
