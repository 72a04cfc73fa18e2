"""Recurrence: the occurrences of a series, expanded in the event's local time so that a
09:00 session stays at 09:00 whatever the offset, with its cancellations and changes applied.
The rule's text and its checks are in ``recurrence_rules``.

Expanding a rule costs bounded work whatever its text: dateutil parses it (and fills in the
defaults from the first session), but the sessions are found here, day by day, and never
past the series' horizon (``MAX_SERIES_DAYS`` after its first session, and never past the
last date the application holds). dateutil's own iterator scans forward until it finds the
next match, which for ``FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO`` means decades of days
per session, and for a rule that never matches again means every day up to the year 9999.
"""

from calendar import isleap, monthrange
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import MONTHLY, WEEKLY, YEARLY, rrulestr

from festival.core import bounds

# The most days that expanding any rule examines: a series lasts at most ten years.
MAX_SERIES_DAYS = 3653


def series_horizon(start: datetime) -> date:
    """The last local day on which a series that starts at ``start`` may have a session:
    ``MAX_SERIES_DAYS`` later, and never past the last date the application holds."""
    first = start.date()
    if first >= bounds.LATEST_DAY - timedelta(days=MAX_SERIES_DAYS):
        return bounds.LATEST_DAY
    return first + timedelta(days=MAX_SERIES_DAYS)


def occurrence_starts(
    start: datetime,
    rule: str | None,
    *,
    after: datetime | None = None,
    before: datetime | None = None,
) -> Iterator[datetime]:
    """The starts of a series in its local zone: every one, or those in [after, before).
    Sessions after the series' horizon (``series_horizon``) are never looked for."""
    if not rule:
        if (after is None or start >= after) and (before is None or start < before):
            yield start
        return
    pattern = _Pattern.of(rule, start)
    horizon = series_horizon(start)
    if before is not None:
        if before <= start:
            return
        # Sessions on local days after the one of ``before`` start after it (a day's margin).
        horizon = min(horizon, _local_date(before, start.tzinfo) + timedelta(days=1))
    from_day = None
    if after is not None and pattern.count is None:
        # Without COUNT, the sessions of a day do not depend on the days before it.
        from_day = _local_date(after, start.tzinfo) - timedelta(days=1)
    for moment in pattern.starts(horizon, from_day=from_day):
        if before is not None and moment >= before:
            return
        if after is None or moment >= after:
            yield moment


def _local_date(moment: datetime, zone) -> date:
    """The local date of a moment, clamped to the dates an expansion may examine."""
    if moment.tzinfo is not None and moment.tzinfo is not zone:
        if not bounds.day_in_range(moment):
            return (
                bounds.EARLIEST_DAY if moment.date() < bounds.EARLIEST_DAY else (bounds.LATEST_DAY)
            )
        moment = moment.astimezone(zone)
    return min(max(moment.date(), bounds.EARLIEST_DAY), bounds.LATEST_DAY)


def last_start(start: datetime, rule: str | None) -> datetime:
    """The start of a series' last occurrence."""
    last = start
    for last in occurrence_starts(start, rule):  # noqa: B007 - the loop keeps the last one
        pass
    return last


def start_on(start: datetime, rule: str | None, day: date) -> datetime | None:
    """The start of the occurrence on a local ``day``, or None if the series has none then."""
    if not start.date() <= day <= series_horizon(start):
        return None
    zone = start.tzinfo
    day_start = datetime.combine(day, time(0), zone)
    return next(
        occurrence_starts(start, rule, after=day_start, before=day_start + timedelta(days=1)), None
    )


