"""Dates, times and series' rules as the schedule pages say them, in the reader's language."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.lists import format_list
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from festival.schedules import recurrence_rules
from festival.schedules.models import Event
from festival.web.i18n import current_language


def skeleton(pattern: str, value: date | datetime) -> str:
    """A date in the reader's language by CLDR skeleton: 5月9日周六 / Sat, May 9."""
    return format_skeleton(pattern, value, locale=get_locale())


def span(start: datetime, end: datetime) -> str:
    """2026年5月9日周六 09:00–11:00, with the end's date when it ends on a later day."""
    if end.date() == start.date():
        return f"{skeleton('yMMMEd', start)} {start:%H:%M}–{end:%H:%M}"
    return f"{skeleton('yMMMEd', start)} {start:%H:%M} – {skeleton('yMMMEd', end)} {end:%H:%M}"


def _weekday_names(codes: Iterable[str]) -> str:
    # 周六 reads naturally after 每 in Chinese; English wants the whole name.
    width = "EEE" if current_language() == "zh" else "EEEE"
    monday = date(2024, 1, 1)
    names = [
        format_date(monday + timedelta(days=recurrence_rules.WEEKDAYS.index(code)), width)
        for code in recurrence_rules.WEEKDAYS
        if code in codes
    ]
    return format_list(names, locale=get_locale())


def describe_rule(event: Event) -> str | None:
    """The series' rule in words, e.g. 每周六 09:00–11:00，至2027年10月30日; None when the plain
    form cannot say it (the page shows the RRULE then)."""
    if not event.rrule:
        return None
    zone = ZoneInfo(event.timezone)
    repeat = recurrence_rules.repeat_from_rule(event.rrule, zone)
    if repeat is None:
        return None
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if repeat.freq == "daily":
        pattern = (
            _("Every day") if repeat.interval == 1 else _("Every %(n)d days", n=repeat.interval)
        )
    else:
        days = _weekday_names(repeat.weekdays or (recurrence_rules.WEEKDAYS[start.weekday()],))
        pattern = (
            _("Every %(days)s", days=days)
            if repeat.interval == 1
            else _("Every %(n)d weeks on %(days)s", n=repeat.interval, days=days)
        )
    times = {"pattern": pattern, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if repeat.until:
        return _(
            "%(pattern)s %(start)s–%(end)s, until %(day)s",
            **times,
            day=format_date(repeat.until, "long"),
        )
    if repeat.count:
        return _("%(pattern)s %(start)s–%(end)s, %(n)d sessions in all", **times, n=repeat.count)
    return _("%(pattern)s %(start)s–%(end)s", **times)
