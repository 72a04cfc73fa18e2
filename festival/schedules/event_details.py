"""What an event is made of, and every check its details pass before anything is written:
a title, a kind, a start and an end within the dates the application holds, a rule that
ends. Pure: the services call these for the form, the API, tours and the CLI alike."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l

from festival.core import bounds
from festival.core.errors import ValidationFailed
from festival.schedules import recurrence, recurrence_rules
from festival.schedules.models import (
    EventKind,
)

TITLE_MAX = 200
LOCATION_MAX = 200
NOTES_MAX = 4000
MAX_DURATION = timedelta(days=14)


@dataclass(frozen=True)
class EventDetails:
    """What the event form and the API send for an event or a series."""

    title: str
    kind: EventKind | str
    starts_at: datetime  # aware; a naive one is read in the event's zone
    ends_at: datetime
    location: str = ""
    notes: str = ""
    is_public: bool = False
    rule: str | None = None


def zone_of(name: str) -> ZoneInfo:
    """The time zone of that name; a 422 on ``timezone`` otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(fields={"timezone": [_l("Unknown time zone.")]}) from None


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """A moment in the event's zone; a naive one is read as local time there."""
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def out_of_range(zone: ZoneInfo, **moments: datetime | None) -> dict[str, list]:
    """The moments whose date, as given and in the event's zone, lies outside the dates the
    application holds (``core.bounds``): nothing is stored that a calendar cannot show."""
    return {
        name: [bounds.date_message()]
        for name, moment in moments.items()
        if moment is not None
        and not (bounds.day_in_range(moment) and bounds.day_in_range(local_time(moment, zone)))
    }


def span_problems(starts_at: datetime, ends_at: datetime) -> dict[str, list]:
    """What is wrong with a session's start and end: it ends after it starts, within 14 days."""
    if ends_at <= starts_at:
        return {"ends_at": [_l("The end must be after the start.")]}
    if ends_at - starts_at > MAX_DURATION:
        return {"ends_at": [_l("An event lasts at most 14 days; repeat it instead.")]}
    return {}


def text_problems(
    *, title: str | None = None, location: str | None = None, notes: str | None = None
) -> dict[str, list]:
    """What is wrong with the texts given (stripped already): a title of 1 to 200 characters,
    a place and notes not too long."""
    problems: dict[str, list] = {}
    if title is not None and not 1 <= len(title) <= TITLE_MAX:
        problems["title"] = [_l("Enter the name of the event, 1 to %(n)d characters.", n=TITLE_MAX)]
    if location is not None and len(location) > LOCATION_MAX:
        problems["location"] = [_l("Use at most %(n)d characters.", n=LOCATION_MAX)]
    if notes is not None and len(notes) > NOTES_MAX:
        problems["notes"] = [_l("Use at most %(n)d characters.", n=NOTES_MAX)]
    return problems


def checked_details(details: EventDetails, zone: ZoneInfo) -> tuple[EventDetails, str | None]:
    """The details cleaned, with the rule in canonical form; every problem at once otherwise."""
    title = (details.title or "").strip()
    location = (details.location or "").strip()
    notes = (details.notes or "").strip()
    problems = text_problems(title=title)
    try:
        kind = EventKind(details.kind)
    except ValueError:
        problems["kind"] = [_l("Choose what kind of event this is.")]
        kind = EventKind.rehearsal
    problems |= text_problems(location=location, notes=notes)
    outside = out_of_range(zone, starts_at=details.starts_at, ends_at=details.ends_at)
    if outside:
        raise ValidationFailed(fields=problems | outside)
    starts_at, ends_at = local_time(details.starts_at, zone), local_time(details.ends_at, zone)
    problems |= span_problems(starts_at, ends_at)
    rule = None
    if details.rule and details.rule.strip():
        try:
            rule = recurrence_rules.normalize_rule(details.rule, starts_at)
        except recurrence_rules.RuleError as error:
            problems["rrule"] = [error.message]
        else:
            step = _shortest_step(starts_at, rule)
            if step is not None and ends_at - starts_at > step:
                problems.setdefault("ends_at", []).append(
                    _l("A session must end before the next one starts.")
                )
    if problems:
        raise ValidationFailed(fields=problems)
    cleaned = EventDetails(
        title=title,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location,
        notes=notes,
        is_public=bool(details.is_public),
        rule=rule,
    )
    return cleaned, rule


def _shortest_step(start: datetime, rule: str) -> timedelta | None:
    starts = list(_take(recurrence.occurrence_starts(start, rule), 8))
    steps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    return min(steps, default=None)


def _take(iterable: Iterable, n: int) -> Iterable:
    for index, item in enumerate(iterable):
        if index >= n:
            return
        yield item


def series_ends_at(starts_at: datetime, ends_at: datetime, rule: str | None) -> datetime:
    """The end of a series' last session."""
    return recurrence.last_start(starts_at, rule) + (ends_at - starts_at)
