"""The month grid and the agenda: one calendar for troupes, festivals and the public, as
plain values the template shows."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import request, url_for
from flask_babel import format_date

from festival.core import bounds
from festival.core.clock import utcnow
from festival.db import db
from festival.schedules import (
    queries,
    recurrence,
)
from festival.schedules.models import Event
from festival.schedules.views.wording import skeleton

MONTH_ARG = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass
class Entry:
    """One session as a calendar cell or an agenda line shows it."""

    event_id: int
    title: str
    kind: str
    starts: str
    ends: str
    location: str
    url: str | None
    is_changed: bool = False
    is_cancelled: bool = False
    is_public: bool = False
    continues: bool = False  # a later day of an event over several days


@dataclass
class Day:
    day: date
    label: str
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def month_weeks(month: date) -> list[list[date]]:
    """The weeks (Monday first) that show a month in a calendar grid."""
    first = month.replace(day=1)
    start = first - timedelta(days=first.weekday())
    following = (first + timedelta(days=32)).replace(day=1)
    weeks = []
    day = start
    while day < following:
        weeks.append([day + timedelta(days=offset) for offset in range(7)])
        day += timedelta(days=7)
    return weeks


def _session_url(event: Event, occurrence: recurrence.Occurrence) -> str:
    """The event page listing sessions from this one's day, scrolled to it."""
    original = occurrence.original_start.astimezone(occurrence.starts_at.tzinfo).date()
    return url_for(
        "schedules.event",
        event_id=event.id,
        _anchor=f"session-{original}",
        **{"from": occurrence.starts_at.date().isoformat()},
    )


def _month_arg(today: date) -> date:
    match = MONTH_ARG.match(request.args.get("month", ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if bounds.FIRST_YEAR <= year <= bounds.LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def month_calendar(
    zone: ZoneInfo,
    *,
    troupe_id: int | None = None,
    festival_id: int | None = None,
    public_only: bool = False,
    managers: bool = True,
) -> dict:
    """The month asked for (?month=YYYY-MM, the current one by default) as weeks of days and as
    an agenda: three queries whatever the number of events."""
    today = utcnow().astimezone(zone).date()
    month = _month_arg(today)
    view = "agenda" if request.args.get("view") == "agenda" else "month"
    weeks = month_weeks(month)
    after = datetime.combine(weeks[0][0], time(0), zone)
    before = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(0), zone)
    events = queries.owner_events(
        db.session,
        troupe_id=troupe_id,
        festival_id=festival_id,
        public_only=public_only,
        after=after,
        before=before,
    )
    by_id = {event.id: event for event in events}
    days = {
        day: Day(day, skeleton("MMMEd", day), day.month == month.month, day == today)
        for week in weeks
        for day in week
    }
    for occurrence in queries.occurrences_between(events, after, before, with_cancelled=managers):
        event = by_id[occurrence.event_id]
        start, end = occurrence.starts_at, occurrence.ends_at
        last_day = (end - timedelta(microseconds=1)).date()
        day = start.date()
        while day <= last_day:
            if day in days:
                days[day].entries.append(
                    Entry(
                        event_id=event.id,
                        title=occurrence.title,
                        kind=event.kind.value,
                        starts=f"{start:%H:%M}",
                        ends=f"{end:%H:%M}",
                        location=occurrence.location,
                        url=_session_url(event, occurrence) if managers else None,
                        is_changed=occurrence.is_changed,
                        is_cancelled=occurrence.is_cancelled,
                        is_public=event.is_public,
                        continues=day != start.date(),
                    )
                )
            day += timedelta(days=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)

    def page(target: date, chosen_view: str) -> str:
        return url_for(
            request.endpoint, **(request.view_args or {}), month=f"{target:%Y-%m}", view=chosen_view
        )

    return {
        "month": month,
        "month_title": skeleton("yMMMM", month),
        "view": view,
        "weekday_names": [format_date(day, "EEE") for day in weeks[0]],
        "weeks": [[days[day] for day in week] for week in weeks],
        "agenda": [
            days[day] for week in weeks for day in week if days[day].in_month and days[day].entries
        ],
        "previous_url": page(previous, view),
        "previous_title": skeleton("yMMMM", previous),
        "next_url": page(following, view),
        "next_title": skeleton("yMMMM", following),
        "today_url": page(today, view) if today.replace(day=1) != month else None,
        "month_url": page(month, "month"),
        "agenda_url": page(month, "agenda"),
        "managers": managers,
        "has_entries": any(day.entries for day in days.values() if day.in_month),
    }
