"""Recurrence rules as text: a plain form's choices as an RFC 5545 RRULE and back, and the
checks a rule passes before it is stored.

Rules are stored as RRULE text (``FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030T155959Z``) with
``UNTIL`` in UTC. A series has at most one occurrence a day: the API and the pages name an
occurrence by its local date. The sessions themselves are found by ``recurrence``.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from festival.core.wording import listing
from festival.schedules.recurrence import _Pattern, series_horizon

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL", "WKST"}
PART_ORDER = ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST", "COUNT", "UNTIL")
MAX_OCCURRENCES = 1000
MAX_INTERVAL = 52
MAX_SERIES_YEARS = 10


class RuleError(ValueError):
    """A recurrence rule that cannot be stored; ``message`` says why in the reader's language."""

    def __init__(self, message: LazyString | str):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Repeat:
    """What the event form asks: how often, on which weekdays, and until when or how many times."""

    freq: str  # "daily" or "weekly"
    interval: int = 1
    weekdays: tuple[str, ...] = ()
    until: date | None = None
    count: int | None = None


def rule_from_repeat(repeat: Repeat, zone: ZoneInfo) -> str:
    """The RRULE text for a form's choices; ``until`` is the last day, inclusive, in ``zone``."""
    parts = {"FREQ": repeat.freq.upper()}
    if repeat.interval and repeat.interval > 1:
        parts["INTERVAL"] = str(repeat.interval)
    if repeat.weekdays:
        parts["BYDAY"] = ",".join(day for day in WEEKDAYS if day in repeat.weekdays)
    if repeat.count:
        parts["COUNT"] = str(repeat.count)
    if repeat.until:
        parts["UNTIL"] = _utc_text(_end_of_day(repeat.until, zone))
    return _join(parts)


def repeat_from_rule(rule: str, zone: ZoneInfo) -> Repeat | None:
    """The form's choices for a stored rule, or None when the form cannot show it."""
    parts = _split(rule)
    if parts.get("FREQ") not in ("DAILY", "WEEKLY") or set(parts) - {
        "FREQ",
        "INTERVAL",
        "BYDAY",
        "COUNT",
        "UNTIL",
        "WKST",
    }:
        return None
    weekdays = tuple(parts["BYDAY"].split(",")) if parts.get("BYDAY") else ()
    if any(day not in WEEKDAYS for day in weekdays):
        return None
    until = None
    if "UNTIL" in parts:
        until = _parse_until(parts["UNTIL"], zone).astimezone(zone).date()
    return Repeat(
        freq=parts["FREQ"].lower(),
        interval=int(parts.get("INTERVAL", 1)),
        weekdays=weekdays,
        until=until,
        count=int(parts["COUNT"]) if "COUNT" in parts else None,
    )


def normalize_rule(text: str, start: datetime) -> str:
    """The rule in canonical form (UNTIL in UTC), or RuleError saying what is wrong.

    ``start`` is the first occurrence, aware, in the event's zone: it must itself be an
    occurrence of the rule, and the rule must end (UNTIL or COUNT) within
    ``MAX_OCCURRENCES`` occurrences and within its horizon (``series_horizon``). The checks
    examine at most ``MAX_SERIES_DAYS`` days, whatever the rule.
    """
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo)
    text = text.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    try:
        parts = _split(text)
    except ValueError:
        raise RuleError(
            _l("The repeat rule is not valid RFC 5545 text, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=10.")
        ) from None
    unknown = sorted(set(parts) - ALLOWED_PARTS)
    if unknown:
        raise RuleError(
            _l(
                "The repeat rule may not use %(parts)s: a series has at most one session a day.",
                parts=listing(unknown),
            )
        )
    if parts.get("FREQ") not in FREQUENCIES:
        raise RuleError(_l("Repeat daily, weekly, monthly or yearly (FREQ)."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError(_l("Give an end date or a number of sessions, not both."))
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise RuleError(_l("A repeating event needs an end date or a number of sessions."))
    horizon = series_horizon(start)
    try:
        if "INTERVAL" in parts and not 1 <= int(parts["INTERVAL"]) <= MAX_INTERVAL:
            raise RuleError(_l("Repeat every 1 to %(n)d days or weeks.", n=MAX_INTERVAL))
        if "COUNT" in parts and not 1 <= int(parts["COUNT"]) <= MAX_OCCURRENCES:
            raise RuleError(_l("A series has 1 to %(n)d sessions.", n=MAX_OCCURRENCES))
        if "UNTIL" in parts:
            until = _parse_until(parts["UNTIL"], zone)
            if until.date() < start.date():
                raise RuleError(_l("The repeat ends before the first session."))
            if until.date() > horizon:
                raise _too_long(horizon)
            parts["UNTIL"] = _utc_text(until)
        if parts.get("INTERVAL") == "1":
            del parts["INTERVAL"]
        normalized = _join(parts)
        pattern = _Pattern.of(normalized, start)
    except RuleError:
        raise
    except (ValueError, TypeError, KeyError, OverflowError):
        raise RuleError(
            _l("The repeat rule is not valid RFC 5545 text, e.g. FREQ=WEEKLY;BYDAY=SA;COUNT=10.")
        ) from None
    if pattern.until is not None and pattern.until < start:
        raise RuleError(_l("The repeat ends before the first session."))
    first, found = None, 0
    for found, moment in enumerate(pattern.starts(horizon), start=1):
        if first is None:
            first = moment
            if first != start:
                break
        if found > MAX_OCCURRENCES:
            raise RuleError(
                _l("A series has at most %(n)d sessions; end it sooner.", n=MAX_OCCURRENCES)
            )
    if first != start:
        raise RuleError(
            _l(
                "The first session must itself fall on the repeat: choose a start "
                "date on one of the chosen days."
            )
        )
    if pattern.count is not None and found < pattern.count:
        raise _too_long(horizon)
    return normalized


def _too_long(horizon: date) -> RuleError:
    return RuleError(
        _l(
            "A series lasts at most %(years)d years and ends by %(day)s at the "
            "latest; end it sooner.",
            years=MAX_SERIES_YEARS,
            day=horizon.isoformat(),
        )
    )


def _end_of_day(day: date, zone) -> datetime:
    return datetime.combine(day, time(23, 59, 59), zone)


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _parse_until(text: str, zone) -> datetime:
    """UNTIL as given: a date (that whole local day), a UTC time, or a local time."""
    if len(text) == 8:
        return _end_of_day(date(int(text[:4]), int(text[4:6]), int(text[6:])), zone)
    if text.endswith("Z"):
        return datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y%m%dT%H%M%S").replace(tzinfo=zone)


def _split(text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in text.strip().split(";"):
        if not piece:
            continue
        name, sep, value = piece.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if not sep or not name or not value or name in parts:
            raise ValueError(piece)
        parts[name] = value
    if not parts:
        raise ValueError(text)
    return parts


def _join(parts: Mapping[str, str]) -> str:
    return ";".join(f"{name}={parts[name]}" for name in PART_ORDER if name in parts)
