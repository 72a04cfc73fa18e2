"""Working days of the mainland calendar and the end of a notice period counted in them
(pure), and the admin-set days read for it in one query (service)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from festival.notice.models import CalendarDay
from festival.notice.working_days import (
    is_working_day,
    notice_end,
    notice_last_day,
    notice_period,
    notice_period_for,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(UTC)


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI).astimezone(UTC)


def test_national_day_2025_with_its_make_up_saturday_ends_on_october_14():
    # 10-1..10-8 off; Saturday 10-11 is a make-up working day (调休); the 30th does not count.
    ends = notice_end(at(date(2025, 9, 30)), 5, "Asia/Shanghai", {})
    assert ends == end_of(date(2025, 10, 14))
    assert ends == datetime(2025, 10, 14, 16, 0, tzinfo=UTC)


def test_the_day_of_publication_does_not_count_even_just_after_midnight():
    assert notice_end(at(date(2025, 9, 30), 0), 1, "Asia/Shanghai", {}) == end_of(date(2025, 10, 9))
    # late in the evening by Beijing time is still the 30th there
    assert notice_end(at(date(2025, 9, 30), 23), 1, "Asia/Shanghai", {}) == end_of(
        date(2025, 10, 9)
    )


def test_published_on_a_public_holiday_counts_from_the_first_working_day_after_it():
    assert notice_end(at(date(2025, 10, 3)), 2, "Asia/Shanghai", {}) == end_of(date(2025, 10, 10))


def test_an_admin_set_day_wins_over_the_library():
    # Make Thursday 10-9 a day off: the five days run to the 15th.
    assert notice_end(
        at(date(2025, 9, 30)), 5, "Asia/Shanghai", {date(2025, 10, 9): False}
    ) == end_of(date(2025, 10, 15))


def test_in_2027_admin_days_count_and_the_rest_is_assumed_monday_to_friday():
    overrides = {date(2027, 2, 6): True, date(2027, 2, 8): False}  # a make-up Saturday, a holiday
    period = notice_period(at(date(2027, 2, 5)), 2, "Asia/Shanghai", overrides)
    assert period.last_day == date(2027, 2, 9)
    assert period.ends_at == end_of(date(2027, 2, 9))
    assert period.assumed == [date(2027, 2, 7), date(2027, 2, 9)]  # never the admin's days
    assert is_working_day(date(2027, 2, 6), overrides) is True
    assert is_working_day(date(2027, 2, 8), overrides) is False
    assert is_working_day(date(2027, 2, 13), overrides) is False  # a Saturday by weekday


def test_a_known_year_assumes_nothing_and_zero_days_ends_at_the_end_of_the_day():
    period = notice_period(at(date(2025, 9, 30)), 0, "Asia/Shanghai", {})
    assert period.assumed == [] and period.ends_at == end_of(date(2025, 9, 30))


def test_the_period_ends_at_midnight_of_the_festivals_own_zone():
    ends = notice_end(at(date(2025, 9, 30)), 5, "Europe/London", {})
    # 10:00 in Beijing is 03:00 in London, still the 30th: the same five working days.
    assert ends == datetime(2025, 10, 14, 23, 0, tzinfo=UTC)  # 24:00 BST


@settings(max_examples=200, deadline=None)
@given(
    published=st.datetimes(min_value=datetime(2004, 1, 2), max_value=datetime(2027, 10, 1)),
    working_days=st.integers(min_value=1, max_value=30),
    overrides=st.dictionaries(
        st.dates(min_value=date(2026, 11, 1), max_value=date(2027, 12, 31)), st.booleans()
    ),
)
def test_the_end_is_24_00_of_a_working_day_with_exactly_n_working_days_after_publication(
    published, working_days, overrides
):
    published = published.replace(tzinfo=SHANGHAI)
    ends = notice_end(published, working_days, "Asia/Shanghai", overrides)
    local = ends.astimezone(SHANGHAI)
    assert local.time() == time(0) and ends.tzinfo is not None
    last = notice_last_day(ends, "Asia/Shanghai")
    assert last == local.date() - timedelta(days=1)
    assert is_working_day(last, overrides)
    start = published.date()
    between = [start + timedelta(days=i) for i in range(1, (last - start).days + 1)]
    assert sum(is_working_day(day, overrides) for day in between) == working_days


def test_the_admin_days_are_read_in_one_query(session, count_queries):
    session.add_all(
        [
            CalendarDay(day=date(2027, 2, 6), working=True, created_at=at(date(2026, 12, 1))),
            CalendarDay(day=date(2027, 2, 8), working=False, created_at=at(date(2026, 12, 1))),
        ]
    )
    session.commit()
    with count_queries() as queries:
        period = notice_period_for(session, at(date(2027, 2, 5)), 2, "Asia/Shanghai")
    assert len(queries) == 1
    assert period.last_day == date(2027, 2, 9)
