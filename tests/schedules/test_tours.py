"""A performance tour typed as lines, one stop a line: pure parsing, every problem with its line.

No database; the ``app`` fixture only gives the context that renders the messages.
"""

from datetime import date

import pytest

from festival.schedules.tours import MAX_STOPS, TourStop, parse_tour_lines


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]


def test_dated_lines_give_one_stop_each_on_their_dates():
    text = "2026-09-10 骑岸镇敬老院\n2026-09-12 唐闸古镇\n2026-9-15 狼山广场"
    stops, problems = parse_tour_lines(text, None)
    assert problems == []
    assert stops == [
        TourStop(date(2026, 9, 10), "骑岸镇敬老院"),
        TourStop(date(2026, 9, 12), "唐闸古镇"),
        TourStop(date(2026, 9, 15), "狼山广场"),
    ]


def test_a_date_may_be_followed_by_a_comma_of_either_width():
    stops, problems = parse_tour_lines("2026-09-10，骑岸镇敬老院\n2026-09-11, 唐闸古镇", None)
    assert problems == []
    assert [stop.venue for stop in stops] == ["骑岸镇敬老院", "唐闸古镇"]


def test_undated_lines_continue_day_after_day_from_the_first_day():
    stops, problems = parse_tour_lines("骑岸镇敬老院\n唐闸古镇\n狼山广场", date(2026, 9, 30))
    assert problems == []
    assert stops == [
        TourStop(date(2026, 9, 30), "骑岸镇敬老院"),
        TourStop(date(2026, 10, 1), "唐闸古镇"),
        TourStop(date(2026, 10, 2), "狼山广场"),
    ]


def test_undated_lines_after_a_dated_one_continue_from_that_date():
    stops, problems = parse_tour_lines(
        "骑岸镇敬老院\n2026-09-20 唐闸古镇\n狼山广场", date(2026, 9, 10)
    )
    assert problems == []
    assert [stop.day for stop in stops] == [date(2026, 9, 10), date(2026, 9, 20), date(2026, 9, 21)]


def test_blank_lines_and_surrounding_spaces_are_ignored():
    stops, problems = parse_tour_lines("\n  骑岸镇敬老院  \n\n   \n唐闸古镇\n", date(2026, 9, 10))
    assert problems == []
    assert stops == [
        TourStop(date(2026, 9, 10), "骑岸镇敬老院"),
        TourStop(date(2026, 9, 11), "唐闸古镇"),
    ]


def test_a_bad_date_is_reported_with_its_line_number(app):
    stops, problems = parse_tour_lines("2026-09-10 骑岸镇敬老院\n2026-02-30 唐闸古镇", None)
    assert messages(problems) == ["Line 2: 2026-02-30 is not a date."]
    assert stops == [TourStop(date(2026, 9, 10), "骑岸镇敬老院")]


def test_the_line_number_of_a_problem_counts_blank_lines_as_typed(app):
    # The leader sees the textarea: the bad date is on its third line.
    _stops, problems = parse_tour_lines("2026-09-10 骑岸镇敬老院\n\n2026-13-01 唐闸古镇", None)
    assert messages(problems) == ["Line 3: 2026-13-01 is not a date."]


def test_every_problem_is_reported_at_once(app):
    text = "骑岸镇敬老院\n2026-09-31 唐闸古镇\n2026-10-02\n2026-10-03 " + "馆" * 201
    stops, problems = parse_tour_lines(text, None)
    assert stops == []
    assert messages(problems) == [
        "Line 1: give a date, or the tour's first day above.",
        "Line 2: 2026-09-31 is not a date.",
        "Line 3: name the venue.",
        "Line 4: use at most 200 characters.",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n  ", None])
def test_an_empty_tour_is_refused(app, text):
    stops, problems = parse_tour_lines(text, date(2026, 9, 10))
    assert stops == []
    assert messages(problems) == ["List at least one venue."]


def test_a_tour_of_at_most_100_stops_is_accepted():
    stops, problems = parse_tour_lines(
        "\n".join(f"村{n}" for n in range(MAX_STOPS)), date(2026, 1, 1)
    )
    assert problems == [] and len(stops) == MAX_STOPS
    assert stops[-1].day == date(2026, 4, 10)  # 2026-01-01 + 99 days


def test_a_tour_of_more_than_100_lines_is_refused_as_a_whole(app):
    stops, problems = parse_tour_lines(
        "\n".join(f"村{n}" for n in range(MAX_STOPS + 1)), date(2026, 1, 1)
    )
    assert stops == []
    assert messages(problems) == ["A tour has at most 100 stops; split it."]
