"""The dates and numbers accepted from outside: one place for the forms, the API's schemas
and the services' own checks.

Dates of what happens (events, series and their ends, single sessions, cancellations,
attendance, tours, festival days and deadlines) lie in the years 2000 to 2100: the years a
festival may have (its table's ``year_range`` check), and far enough from ``datetime``'s
years 1 and 9999 that reading a local time in UTC, adding an event's 14 days, a series'
years or a calendar feed's two years of time-zone rules never overflows. Birth dates start
on 1900-01-02 (the people table's check) and end today. Whole numbers fit PostgreSQL's
32-bit integers; decimal numbers (scores, maximums, weights) have at most 12 digits before
the point, so that two-place rounding (28 significant digits) always works.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from festival.core.ids import DB_INT_MAX

FIRST_YEAR = 2000
LAST_YEAR = 2100
EARLIEST_DAY = date(FIRST_YEAR, 1, 1)
LATEST_DAY = date(LAST_YEAR, 12, 31)
# Every moment whose local date is in range, in any time zone, lies between these two.
EARLIEST_MOMENT = datetime.combine(EARLIEST_DAY - timedelta(days=1), time(0), UTC)
LATEST_MOMENT = datetime.combine(LATEST_DAY + timedelta(days=2), time(0), UTC)
EARLIEST_BIRTH_DATE = date(1900, 1, 2)
DECIMAL_DIGITS = 12

__all__ = [
    "DB_INT_MAX",
    "DECIMAL_DIGITS",
    "EARLIEST_BIRTH_DATE",
    "EARLIEST_DAY",
    "EARLIEST_MOMENT",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LATEST_DAY",
    "LATEST_MOMENT",
    "date_message",
    "day_in_range",
    "decimal_in_range",
    "number_message",
    "out_of_range_number",
]


def day_in_range(value: date | datetime) -> bool:
    """Whether a date, or a datetime's own (local) date, lies in the years 2000 to 2100."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST_DAY <= day <= LATEST_DAY


def date_message() -> LazyString:
    return _l(
        "Enter a date from %(first)s to %(last)s.",
        first=EARLIEST_DAY.isoformat(),
        last=LATEST_DAY.isoformat(),
    )


def decimal_in_range(number: Decimal) -> bool:
    """Whether a finite decimal has at most ``DECIMAL_DIGITS`` digits before the point."""
    return number.is_finite() and (number.is_zero() or number.adjusted() < DECIMAL_DIGITS)


def out_of_range_number(value: object) -> bool:
    """Whether a number, or text that reads as one, is too large to hold; anything that is
    not a number is left to the checks that say so."""
    if isinstance(value, bool) or value is None:
        return False
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return False
    return number.is_finite() and not decimal_in_range(number)


def number_message() -> LazyString:
    return _l(
        "Enter a number with at most %(n)d digits before the decimal point.", n=DECIMAL_DIGITS
    )
