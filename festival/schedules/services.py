"""Every write to a schedule's events: one event or a series of a troupe or a festival, its
changes and removal, and a tour of performances. Single sessions are changed in
``occurrences``, attendance recorded in ``attendance``, the feeds' own writes are in ``feeds``.

Each write to an owner's events bumps its feed's version, so subscribed calendars see it.
"""

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import ValidationFailed
from festival.db import locked
from festival.festivals.models import Festival
from festival.schedules import recurrence
from festival.schedules.event_details import (
    EventDetails,
    checked_details,
    series_ends_at,
    zone_of,
)
from festival.schedules.feeds import touch_feed, touch_owner
from festival.schedules.models import (
    Attendance,
    Event,
    EventKind,
    EventOverride,
)
from festival.schedules.tours import TourStop
from festival.troupes.models import Troupe

DEFAULT_UID_DOMAIN = "festival.invalid"


def create_event(
    session: Session,
    *,
    details: EventDetails,
    troupe: Troupe | None = None,
    festival: Festival | None = None,
    zone: str,
    actor: User,
    now: datetime,
    uid_domain: str = DEFAULT_UID_DOMAIN,
) -> Event:
    """One event or a series of a troupe or of a festival; its feed sees it at once."""
    if (troupe is None) == (festival is None):
        raise ValueError("an event belongs to a troupe or to a festival")
    tz = zone_of(zone)
    cleaned, rule = checked_details(details, tz)
    event = Event(
        uid=f"event-{uuid4().hex}@{uid_domain}",
        troupe_id=troupe.id if troupe else None,
        festival_id=festival.id if festival else None,
        title=cleaned.title,
        kind=EventKind(cleaned.kind),
        starts_at=cleaned.starts_at,
        ends_at=cleaned.ends_at,
        timezone=zone,
        location=cleaned.location,
        notes=cleaned.notes,
        is_public=cleaned.is_public,
        rrule=rule,
        series_ends_at=series_ends_at(cleaned.starts_at, cleaned.ends_at, rule),
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    touch_owner(session, event, now)
    record(
        session,
        actor=actor,
        action="create_event",
        entity_type="event",
        entity_id=event.id,
        changes={"title": event.title, "rrule": rule},
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )
    return event


def update_event(
    session: Session, *, event: Event, details: EventDetails, actor: User, now: datetime
) -> int:
    """Change a whole series; cancellations, changed occurrences and attendance follow their
    session to its new time on the same day, and are dropped when that day has no session any
    more. Returns how many were dropped."""
    locked(session, Event, event.id)  # changes of one event take turns
    tz = ZoneInfo(event.timezone)
    cleaned, rule = checked_details(details, tz)
    old_start, old_rule = event.starts_at.astimezone(tz), event.rrule
    new_values = {
        "title": cleaned.title,
        "kind": EventKind(cleaned.kind),
        "starts_at": cleaned.starts_at.astimezone(UTC),
        "ends_at": cleaned.ends_at.astimezone(UTC),
        "location": cleaned.location,
        "notes": cleaned.notes,
        "is_public": cleaned.is_public,
        "rrule": rule,
    }
    changes = {
        name: [str(getattr(event, name)), str(value)]
        for name, value in new_values.items()
        if getattr(event, name) != value
    }
    if not changes:
        return 0
    dropped = 0
    if "starts_at" in changes or "ends_at" in changes or "rrule" in changes:
        dropped = _follow_series(
            session,
            event,
            old_start,
            old_rule,
            event.ends_at - event.starts_at,
            cleaned.starts_at,
            rule,
            cleaned.ends_at - cleaned.starts_at,
        )
    for name, value in new_values.items():
        setattr(event, name, value)
    event.series_ends_at = series_ends_at(cleaned.starts_at, cleaned.ends_at, rule)
    event.sequence += 1
    event.updated_at = now
    session.flush()
    touch_owner(session, event, now)
    record(
        session,
        actor=actor,
        action="update_event",
        entity_type="event",
        entity_id=event.id,
        changes=changes | ({"dropped_exceptions": dropped} if dropped else {}),
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )
    return dropped


def _follow_series(
    session: Session,
    event: Event,
    old_start: datetime,
    old_rule: str | None,
    old_duration: timedelta,
    new_start: datetime,
    new_rule: str | None,
    new_duration: timedelta,
) -> int:
    """Move every exception of a series to the session on the same local day of the new series."""
    tz = old_start.tzinfo
    dropped = 0
    attendance = (
        session.execute(select(Attendance).where(Attendance.event_id == event.id)).scalars().all()
    )
    moved: dict[datetime, datetime | None] = {}
    for row in [*event.cancellations, *event.overrides, *attendance]:
        original = row.occurrence_at
        if original not in moved:
            day = original.astimezone(tz).date()
            target = recurrence.start_on(new_start, new_rule, day)
            moved[original] = target.astimezone(UTC) if target else None
        target = moved[original]
        # A one-off event has no sessions to cancel or change: only its attendance stays.
        if target is None or (new_rule is None and not isinstance(row, Attendance)):
            session.delete(row)
            dropped += 1
            continue
        if (
            isinstance(row, EventOverride)
            and row.starts_at == original
            and row.ends_at == original + old_duration
        ):
            # Only its title or place was changed: it keeps the series' (new) time.
            row.starts_at, row.ends_at = target, target + new_duration
        row.occurrence_at = target
    # Rows of one occurrence may swap times; flush after every row is placed.
    session.flush()
    session.expire(event, ["cancellations", "overrides"])
    return dropped


def delete_event(session: Session, *, event: Event, actor: User, now: datetime) -> None:
    """Remove an event or a whole series with its exceptions and attendance."""
    owner = {"troupe_id": event.troupe_id, "festival_id": event.festival_id}
    record(
        session,
        actor=actor,
        action="delete_event",
        entity_type="event",
        entity_id=event.id,
        changes={"title": event.title},
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )
    session.delete(event)
    session.flush()
    touch_feed(
        session,
        troupe_id=owner["troupe_id"],
        festival_id=None if owner["troupe_id"] else owner["festival_id"],
        now=now,
    )


def create_tour(
    session: Session,
    *,
    troupe: Troupe,
    title: str,
    kind: EventKind | str,
    stops: Sequence[TourStop],
    start_time: time,
    end_time: time,
    notes: str = "",
    is_public: bool = False,
    zone: str,
    actor: User,
    now: datetime,
    uid_domain: str = DEFAULT_UID_DOMAIN,
) -> list[Event]:
    """One event per venue and day of a performance tour, all or none."""
    if not stops:
        raise ValidationFailed(fields={"stops": [_l("List at least one venue.")]})
    tz = zone_of(zone)
    every, problems = [], {}
    for number, stop in enumerate(stops, start=1):
        details = EventDetails(
            title=title,
            kind=kind,
            starts_at=datetime.combine(stop.day, start_time, tz),
            ends_at=datetime.combine(stop.day, end_time, tz),
            location=stop.venue,
            notes=notes,
            is_public=is_public,
        )
        every.append(details)
        try:
            checked_details(details, tz)  # every stop is checked before anything is written
        except ValidationFailed as error:
            for name, messages in error.fields.items():
                name = "stops" if name == "location" else name
                problems.setdefault(name, []).extend(
                    [
                        _l("Line %(n)d: %(problem)s", n=number, problem=message)
                        for message in messages
                    ]
                    if name == "stops"
                    else messages
                )
    if problems:
        raise ValidationFailed(
            fields={
                name: list(dict.fromkeys(map(str, messages))) for name, messages in problems.items()
            }
        )
    return [
        create_event(
            session,
            details=details,
            troupe=troupe,
            zone=zone,
            actor=actor,
            now=now,
            uid_domain=uid_domain,
        )
        for details in every
    ]
