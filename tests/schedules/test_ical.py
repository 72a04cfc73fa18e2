"""The iCalendar feed as bytes: what calendar apps need (FEEDS.md), checked on the raw body and
by four independent parsers (the ``ical_check`` fixture). Pure: no database."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from festival.schedules import recurrence, recurrence_rules
from festival.schedules.ical import FeedEvent, FeedOverride, build_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CREATED = datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC)
UPDATED = datetime(2026, 11, 20, 8, 30, 15, tzinfo=UTC)
LONG_TITLE = (
    "南通市崇川区老年大学艺术团🎭太极拳、八段锦与广场舞联合展示暨二〇二七年重阳节敬老文艺汇演彩排"
)


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def series(
    *,
    uid: str,
    title: str,
    start: datetime,
    hours: float,
    rule: str | None,
    location: str = "",
    description: str = "",
    cancelled=(),
    overrides=(),
    sequence: int = 0,
    updated_at: datetime = UPDATED,
) -> FeedEvent:
    end = start + timedelta(hours=hours)
    if rule:
        rule = recurrence_rules.normalize_rule(rule, start)
    return FeedEvent(
        uid=uid,
        title=title,
        starts_at=start,
        ends_at=end,
        location=location,
        description=description,
        rule=rule,
        series_ends_at=recurrence.last_start(start, rule) + (end - start),
        sequence=sequence,
        created_at=CREATED,
        updated_at=updated_at,
        categories="训练",
        cancelled=tuple(cancelled),
        overrides=tuple(overrides),
    )


DAILY = series(
    uid="daily@festival.invalid",
    title="个人练习",
    start=local(2027, 5, 1, 6, 30),
    hours=1,
    rule="FREQ=DAILY;UNTIL=20271031",
    location="各自家中",
)
WEEKLY = series(
    uid="weekly@festival.invalid",
    title="每周集体训练",
    start=local(2027, 5, 1, 9),
    hours=2,
    rule="FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030",
    location="崇川区文化馆广场",
    description="带好扇子\n穿练功服",
    sequence=3,
    cancelled=[local(2027, 5, 8, 9)],
    overrides=[
        FeedOverride(
            original_start=local(2027, 5, 15, 9),
            starts_at=local(2027, 5, 15, 14),
            ends_at=local(2027, 5, 15, 16),
            title="每周集体训练（改到下午）",
            location="崇川区文化馆二楼",
            sequence=4,
            updated_at=datetime(2026, 11, 21, 1, 2, 3, tzinfo=UTC),
        )
    ],
)
EXHIBITION = series(
    uid="show@festival.invalid",
    title="千名老人太极拳展示",
    start=local(2027, 5, 9, 9),
    hours=2.5,
    rule=None,
    location="南通市体育会展中心",
)
ALL = [DAILY, WEEKLY, EXHIBITION]


def build(events=ALL, name="太极拳展示队") -> bytes:
    return build_calendar(
        name=name, calendar_uid="troupe-1@festival.invalid", timezone="Asia/Shanghai", events=events
    )


def unfolded(body: bytes) -> list[str]:
    """The logical lines of a body: folds (CRLF + one space) joined back."""
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")


def vevents(body: bytes) -> list[list[str]]:
    blocks, current = [], None
    for line in unfolded(body):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def value_of(block: list[str], name: str) -> str:
    return next(line.split(":", 1)[1] for line in block if re.match(rf"{name}[;:]", line))


# The raw bytes


def test_the_body_uses_crlf_line_ends_only():
    body = build()
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert b"\r" not in body.replace(b"\r\n", b"")


def test_every_line_is_at_most_75_octets_and_folds_never_split_a_character():
    long_one = series(
        uid="long@festival.invalid",
        title=LONG_TITLE * 3,
        start=local(2027, 6, 1, 9),
        hours=1,
        rule=None,
        location="礼堂" * 40,
        description="说明，" * 60,
    )
    body = build([*ALL, long_one])
    lines = body.split(b"\r\n")
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        assert len(line) <= 75, line
        line.decode("utf-8", errors="strict")  # a fold inside a character would not decode


def test_a_long_chinese_title_survives_folding():
    long_one = series(
        uid="long@festival.invalid",
        title=LONG_TITLE,
        start=local(2027, 6, 1, 9),
        hours=1,
        rule=None,
    )
    block = next(b for b in vevents(build([long_one])) if "UID:long@festival.invalid" in b)
    assert value_of(block, "SUMMARY") == LONG_TITLE


def test_the_calendar_names_itself_its_zone_and_how_often_to_refresh():
    lines = unfolded(build())
    assert "X-WR-CALNAME:太极拳展示队" in lines
    assert "X-WR-TIMEZONE:Asia/Shanghai" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "UID:troupe-1@festival.invalid" in lines
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]


def test_a_calendar_name_with_commas_semicolons_and_a_newline_is_escaped_text():
    lines = unfolded(build(name="红枫, 艺术团; 二队\n周六"))
    assert r"X-WR-CALNAME:红枫\, 艺术团\; 二队\n周六" in lines


def test_the_zone_is_given_as_a_vtimezone_and_no_time_is_floating():
    body = build()
    lines = unfolded(body)
    assert "BEGIN:VTIMEZONE" in lines and "TZID:Asia/Shanghai" in lines
    assert lines.count("BEGIN:VTIMEZONE") == 1
    for block in vevents(body):
        for line in block:
            if re.match(r"(DTSTART|DTEND|EXDATE|RECURRENCE-ID)[;:]", line):
                assert line.split(":", 1)[0].endswith(";TZID=Asia/Shanghai"), line
        for name in ("DTSTAMP", "CREATED", "LAST-MODIFIED"):
            assert value_of(block, name).endswith("Z")


def test_until_is_in_utc():
    rules = [line for line in unfolded(build()) if line.startswith("RRULE:")]
    assert len(rules) == 2
    assert all(re.search(r"UNTIL=\d{8}T\d{6}Z(;|$)", rule) for rule in rules), rules
    assert "UNTIL=20271031T155959Z" in rules[0] + rules[1]


def test_a_cancelled_session_is_an_exdate_and_a_changed_one_an_override_with_the_same_uid():
    blocks = [b for b in vevents(build()) if "UID:weekly@festival.invalid" in b]
    assert len(blocks) == 2
    main, override = blocks
    assert "EXDATE;TZID=Asia/Shanghai:20270508T090000" in main
    assert "RECURRENCE-ID;TZID=Asia/Shanghai:20270515T090000" in override
    assert "DTSTART;TZID=Asia/Shanghai:20270515T140000" in override
    assert not any(line.startswith("RRULE") for line in override)
    assert value_of(main, "SEQUENCE") == "3" and value_of(override, "SEQUENCE") == "4"


def test_dtstamp_is_the_last_change_not_now_so_building_twice_gives_the_same_bytes():
    first = build()
    assert build() == first
    blocks = {value_of(b, "UID") + value_of(b, "SEQUENCE"): b for b in vevents(first)}
    assert value_of(blocks["daily@festival.invalid0"], "DTSTAMP") == "20261120T083015Z"
    assert value_of(blocks["daily@festival.invalid0"], "LAST-MODIFIED") == "20261120T083015Z"
    assert value_of(blocks["weekly@festival.invalid4"], "DTSTAMP") == "20261121T010203Z"
    # the order of the events given does not matter either
    assert build(list(reversed(ALL))) == first


def test_commas_semicolons_and_newlines_in_text_are_escaped():
    event = series(
        uid="text@festival.invalid",
        title="排练, 彩排; 走台",
        start=local(2027, 6, 1, 9),
        hours=1,
        rule=None,
        location="文化馆, 二楼; 东厅",
        description="第一行\n第二行, 带扇子; 穿鞋",
    )
    block = vevents(build([event]))[0]
    assert r"SUMMARY:排练\, 彩排\; 走台" in block
    assert r"LOCATION:文化馆\, 二楼\; 东厅" in block
    assert r"DESCRIPTION:第一行\n第二行\, 带扇子\; 穿鞋" in block


def test_an_empty_calendar_still_builds():
    lines = unfolded(build([]))
    assert "BEGIN:VEVENT" not in lines
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"


# What calendar apps make of it


def test_four_parsers_agree_on_a_daily_and_a_weekly_series_with_an_exdate_and_an_override(
    ical_check,
):
    occurrences = ical_check(build(), "2027-05-01", "2027-05-16")
    practice = [o[:2] for o in occurrences if o[2] == "个人练习"]
    assert practice == [
        (f"2027-05-{day:02d} 06:30", f"2027-05-{day:02d} 07:30") for day in range(1, 16)
    ]
    training = [o for o in occurrences if o[2].startswith("每周集体训练")]
    assert training == [
        ("2027-05-01 09:00", "2027-05-01 11:00", "每周集体训练"),
        ("2027-05-15 14:00", "2027-05-15 16:00", "每周集体训练（改到下午）"),
    ]
    assert [o for o in occurrences if o[2] == "千名老人太极拳展示"] == [
        ("2027-05-09 09:00", "2027-05-09 11:30", "千名老人太极拳展示")
    ]


def test_four_parsers_see_the_last_sessions_of_each_series_on_their_until_day(ical_check):
    occurrences = ical_check(build(), "2027-10-29", "2027-11-02")
    assert [o[:2] for o in occurrences if o[2] == "每周集体训练"] == [
        ("2027-10-30 09:00", "2027-10-30 11:00")
    ]
    assert [o[0] for o in occurrences if o[2] == "个人练习"] == [
        "2027-10-29 06:30",
        "2027-10-30 06:30",
        "2027-10-31 06:30",
    ]


@pytest.mark.parametrize("name", ["太极拳展示队", LONG_TITLE])
def test_four_parsers_read_a_long_chinese_title(ical_check, name):
    event = series(
        uid="long@festival.invalid",
        title=LONG_TITLE,
        start=local(2027, 6, 1, 9),
        hours=1,
        rule=None,
        description="说明，" * 40,
    )
    assert ical_check(build([event], name=name), "2027-06-01", "2027-06-02") == [
        ("2027-06-01 09:00", "2027-06-01 10:00", LONG_TITLE)
    ]
