"""Working days of the mainland calendar, and the end of a notice period (公示期) counted in
them.

The rule: the day of publication does not count (as 《民法典》第二百零一条: 开始的当日不计入);
the period ends at 24:00, in the festival's time zone, of the n-th working day after it.
Working days are those of the ``chinese_calendar`` library (public holidays off, make-up
working days 调休 on); a day an admin set by hand (``CalendarDay``) wins over the library; for
a year the library does not know yet, an unset day counts as working from Monday to Friday
(and the result says which days were assumed so).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.notice.models import CalendarDay

MAX_WORKING_DAYS = 30
# More than enough calendar days to hold 30 working days across any holiday.
_SEARCH_SPAN = timedelta(days=MAX_WORKING_DAYS * 3 + 30)


def library_workday(day: date) -> bool | None:
    """The library's answer for ``day``; None for a year it does not know."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def is_working_day(day: date, overrides: Mapping[date, bool]) -> bool:
    """An admin-set day first, then the library, then Monday to Friday."""
    if day in overrides:
        return overrides[day]
    known = library_workday(day)
    return known if known is not None else day.weekday() < 5


@dataclass(frozen=True)
class NoticeEnd:
    ends_at: datetime  # aware, UTC
    last_day: date  # the n-th working day, local
    assumed: list[date] = field(default_factory=list)  # days counted by the weekday alone


def notice_period(
    published_at: datetime, working_days: int, timezone: str, overrides: Mapping[date, bool]
) -> NoticeEnd:
    """The end of a notice period of ``working_days`` after ``published_at`` (the day of
    publication not counted; 24:00 of the n-th working day after it, in ``timezone``), and
    the days assumed by weekday where the library knows nothing and no admin set them."""
    zone = ZoneInfo(timezone)
    day = published_at.astimezone(zone).date()
    assumed: list[date] = []
    counted = 0
    while counted < working_days:
        day += timedelta(days=1)
        if day not in overrides and library_workday(day) is None:
            assumed.append(day)
        if is_working_day(day, overrides):
            counted += 1
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return NoticeEnd(ends_at=end.astimezone(ZoneInfo("UTC")), last_day=day, assumed=assumed)


def notice_end(
    published_at: datetime, working_days: int, timezone: str, overrides: Mapping[date, bool]
) -> datetime:
    """24:00 (in ``timezone``) of the ``working_days``-th working day after the day of
    ``published_at``, which does not count; as an aware UTC datetime."""
    return notice_period(published_at, working_days, timezone, overrides).ends_at


def notice_last_day(notice_until: datetime, timezone: str) -> date:
    """The last day of a notice period ending at ``notice_until``, in ``timezone``: the day
    before when it ends at 24:00."""
    return (notice_until.astimezone(ZoneInfo(timezone)) - timedelta(seconds=1)).date()


def overrides_from(session: Session, start: date, span: timedelta = _SEARCH_SPAN) -> dict:
    """The admin-set days from ``start`` on, far enough for any notice period: one query."""
    rows = session.execute(
        select(CalendarDay.day, CalendarDay.working).where(
            CalendarDay.day >= start, CalendarDay.day <= start + span
        )
    ).all()
    return {day: working for day, working in rows}


def notice_period_for(
    session: Session, published_at: datetime, working_days: int, timezone: str
) -> NoticeEnd:
    """``notice_period`` with the admin-set days read from the database in one query."""
    start = published_at.astimezone(ZoneInfo(timezone)).date()
    return notice_period(published_at, working_days, timezone, overrides_from(session, start))
