"""The bounds of dates and numbers (``festival.core.bounds``) and the services that refuse what
lies outside them: nothing is stored that a page, a report or a calendar feed cannot hold."""

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from festival.core import bounds
from festival.core.errors import ValidationFailed
from festival.festivals import services as festivals
from festival.schedules import attendance, occurrences
from festival.schedules import services as schedules
from festival.schedules.models import Event
from festival.schedules.tours import TourStop, parse_tour_lines
from festival.troupes.services import person_problems
from tests import factories
from tests.checks import row_count

ZONE = "Asia/Shanghai"
OUTSIDE_DAYS = [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]
MESSAGE = "Enter a date from 2000-01-01 to 2100-12-31."


pytestmark = pytest.mark.usefixtures("english_messages")


# The bounds themselves (pure)


@pytest.mark.parametrize("day", [date(2000, 1, 1), date(2026, 5, 1), date(2100, 12, 31)])
def test_event_dates_from_2000_to_2100_are_in_range(day):
    assert bounds.day_in_range(day)
    assert bounds.day_in_range(datetime.combine(day, time(23, 59)))


@pytest.mark.parametrize("day", OUTSIDE_DAYS)
def test_dates_before_2000_or_after_2100_are_out_of_range(day):
    assert not bounds.day_in_range(day)
    assert not bounds.day_in_range(datetime.combine(day, time(12), UTC))


def test_every_local_moment_in_range_lies_between_the_earliest_and_latest_moments():
    first = datetime.combine(bounds.EARLIEST_DAY, time(0), timezone(timedelta(hours=14)))
    last = datetime.combine(bounds.LATEST_DAY, time(23, 59), timezone(timedelta(hours=-12)))
    assert first >= bounds.EARLIEST_MOMENT
    assert last <= bounds.LATEST_MOMENT


@pytest.mark.parametrize(
    "value", ["1e12", "-1e12", "999999999999999999999", 10**30, Decimal("1E+999999999")]
)
def test_numbers_of_more_than_12_digits_are_out_of_range(value):
    assert bounds.out_of_range_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "87.5",
        "999999999999",
        60,
        Decimal("0.5"),
        "0E+1000",
        "1e-1000000000",
        "abc",
        "",
        None,
        True,
        "NaN",
        "Infinity",
    ],
)
def test_ordinary_numbers_and_things_that_are_not_numbers_are_not_out_of_range(value):
    # What is not a number at all is left to the checks that say so.
    assert not bounds.out_of_range_number(value)


def test_birth_dates_start_after_1900_and_end_today(app):
    today = date(2026, 3, 1)
    assert (
        person_problems(
            name="王秀英",
            birth_date=bounds.EARLIEST_BIRTH_DATE,
            gender=None,
            phone=None,
            today=today,
        )
        == {}
    )
    for day in (date(1, 1, 1), date(1900, 1, 1), today + timedelta(days=1), date(9999, 12, 31)):
        assert "birth_date" in person_problems(
            name="王秀英", birth_date=day, gender=None, phone=None, today=today
        )


# The services refuse what lies outside (service tests)


@pytest.fixture
def troupe(session):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    session.commit()
    return troupe


def details(start: datetime, end: datetime | None = None, **kwargs) -> schedules.EventDetails:
    return schedules.EventDetails(
        title="排练",
        kind="rehearsal",
        starts_at=start,
        ends_at=end or start + timedelta(hours=1),
        **kwargs,
    )


@pytest.mark.parametrize(
    "start",
    [
        datetime(1, 1, 1, 0, 0),  # naive: local time; in UTC it would be the year 0
        datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime(1999, 12, 31, 22, 0),
        datetime(2100, 12, 31, 23, 0),  # ends on 2101-01-01
        datetime(9999, 12, 31, 22, 0),  # in UTC+08:00 it is fine; a feed adding days is not
        datetime(9999, 12, 31, 20, 0, tzinfo=UTC),  # in Shanghai the year 10000
    ],
)
def test_create_event_refuses_times_outside_the_years_2000_to_2100(app, session, troupe, start):
    end = start + timedelta(hours=1) if start.year < 9999 else start.replace(minute=59)
    with pytest.raises(ValidationFailed) as refused:
        schedules.create_event(
            session,
            details=details(start, end),
            troupe=troupe,
            zone=ZONE,
            actor=troupe.leader,
            now=factories.NOW,
        )
    assert [str(m) for m in refused.value.fields["ends_at"]] == [MESSAGE]
    session.rollback()
    assert row_count(session, Event) == 0


