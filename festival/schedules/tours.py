"""A performance tour typed as lines: "2026-09-10 骑岸镇敬老院", or just the venue for the
day after the line before (the first such line is on the tour's first day)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from festival.core import bounds

MAX_STOPS = 100
VENUE_MAX = 200
LINE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})?[\s,，、]*(.*?)\s*$")


@dataclass(frozen=True)
class TourStop:
    day: date
    venue: str


def parse_tour_lines(text: str, first_day: date | None) -> tuple[list[TourStop], list[LazyString]]:
    """The stops of a tour, or every problem with its line number."""
    stops: list[TourStop] = []
    problems: list[LazyString] = []
    next_day = first_day
    lines = [
        (number, line)
        for number, line in enumerate((text or "").splitlines(), start=1)
        if line.strip()
    ]
    if len(lines) > MAX_STOPS:
        return [], [_l("A tour has at most %(n)d stops; split it.", n=MAX_STOPS)]
    for number, line in lines:
        match = LINE.match(line)
        day_text, venue = match.group(1), match.group(2)
        day = next_day
        if day_text:
            try:
                year, month, day_of_month = (int(part) for part in day_text.split("-"))
                day = date(year, month, day_of_month)
            except ValueError:
                problems.append(_l("Line %(n)d: %(text)s is not a date.", n=number, text=day_text))
                continue
        if day is None:
            problems.append(_l("Line %(n)d: give a date, or the tour's first day above.", n=number))
            continue
        if not bounds.day_in_range(day):
            problems.append(_l("Line %(n)d: %(problem)s", n=number, problem=bounds.date_message()))
            continue
        if not venue:
            problems.append(_l("Line %(n)d: name the venue.", n=number))
        elif len(venue) > VENUE_MAX:
            problems.append(
                _l("Line %(n)d: use at most %(max)d characters.", n=number, max=VENUE_MAX)
            )
        else:
            stops.append(TourStop(day, venue))
        next_day = day + timedelta(days=1)
    if not lines:
        problems.append(_l("List at least one venue."))
    return stops, problems