@dataclass(frozen=True)
class _Pattern:
    """A rule as the day-by-day expander reads it. dateutil parses the text and fills in the
    defaults from the first session (the weekday of a weekly rule, the day of the month of a
    monthly one); a day is a session when its period is one the interval keeps (its day, week,
    month or year counted from the first session's) and it passes every BY part, as in
    dateutil's own iterator."""

    start: datetime  # the first session, aware, whole seconds (as dateutil keeps it)
    at: time  # the local time of every session, with the zone
    freq: int
    interval: int
    week_start: int
    months: tuple[int, ...] | None
    weekdays: tuple[int, ...] | None
    nth_weekdays: tuple[tuple[int, int], ...] | None
    monthdays: tuple[int, ...]
    monthdays_from_end: tuple[int, ...]
    until: datetime | None
    count: int | None
    first_week: int  # the ordinal of the first day of the first session's week (WKST)

    @classmethod
    def of(cls, rule: str, start: datetime) -> "_Pattern":
        parsed = rrulestr(rule, dtstart=start)
        (at,) = parsed._timeset  # one time a day: BYHOUR, BYMINUTE, BYSECOND are refused
        first = parsed._dtstart.date()
        return cls(
            start=parsed._dtstart,
            at=at,
            freq=parsed._freq,
            interval=parsed._interval,
            week_start=parsed._wkst,
            months=parsed._bymonth,
            weekdays=parsed._byweekday,
            nth_weekdays=parsed._bynweekday,
            monthdays=parsed._bymonthday,
            monthdays_from_end=parsed._bynmonthday,
            until=parsed._until,
            count=parsed._count,
            first_week=first.toordinal() - (first.weekday() - parsed._wkst) % 7,
        )

    def starts(self, horizon: date, *, from_day: date | None = None) -> Iterator[datetime]:
        """The sessions in order, up to the local day ``horizon`` at the latest: at most
        ``MAX_SERIES_DAYS`` + 1 days examined, whatever the rule."""
        first = self.start.date()
        day = max(first, from_day) if from_day is not None else first
        left = self.count
        while day <= horizon:
            if self.keeps_period_of(day) and self.matches(day):
                moment = datetime.combine(day, self.at)
                if self.until is not None and moment > self.until:
                    return
                if moment >= self.start:
                    yield moment
                    if left is not None:
                        left -= 1
                        if left == 0:
                            return
            day += ONE_DAY

    def keeps_period_of(self, day: date) -> bool:
        first = self.start.date()
        if self.freq == YEARLY:
            step = day.year - first.year
        elif self.freq == MONTHLY:
            step = (day.year - first.year) * 12 + day.month - first.month
        elif self.freq == WEEKLY:
            step = (day.toordinal() - self.first_week) // 7
        else:
            step = day.toordinal() - first.toordinal()
        return step % self.interval == 0

    def matches(self, day: date) -> bool:
        if self.months and day.month not in self.months:
            return False
        if self.weekdays and day.weekday() not in self.weekdays:
            return False
        if self.nth_weekdays and not any(
            weekday == day.weekday() and self._is_nth(day, n) for weekday, n in self.nth_weekdays
        ):
            return False
        if self.monthdays or self.monthdays_from_end:
            length = monthrange(day.year, day.month)[1]
            if (
                day.day not in self.monthdays
                and day.day - length - 1 not in self.monthdays_from_end
            ):
                return False
        return True

    def _is_nth(self, day: date, n: int) -> bool:
        """Whether ``day`` is the n-th of its weekday (from the end when n < 0) in its month,
        or in its year for a yearly rule without BYMONTH."""
        if self.freq == YEARLY and not self.months:
            index = day.timetuple().tm_yday - 1
            length = 366 if isleap(day.year) else 365
        else:
            index = day.day - 1
            length = monthrange(day.year, day.month)[1]
        return index // 7 == n - 1 if n > 0 else (length - 1 - index) // 7 == -n - 1


ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """One occurrence changed on its own: its new times and, when given, title and place."""

    starts_at: datetime
    ends_at: datetime
    title: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Occurrence:
    event_id: int
    original_start: datetime  # the start the rule gives, in UTC: the occurrence's identity
    starts_at: datetime  # in the event's zone
    ends_at: datetime
    title: str
    location: str
    is_changed: bool = False
    is_cancelled: bool = False


@dataclass(frozen=True)
class Series:
    """An event as the expander needs it: its first occurrence, rule and exceptions."""

    event_id: int
    starts_at: datetime  # aware, in the event's zone
    ends_at: datetime
    rule: str | None
    title: str
    location: str
    cancelled: frozenset[datetime] = frozenset()  # original starts, UTC
    changes: Mapping[datetime, Change] = field(default_factory=dict)  # by original start, UTC


def expand(
    series: Series, after: datetime, before: datetime, *, with_cancelled: bool = False
) -> list[Occurrence]:
    """The occurrences of a series that overlap [after, before), with its cancellations and
    changes applied; cancelled ones are left out unless ``with_cancelled``."""
    duration = series.ends_at - series.starts_at
    zone = series.starts_at.tzinfo
    found: list[Occurrence] = []
    for start in occurrence_starts(
        series.starts_at, series.rule, after=after - duration, before=before
    ):
        if start + duration <= after:
            continue
        original = start.astimezone(UTC)
        if original in series.changes:
            continue
        cancelled = original in series.cancelled
        if cancelled and not with_cancelled:
            continue
        found.append(
            Occurrence(
                series.event_id,
                original,
                start,
                start + duration,
                series.title,
                series.location,
                is_cancelled=cancelled,
            )
        )
    for original, change in series.changes.items():
        if change.starts_at < before and change.ends_at > after:
            if original in series.cancelled and not with_cancelled:
                continue
            found.append(
                Occurrence(
                    series.event_id,
                    original,
                    change.starts_at.astimezone(zone),
                    change.ends_at.astimezone(zone),
                    change.title or series.title,
                    series.location if change.location is None else change.location,
                    is_changed=True,
                    is_cancelled=original in series.cancelled,
                )
            )
    found.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.event_id))
    return found
