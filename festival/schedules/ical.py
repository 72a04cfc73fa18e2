"""The iCalendar feed as bytes: pure and deterministic, so unchanged data gives the same body.

What the calendar apps need (see shared/tools/ical-check/FEEDS.md): every time with a
TZID and that zone's VTIMEZONE, never floating; stable UIDs; DTSTAMP and LAST-MODIFIED
from the last change, never "now"; RRULE with UNTIL in UTC; cancellations as EXDATE;
one changed occurrence as an override with the same UID and a RECURRENCE-ID.

Reminders are VALARMs (ACTION:DISPLAY, a DESCRIPTION, a TRIGGER relative to the start) in
every VEVENT, overrides included: a client takes an override's alarms from the override
alone, never from its series.

An event with a time outside the dates the application holds (``core.bounds``), or one that
cannot be written, is left out rather than failing the whole feed; the services refuse such
times in the first place.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from icalendar import Alarm, Calendar, Event, Timezone, vRecur, vText

from festival.core import bounds

PRODID = "-//festival//Troupe and festival schedules//ZH"
CALENDAR_END = b"END:VCALENDAR\r\n"
# "The evening before": this time of day on the day before, in the event's own zone.
EVENING_BEFORE_AT = time(19, 0)
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
    id: int = 0  # the event's row (its kept text is found by it)


@dataclass(frozen=True)
class Reminders:
    """Which reminders every event of a feed carries, and when that was last changed."""

    evening_before: bool = False
    hour_before: bool = False
    changed_at: datetime | None = None

    @property
    def any(self) -> bool:
        return self.evening_before or self.hour_before


NO_REMINDERS = Reminders()


def build_calendar(
    *,
    name: str,
    calendar_uid: str,
    timezone: str,
    events: Sequence[FeedEvent],
    reminders: Reminders = NO_REMINDERS,
) -> bytes:
    """A VCALENDAR with one VEVENT per event or series plus one per changed occurrence,
    each with the feed's reminders: every event rendered now (``feed_builds`` renders only
    those that changed since, and must give these bytes)."""
    ordered = sorted(events, key=lambda item: (item.starts_at, item.id, item.uid))
    return assemble(
        calendar_head(name=name, calendar_uid=calendar_uid, timezone=timezone),
        [
            placed(render_event(event, reminders), event.starts_at, event.series_ends_at)
            for event in ordered
        ],
    )


def calendar_head(*, name: str, calendar_uid: str, timezone: str) -> bytes:
    """The calendar's opening line and its own properties, without its END line."""
    calendar = Calendar.new(prodid=PRODID, uid=calendar_uid, calscale="GREGORIAN")
    # TEXT values: vText escapes commas, semicolons and newlines (a plain str is not escaped).
    calendar.add("name", vText(name))
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical().removesuffix(CALENDAR_END)


@dataclass(frozen=True)
class RenderedEvent:
    """An event's VEVENTs as bytes (empty: left out of the calendar) and the time zones they
    name (each needs its VTIMEZONE in the calendar)."""

    text: bytes
    tzids: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlacedEvent:
    """A rendered event with the years of its first and last day (its zones' VTIMEZONEs
    cover them)."""

    rendered: RenderedEvent
    first_year: int
    last_year: int


def placed(rendered: RenderedEvent, starts_at: datetime, series_ends_at: datetime) -> PlacedEvent:
    return PlacedEvent(rendered, starts_at.year, series_ends_at.year)


def render_event(event: FeedEvent, reminders: Reminders = NO_REMINDERS) -> RenderedEvent:
    """The VEVENT of an event or series and one per changed occurrence, or nothing when a time
    lies outside the dates the application holds or the event cannot be written."""
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
        components = [
            _vevent(event, reminders),
            *(_override(event, item, reminders) for item in overrides),
        ]
        holder = Calendar()
        for component in components:
            holder.add_component(component)
        return RenderedEvent(
            b"".join(component.to_ical() for component in components),
            frozenset(holder.get_used_tzids()),
        )
    except (ValueError, OverflowError, TypeError):
        log.warning("event %s left out of a calendar", event.uid, exc_info=True)
        return RenderedEvent(b"")


def assemble(head: bytes, events: Sequence[PlacedEvent]) -> bytes:
    """The calendar's bytes: its head, the VTIMEZONE of every zone its events name, the
    events' texts in the order given, and the END line."""
    written = [item for item in events if item.rendered.text]
    return join_calendar(
        head,
        [item.rendered.text for item in written],
        set().union(*(item.rendered.tzids for item in written)),
        min((item.first_year for item in written), default=0),
        max((item.last_year for item in written), default=0),
    )


def join_calendar(
    head: bytes, texts: Sequence[bytes], tzids: Iterable[str], first_year: int, last_year: int
) -> bytes:
    """The calendar's bytes from its parts: the head, a VTIMEZONE for each zone named (by
    name, covering a year before ``first_year`` to two after ``last_year``), the texts, END."""
    zones = b"".join(
        _zone_text(tzid, date(first_year - 1, 1, 1), date(last_year + 2, 1, 1))
        for tzid in sorted(tzids)
    )
    return b"".join([head, zones, *texts, CALENDAR_END])


@lru_cache(maxsize=64)
def _zone_text(tzid: str, first_date: date, last_date: date) -> bytes:
    """A zone's VTIMEZONE with its transitions between the two dates; empty for a zone the
    time zone database does not know."""
    try:
        zone = Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date)
    except ValueError:
        return b""
    zone.pop("COMMENT", None)
    return zone.to_ical()


def _stamp(updated_at: datetime, reminders: Reminders) -> datetime:
    """The component's last change: its own, or the feed's reminders' if those came later."""
    if reminders.changed_at is not None and reminders.changed_at > updated_at:
        return reminders.changed_at
    return updated_at


def _vevent(event: FeedEvent, reminders: Reminders) -> Event:
    stamp = _stamp(event.updated_at, reminders)
    vevent = Event.new(
        uid=event.uid,
        stamp=stamp,
        created=event.created_at,
        last_modified=stamp,
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
    _add_alarms(vevent, event.starts_at, event.title, reminders)
    return vevent


def _override(event: FeedEvent, override: FeedOverride, reminders: Reminders) -> Event:
    stamp = _stamp(override.updated_at, reminders)
    vevent = Event.new(
        uid=event.uid,
        stamp=stamp,
        created=event.created_at,
        last_modified=stamp,
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
    _add_alarms(vevent, override.starts_at, override.title, reminders)
    return vevent


def reminder_triggers(start: datetime | date, reminders: Reminders) -> list[timedelta]:
    """The reminders' offsets from an event's start (negative: before it), for its wall-clock
    start time. The evening before is a fixed time of day on the day before, so its offset
    depends on when the event starts: 09:00 gives -14 h, 21:00 gives -26 h. An all-day
    event (a date) starts at midnight and gets no "hour before"."""
    triggers = []
    all_day = not isinstance(start, datetime)
    if reminders.evening_before:
        starts = time(0, 0) if all_day else start.time()
        since_midnight = timedelta(hours=starts.hour, minutes=starts.minute)
        evening = timedelta(hours=EVENING_BEFORE_AT.hour, minutes=EVENING_BEFORE_AT.minute)
        triggers.append(-(timedelta(days=1) - evening + since_midnight))
    if reminders.hour_before and not all_day:
        triggers.append(timedelta(hours=-1))
    return triggers


def _add_alarms(vevent: Event, start: datetime | date, title: str, reminders: Reminders) -> None:
    for trigger in reminder_triggers(start, reminders):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", vText(title))
        alarm.add("trigger", trigger)
        vevent.add_component(alarm)