def test_create_event_accepts_the_first_and_last_days_in_range(app, session, troupe):
    for start in (datetime(2000, 1, 1, 0, 0), datetime(2100, 12, 31, 22, 0)):
        event = schedules.create_event(
            session,
            details=details(start),
            troupe=troupe,
            zone=ZONE,
            actor=troupe.leader,
            now=factories.NOW,
        )
        assert event.starts_at.astimezone(UTC) == start.replace(tzinfo=UTC) - timedelta(hours=8)
    session.commit()


def test_a_moment_in_range_where_it_was_written_but_not_in_the_events_zone_is_refused(
    app, session, troupe
):
    # 2100-12-31 20:00 at UTC-12 is 2101-01-01 16:00 in Shanghai
    start = datetime.fromisoformat("2100-12-31T20:00:00-12:00")
    with pytest.raises(ValidationFailed) as refused:
        schedules.create_event(
            session,
            details=details(start),
            troupe=troupe,
            zone=ZONE,
            actor=troupe.leader,
            now=factories.NOW,
        )
    assert set(refused.value.fields) == {"starts_at", "ends_at"}


@pytest.fixture
def series(session, troupe):
    event = schedules.create_event(
        session,
        troupe=troupe,
        zone=ZONE,
        actor=troupe.leader,
        now=factories.NOW,
        details=details(datetime(2027, 5, 1, 9), rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4"),
    )
    session.commit()
    return event


@pytest.mark.parametrize("day", OUTSIDE_DAYS)
def test_cancelling_changing_restoring_or_taking_attendance_on_a_day_out_of_range_is_refused(
    app, session, series, day
):
    actor = series.troupe.leader
    calls = [
        lambda: occurrences.cancel_occurrences(
            session, event=series, days=[day], actor=actor, now=factories.NOW
        ),
        lambda: occurrences.change_occurrence(
            session, event=series, day=day, title="汇报", actor=actor, now=factories.NOW
        ),
        lambda: occurrences.restore_occurrence(
            session, event=series, day=day, actor=actor, now=factories.NOW
        ),
        lambda: attendance.record_attendance(
            session,
            event=series,
            day=day,
            present_ids=[],
            absent_ids=[],
            actor=actor,
            now=factories.NOW,
        ),
    ]
    for call in calls:
        with pytest.raises(ValidationFailed) as refused:
            call()
        assert "occurrence" in refused.value.fields
        session.rollback()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(9999, 12, 31, 22),
        datetime(1, 1, 1),
        datetime.fromisoformat("0001-01-01T00:00:00+14:00"),
    ],
)
def test_moving_a_session_out_of_range_is_refused(app, session, series, moment):
    with pytest.raises(ValidationFailed) as refused:
        occurrences.change_occurrence(
            session,
            event=series,
            day=date(2027, 5, 8),
            starts_at=moment,
            actor=series.troupe.leader,
            now=factories.NOW,
        )
    assert [str(m) for m in refused.value.fields["starts_at"]] == [MESSAGE]


def test_a_tour_line_out_of_range_is_named_and_the_day_after_the_last_day_too(app):
    stops, problems = parse_tour_lines(
        "9999-12-31 敬老院\n2100-12-31 文化馆\n体育馆\n0001-01-01 广场", None
    )
    assert stops == [TourStop(date(2100, 12, 31), "文化馆")]
    assert [str(p) for p in problems] == [
        f"Line 1: {MESSAGE}",
        f"Line 3: {MESSAGE}",
        f"Line 4: {MESSAGE}",
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_on", date(1, 1, 1)),
        ("ends_on", date(9999, 12, 31)),
        ("submission_deadline", datetime(1, 1, 1, 0, 0)),
        ("submission_deadline", datetime(9999, 12, 31, 23, 59)),
        ("submission_deadline", datetime.fromisoformat("9999-12-31T23:59:59-12:00")),
    ],
)
def test_create_festival_refuses_days_and_deadlines_outside_the_years_2000_to_2100(
    app, session, field, value
):
    office = factories.make_organization(session)
    values = {
        "starts_on": date(2026, 5, 1),
        "ends_on": date(2026, 5, 2),
        "submission_deadline": datetime(2026, 4, 20, 16, 0),
    } | {field: value}
    with pytest.raises(ValidationFailed) as refused:
        festivals.create_festival(
            session,
            name="汇演",
            level="district",
            organization_id=office.id,
            year=2026,
            actor=None,
            now=factories.NOW,
            **values,
        )
    assert [str(m) for m in refused.value.fields[field]] == [MESSAGE]
