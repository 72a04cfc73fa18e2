"""Recurrence rules cost bounded work whatever their text (pure tests).

dateutil's iterator scans forward, day by day, until it finds the next session: for a rule
whose sessions are decades apart, or that never has another one, that is every day up to the
year 9999, seconds of CPU for one request. The expander examines each day of the series'
horizon at most once; these tests count the days it examines instead of timing it.
"""

from datetime import UTC, date, datetime, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr

from festival.schedules import recurrence, recurrence_rules
from festival.schedules.recurrence_rules import RuleError

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOSTILE = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=1000"  # a Monday 29 February
MONDAY = datetime(2027, 1, 4, 9, tzinfo=SHANGHAI)
LEAP_MONDAY = datetime(2044, 2, 29, 9, tzinfo=SHANGHAI)  # the next one is in 2072


@pytest.fixture
def examined(monkeypatch):
    """How many days the expander has examined so far."""
    days = []
    matches = recurrence._Pattern.matches

    def counting(self, day):
        days.append(day)
        return matches(self, day)

    monkeypatch.setattr(recurrence._Pattern, "matches", counting)
    return days


def refusal_of(text: str, start: datetime) -> str:
    with pytest.raises(RuleError) as caught:
        recurrence_rules.normalize_rule(text, start)
    return str(caught.value.message)


def test_a_rule_whose_sessions_are_decades_apart_is_refused_within_the_horizon(app, examined):
    assert "first session must itself fall on the repeat" in refusal_of(HOSTILE, MONDAY)
    assert len(examined) <= recurrence.MAX_SERIES_DAYS + 1


def test_such_a_rule_starting_on_its_rare_day_is_refused_as_longer_than_ten_years(app, examined):
    assert "at most 10 years" in refusal_of(HOSTILE, LEAP_MONDAY)
    assert len(examined) <= recurrence.MAX_SERIES_DAYS + 1


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=WEEKLY;BYDAY=SA;COUNT=1000",  # 19 years of Saturdays
        "FREQ=YEARLY;COUNT=12",
        "FREQ=WEEKLY;BYDAY=SA;UNTIL=20400101",
        "FREQ=DAILY;UNTIL=99991231",
        "FREQ=DAILY;UNTIL=99991231T235959Z",
    ],
)
def test_a_series_of_more_than_ten_years_is_refused(app, text):
    assert "at most 10 years" in refusal_of(text, datetime(2027, 5, 1, 9, tzinfo=SHANGHAI))


def test_a_series_may_not_run_past_the_last_date_the_application_holds(app):
    start = datetime(2100, 6, 5, 9, tzinfo=SHANGHAI)  # a Saturday
    assert recurrence.series_horizon(start) == date(2100, 12, 31)
    assert "ends by 2100-12-31" in refusal_of("FREQ=WEEKLY;BYDAY=SA;COUNT=40", start)
    assert recurrence_rules.normalize_rule("FREQ=WEEKLY;BYDAY=SA;UNTIL=21001231", start)


def test_an_until_far_before_the_start_is_refused_without_overflowing(app):
    assert "ends before the first session" in refusal_of(
        "FREQ=DAILY;UNTIL=00010101T000000", datetime(2027, 5, 1, 9, tzinfo=SHANGHAI)
    )


def test_a_stored_rule_is_expanded_day_by_day_up_to_its_horizon_only(examined):
    rule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;UNTIL=20991231T000000Z"
    assert list(recurrence.occurrence_starts(LEAP_MONDAY, rule)) == [LEAP_MONDAY]
    assert len(examined) <= recurrence.MAX_SERIES_DAYS + 1
    examined.clear()
    assert recurrence.last_start(LEAP_MONDAY, rule) == LEAP_MONDAY
    assert len(examined) <= recurrence.MAX_SERIES_DAYS + 1


