"""Recurrence rules as pure functions: the form's choices as RRULE text, the checks that refuse
what cannot be stored, and the expansion of a series with its cancellations and changes.

No database; tests that render a refusal's message take the ``app`` fixture for its context.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from festival.schedules import recurrence, recurrence_rules
from festival.schedules.recurrence import Change, Series
from festival.schedules.recurrence_rules import Repeat, RuleError

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def local(year, month, day, hour=0, minute=0, zone=SHANGHAI) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


SATURDAY_9 = local(2027, 5, 1, 9)  # 2027-05-01 is a Saturday
SATURDAY_11 = local(2027, 5, 1, 11)


def refusal_of(text: str, start: datetime = SATURDAY_9) -> str:
    with pytest.raises(RuleError) as caught:
        recurrence_rules.normalize_rule(text, start)
    return str(caught.value.message)


# Building and normalising rules


def test_daily_rule_until_a_date_ends_at_the_end_of_that_local_day_in_utc():
    # 2027-10-31 23:59:59 in Shanghai (+08:00) is 15:59:59 UTC
    rule = recurrence_rules.normalize_rule("FREQ=DAILY;UNTIL=20271031", local(2027, 5, 1, 6, 30))
    assert rule == "FREQ=DAILY;UNTIL=20271031T155959Z"
    starts = list(recurrence.occurrence_starts(local(2027, 5, 1, 6, 30), rule))
    assert starts[-1] == local(2027, 10, 31, 6, 30)  # the last day itself is included
    assert len(starts) == 184  # May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 + Oct 31


def test_until_as_a_local_time_is_stored_in_utc():
    rule = recurrence_rules.normalize_rule("FREQ=DAILY;UNTIL=20270503T120000", local(2027, 5, 1, 9))
    assert rule == "FREQ=DAILY;UNTIL=20270503T040000Z"


def test_weekly_rule_is_stored_in_canonical_form():
    # lower case, an RRULE: prefix and INTERVAL=1 are accepted and normalised away
    text = "RRULE:byday=sa;interval=1;freq=weekly;until=20271030"
    assert recurrence_rules.normalize_rule(text, SATURDAY_9) == (
        "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030T155959Z"
    )


def test_weekly_rule_on_two_weekdays_gives_both_days_at_the_same_local_time():
    rule = recurrence_rules.normalize_rule("FREQ=WEEKLY;BYDAY=TU,SA;COUNT=4", SATURDAY_9)
    assert rule == "FREQ=WEEKLY;BYDAY=TU,SA;COUNT=4"
    assert list(recurrence.occurrence_starts(SATURDAY_9, rule)) == [
        local(2027, 5, 1, 9),
        local(2027, 5, 4, 9),
        local(2027, 5, 8, 9),
        local(2027, 5, 11, 9),
    ]


def test_rule_from_repeat_lists_weekdays_in_week_order_and_until_in_utc():
    repeat = Repeat(freq="weekly", interval=2, weekdays=("SA", "TU"), until=date(2027, 10, 30))
    assert recurrence_rules.rule_from_repeat(repeat, SHANGHAI) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SA;UNTIL=20271030T155959Z"
    )


def test_rule_from_repeat_with_a_number_of_sessions():
    assert recurrence_rules.rule_from_repeat(Repeat(freq="daily", count=10), SHANGHAI) == (
        "FREQ=DAILY;COUNT=10"
    )


@pytest.mark.parametrize(
    "repeat",
    [
        Repeat(freq="daily", until=date(2027, 10, 31)),
        Repeat(freq="daily", interval=3, count=12),
        Repeat(freq="weekly", weekdays=("TU", "SA"), until=date(2027, 10, 30)),
        Repeat(freq="weekly", interval=2, weekdays=("MO",), count=5),
    ],
)
def test_repeat_from_rule_gives_back_the_forms_choices(repeat):
    rule = recurrence_rules.rule_from_repeat(repeat, SHANGHAI)
    assert recurrence_rules.repeat_from_rule(rule, SHANGHAI) == repeat


def test_repeat_from_a_normalized_rule_reads_until_as_the_local_last_day():
    rule = recurrence_rules.normalize_rule("FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030", SATURDAY_9)
    assert recurrence_rules.repeat_from_rule(rule, SHANGHAI) == Repeat(
        freq="weekly", weekdays=("SA",), until=date(2027, 10, 30)
    )


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3",
        "FREQ=YEARLY;COUNT=3",
        "FREQ=WEEKLY;BYDAY=1SA;COUNT=3",
    ],
)
def test_repeat_from_rule_is_none_for_rules_the_form_cannot_show(rule):
    assert recurrence_rules.repeat_from_rule(rule, SHANGHAI) is None


# Refusals


def test_a_never_ending_rule_is_refused(app):
    assert "needs an end date or a number of sessions" in refusal_of("FREQ=WEEKLY;BYDAY=SA")


def test_count_and_until_together_are_refused(app):
    assert "not both" in refusal_of("FREQ=DAILY;COUNT=5;UNTIL=20271031")


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILLY;COUNT=3",
        "garbage",
        "FREQ=DAILY;COUNT=abc",
        "FREQ=WEEKLY;BYDAY=XX;COUNT=3",
        "FREQ=DAILY;COUNT=3;COUNT=4",
        "FREQ=DAILY;UNTIL=2027-10-31",
        ";;",
        "FREQ",
    ],
)
def test_invalid_rule_text_is_refused(app, text):
    assert refusal_of(text)


@pytest.mark.parametrize(
    "part", ["BYHOUR=9", "BYMINUTE=30", "BYSECOND=0", "BYSETPOS=1", "BYYEARDAY=1", "BYWEEKNO=1"]
)
def test_rules_that_could_give_several_sessions_a_day_are_refused(app, part):
    message = refusal_of(f"FREQ=DAILY;{part};COUNT=3")
    assert part.split("=")[0] in message
    assert "at most one session a day" in message


def test_a_start_that_is_not_on_a_chosen_weekday_is_refused(app):
    # 2027-05-01 is a Saturday, the rule repeats on Mondays
    assert "first session must itself fall on the repeat" in refusal_of(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3"
    )


def test_a_rule_that_ends_before_its_first_session_is_refused(app):
    assert "ends before the first session" in refusal_of("FREQ=DAILY;UNTIL=20270430")


@pytest.mark.parametrize(
    "text", ["FREQ=DAILY;COUNT=1001", "FREQ=DAILY;UNTIL=20300125"]
)  # 1001 days from 2027-05-01
def test_a_series_of_more_than_1000_sessions_is_refused(app, text):
    assert "1000" in refusal_of(text)


@pytest.mark.parametrize(
    "text", ["FREQ=DAILY;COUNT=1000", "FREQ=DAILY;UNTIL=20300124"]
)  # 2027-05-01 + 999 days
def test_a_series_of_exactly_1000_sessions_is_accepted(text):
    rule = recurrence_rules.normalize_rule(text, SATURDAY_9)
    assert len(list(recurrence.occurrence_starts(SATURDAY_9, rule))) == 1000


@pytest.mark.parametrize(
    "text",
    ["FREQ=WEEKLY;INTERVAL=0;COUNT=3", "FREQ=WEEKLY;INTERVAL=53;COUNT=3", "FREQ=DAILY;COUNT=0"],
)
def test_interval_and_count_out_of_range_are_refused(app, text):
    assert refusal_of(text)


# Occurrences


def test_a_weekly_series_keeps_its_local_time_across_a_daylight_saving_change():
    # Berlin moves to summer time on Sunday 2027-03-28: the 09:00 session stays at 09:00 local
    start = local(2027, 3, 20, 9, zone=BERLIN)
    rule = recurrence_rules.normalize_rule("FREQ=WEEKLY;BYDAY=SA;COUNT=3", start)
    starts = list(recurrence.occurrence_starts(start, rule))
    assert [moment.hour for moment in starts] == [9, 9, 9]
    assert [moment.astimezone(UTC).hour for moment in starts] == [8, 8, 7]


def test_start_on_finds_the_session_of_a_local_day_or_none():
    rule = "FREQ=WEEKLY;BYDAY=SA;COUNT=3"
    assert recurrence.start_on(SATURDAY_9, rule, date(2027, 5, 8)) == local(2027, 5, 8, 9)
    assert recurrence.start_on(SATURDAY_9, rule, date(2027, 5, 9)) is None
    assert recurrence.start_on(SATURDAY_9, rule, date(2027, 5, 22)) is None  # after COUNT
    assert recurrence.start_on(SATURDAY_9, None, date(2027, 5, 1)) == SATURDAY_9
    assert recurrence.start_on(SATURDAY_9, None, date(2027, 5, 8)) is None


def test_last_start_is_the_start_of_the_last_session():
    assert recurrence.last_start(SATURDAY_9, "FREQ=WEEKLY;BYDAY=SA;COUNT=3") == local(
        2027, 5, 15, 9
    )
    assert recurrence.last_start(SATURDAY_9, None) == SATURDAY_9


# Expansion


def weekly(**kwargs) -> Series:
    """Saturdays 09:00-11:00 from 2027-05-01, six sessions, at the culture hall."""
    values = {
        "event_id": 7,
        "starts_at": SATURDAY_9,
        "ends_at": SATURDAY_11,
        "rule": "FREQ=WEEKLY;BYDAY=SA;COUNT=6",
        "title": "训练",
        "location": "文化馆",
    }
    return Series(**(values | kwargs))


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


MAY = (local(2027, 5, 1), local(2027, 6, 1))


def starts(occurrences) -> list[datetime]:
    return [occurrence.starts_at for occurrence in occurrences]


def test_expand_gives_every_session_in_the_window_in_local_time():
    found = recurrence.expand(weekly(), *MAY)
    assert starts(found) == [local(2027, 5, day, 9) for day in (1, 8, 15, 22, 29)]
    assert all(o.ends_at - o.starts_at == timedelta(hours=2) for o in found)
    assert all(o.starts_at.tzinfo == SHANGHAI for o in found)
    assert found[0].original_start == datetime(2027, 5, 1, 1, tzinfo=UTC)
    assert not any(o.is_cancelled or o.is_changed for o in found)


def test_expand_leaves_out_a_cancelled_session():
    series = weekly(cancelled=frozenset({utc(local(2027, 5, 8, 9))}))
    assert starts(recurrence.expand(series, *MAY)) == [
        local(2027, 5, day, 9) for day in (1, 15, 22, 29)
    ]


def test_expand_with_cancelled_keeps_a_cancelled_session_marked():
    series = weekly(cancelled=frozenset({utc(local(2027, 5, 8, 9))}))
    found = recurrence.expand(series, *MAY, with_cancelled=True)
    assert [(o.starts_at.day, o.is_cancelled) for o in found] == [
        (1, False),
        (8, True),
        (15, False),
        (22, False),
        (29, False),
    ]


def test_expand_moves_a_changed_session_to_its_new_time_and_its_slot_is_gone():
    change = Change(
        utc(local(2027, 5, 15, 14)),
        utc(local(2027, 5, 15, 16)),
        title="汇报演出",
        location="体育馆",
    )
    series = weekly(changes={utc(local(2027, 5, 15, 9)): change})
    found = recurrence.expand(series, *MAY)
    assert starts(found) == [
        local(2027, 5, 1, 9),
        local(2027, 5, 8, 9),
        local(2027, 5, 15, 14),
        local(2027, 5, 22, 9),
        local(2027, 5, 29, 9),
    ]
    moved = found[2]
    assert moved.is_changed and moved.ends_at == local(2027, 5, 15, 16)
    assert moved.starts_at.tzinfo == SHANGHAI
    assert (moved.title, moved.location) == ("汇报演出", "体育馆")
    assert moved.original_start == utc(local(2027, 5, 15, 9))


def test_a_change_without_title_or_location_keeps_the_series_ones():
    change = Change(utc(local(2027, 5, 15, 10)), utc(local(2027, 5, 15, 12)))
    found = recurrence.expand(weekly(changes={utc(local(2027, 5, 15, 9)): change}), *MAY)
    assert (found[2].title, found[2].location) == ("训练", "文化馆")
    emptied = Change(utc(local(2027, 5, 15, 10)), utc(local(2027, 5, 15, 12)), location="")
    found = recurrence.expand(weekly(changes={utc(local(2027, 5, 15, 9)): emptied}), *MAY)
    assert found[2].location == ""


def test_a_cancelled_changed_session_is_left_out_unless_asked_for():
    original = utc(local(2027, 5, 15, 9))
    change = Change(utc(local(2027, 5, 15, 14)), utc(local(2027, 5, 15, 16)))
    series = weekly(changes={original: change}, cancelled=frozenset({original}))
    assert local(2027, 5, 15, 14) not in starts(recurrence.expand(series, *MAY))
    kept = recurrence.expand(series, *MAY, with_cancelled=True)
    assert [(o.starts_at, o.is_cancelled) for o in kept if o.is_changed] == [
        (local(2027, 5, 15, 14), True)
    ]


def test_a_session_overlapping_the_window_start_is_included():
    # the 09:00-11:00 session of May 8 overlaps a window opening at 10:00
    found = recurrence.expand(weekly(), local(2027, 5, 8, 10), local(2027, 5, 9))
    assert starts(found) == [local(2027, 5, 8, 9)]


def test_a_session_ending_at_the_window_start_or_starting_at_its_end_is_not_included():
    assert recurrence.expand(weekly(), local(2027, 5, 8, 11), local(2027, 5, 15, 9)) == []


def test_a_session_moved_into_the_window_from_outside_is_included():
    # the June 5 session is moved to May 20: a May window shows it, a June window does not
    change = Change(utc(local(2027, 5, 20, 19)), utc(local(2027, 5, 20, 21)))
    series = weekly(changes={utc(local(2027, 6, 5, 9)): change})
    found = recurrence.expand(series, local(2027, 5, 16), local(2027, 5, 23))
    assert starts(found) == [local(2027, 5, 20, 19), local(2027, 5, 22, 9)]
    june = recurrence.expand(series, local(2027, 6, 1), local(2027, 7, 1))
    assert starts(june) == []


def test_a_session_moved_out_of_the_window_is_not_shown_in_it():
    change = Change(utc(local(2027, 7, 3, 9)), utc(local(2027, 7, 3, 11)))
    series = weekly(changes={utc(local(2027, 5, 8, 9)): change})
    assert local(2027, 5, 8, 9) not in starts(recurrence.expand(series, *MAY))


def test_a_one_off_event_expands_to_itself_when_it_touches_the_window():
    single = weekly(rule=None)
    assert starts(recurrence.expand(single, *MAY)) == [SATURDAY_9]
    assert recurrence.expand(single, local(2027, 5, 2), local(2027, 5, 3)) == []
