"""The iCalendar feed as bytes: pure and deterministic, so unchanged data gives the same body.

What the calendar apps need (see shared/tools/ical-check/FEEDS.md): every time with a
TZID and that zone's VTIMEZONE, never floating; stable UIDs; DTSTAMP and LAST-MODIFIED
from the last change, never "now"; RRULE with UNTIL in UTC; cancellations as EXDATE;
one changed occurrence as an override with the same UID and a RECURRENCE-ID.

An event with a time outside the dates the application holds (``core.bounds``), or one that
cannot be written, is left out rather than failing the whole feed; the services refuse such
times in the first place.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vRecur, vText

from festival.core import bounds

PRODID = "-//festival//Troupe and festival schedules//ZH"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedOverride:
    original_start: datetime  # in the series' zone
    starts_at: datetime
    ends_at: datetime
    title: str
    location: str
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    title: str
    starts_at: datetime  # aware, in the event's zone
    ends_at: datetime
    location: str
    description: str
    rule: str | None
    series_ends_at: datetime  # the end of the last occurrence
    sequence: int
    created_at: datetime
    updated_at: datetime
    categories: str = ""
    cancelled: Sequence[datetime] = ()  # original starts, in the event's zone
    overrides: Sequence[FeedOverride] = field(default_factory=tuple)


def build_calendar(
    *, name: str, calendar_uid: str, timezone: str, events: Sequence[FeedEvent]
) -> bytes:
    """A VCALENDAR with one VEVENT per event or series plus one per changed occurrence."""
    calendar = Calendar.new(prodid=PRODID, uid=calendar_uid, calscale="GREGORIAN")
    # TEXT values: vText escapes commas, semicolons and newlines (a plain str is not escaped).
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    written = []
    for event in sorted(events, key=lambda item: (item.starts_at, item.uid)):
        overrides = sorted(event.overrides, key=lambda item: item.original_start)
        moments = [
            event.starts_at,
            event.ends_at,
            event.series_ends_at,
            *(
                moment
                for override in overrides
                for moment in (override.original_start, override.starts_at, override.ends_at)
            ),
        ]
        try:
            if not all(bounds.day_in_range(moment) for moment in moments):
                raise ValueError("a time outside the dates the application holds")
            components = [_vevent(event), *(_override(event, item) for item in overrides)]
        except (ValueError, OverflowError, TypeError):
            log.warning(
                "event %s left out of the calendar %s", event.uid, calendar_uid, exc_info=True
            )
            continue
        for component in components:
            calendar.add_component(component)
        written.append(event)
    if written:
        first = min(event.starts_at for event in written).date()
        last = max(event.series_ends_at for event in written).date()
        calendar.add_missing_timezones(
            first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
        )
        for zone in calendar.timezones:
            zone.pop("COMMENT", None)
    return calendar.to_ical()


def _vevent(event: FeedEvent) -> Event:
    vevent = Event.new(
        uid=event.uid,
        stamp=event.updated_at,
        created=event.created_at,
        last_modified=event.updated_at,
        sequence=event.sequence,
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        status="CONFIRMED",
        location=event.location or None,
        description=event.description or None,
    )
    if event.categories:
        vevent.add("categories", [event.categories])
    if event.rule:
        vevent.add("rrule", vRecur.from_ical(event.rule))
        if event.cancelled:
            vevent.add("exdate", sorted(event.cancelled))
    return vevent


def _override(event: FeedEvent, override: FeedOverride) -> Event:
    vevent = Event.new(
        uid=event.uid,
        stamp=override.updated_at,
        created=event.created_at,
        last_modified=override.updated_at,
        sequence=override.sequence,
        recurrence_id=override.original_start,
        start=override.starts_at,
        end=override.ends_at,
        summary=override.title,
        status="CONFIRMED",
        location=override.location or None,
        description=event.description or None,
    )
    if event.categories:
        vevent.add("categories", [event.categories])
    return vevent