def test_a_window_of_a_series_examines_the_days_of_the_window_only(examined):
    start = datetime(2027, 5, 1, 9, tzinfo=SHANGHAI)
    rule = "FREQ=DAILY;UNTIL=20361231T155959Z"  # stored before series had 1000 sessions at most
    june_2036 = (datetime(2036, 6, 1, tzinfo=SHANGHAI), datetime(2036, 7, 1, tzinfo=SHANGHAI))
    found = list(recurrence.occurrence_starts(start, rule, after=june_2036[0], before=june_2036[1]))
    assert len(found) == 30
    assert len(examined) <= 32


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1999, 12, 31), date(2101, 1, 1), date(9999, 12, 31)]
)
def test_start_on_a_day_out_of_range_is_none_without_looking(examined, day):
    assert recurrence.start_on(MONDAY, "FREQ=DAILY;COUNT=10", day) is None
    assert examined == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("FREQ=DAILY;COUNT=30", datetime(2027, 5, 1, 6, 30, tzinfo=SHANGHAI)),
        ("FREQ=DAILY;INTERVAL=3;BYDAY=MO,WE,FR;COUNT=20", datetime(2027, 5, 3, 9, tzinfo=SHANGHAI)),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;UNTIL=20271231T155959Z",
            datetime(2027, 5, 1, 9, tzinfo=SHANGHAI),
        ),
        (
            "FREQ=WEEKLY;BYDAY=SU,SA;WKST=SU;INTERVAL=2;COUNT=12",
            datetime(2027, 5, 1, 9, tzinfo=SHANGHAI),
        ),
        ("FREQ=WEEKLY;BYDAY=SA;COUNT=6", datetime(2027, 3, 20, 9, tzinfo=BERLIN)),  # summer time
        ("FREQ=MONTHLY;BYDAY=2SA;COUNT=12", datetime(2027, 5, 8, 9, tzinfo=SHANGHAI)),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=12", datetime(2027, 5, 28, 9, tzinfo=SHANGHAI)),
        ("FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=14", datetime(2027, 5, 31, 9, tzinfo=SHANGHAI)),
        ("FREQ=MONTHLY;BYMONTHDAY=31;COUNT=10", datetime(2027, 5, 31, 9, tzinfo=SHANGHAI)),
        ("FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR;COUNT=5", datetime(2027, 8, 13, 9, tzinfo=SHANGHAI)),
        (
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO,3MO;COUNT=10",
            datetime(2027, 5, 3, 9, tzinfo=SHANGHAI),
        ),
        ("FREQ=YEARLY;COUNT=5", datetime(2027, 10, 1, 9, tzinfo=SHANGHAI)),
        (
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20370101",
            datetime(2028, 2, 29, 9, tzinfo=SHANGHAI),
        ),
        ("FREQ=YEARLY;BYDAY=20MO;COUNT=5", datetime(2027, 5, 17, 9, tzinfo=SHANGHAI)),
        ("FREQ=YEARLY;BYMONTH=5,10;BYDAY=-1SU;COUNT=8", datetime(2027, 5, 30, 9, tzinfo=SHANGHAI)),
        (
            "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1,-1;UNTIL=20301231",
            datetime(2028, 1, 1, 9, tzinfo=SHANGHAI),
        ),
    ],
)
def test_the_bounded_expander_gives_the_sessions_dateutil_gives(examined, text, start):
    rule = recurrence_rules.normalize_rule(text, start)
    assert len(examined) <= recurrence.MAX_SERIES_DAYS + 1
    expected = list(islice(rrulestr(rule, dtstart=start), 200))
    assert list(recurrence.occurrence_starts(start, rule)) == expected
    middle = expected[len(expected) // 2]
    window = (middle - timedelta(days=20), middle + timedelta(days=20))
    assert list(recurrence.occurrence_starts(start, rule, after=window[0], before=window[1])) == [
        moment for moment in expected if window[0] <= moment < window[1]
    ]
    assert recurrence.last_start(start, rule) == expected[-1]
    assert recurrence.start_on(start, rule, middle.date()) == middle
    assert all(moment.tzinfo is start.tzinfo for moment in expected)
    assert expected[0].astimezone(UTC) == start.astimezone(UTC)
