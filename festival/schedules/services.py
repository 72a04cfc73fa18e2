"""Every write to a schedule: events and series, single-occurrence changes and cancellations,
tours, attendance, and the feed's version and secret.

Each write to an owner's events bumps its feed's version, so subscribed calendars see it.
"""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core import bounds
from festival.core.errors import Conflict, NotFound, ValidationFailed
from festival.db import insert_if_absent, locked
from festival.festivals.models import Festival
from festival.schedules import recurrence
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventKind,
    EventOverride,
)
from festival.schedules.tours import TourStop
from festival.troupes.models import Membership, Troupe

TITLE_MAX = 200
LOCATION_MAX = 200
NOTES_MAX = 4000
MAX_DURATION = timedelta(days=14)
DEFAULT_UID_DOMAIN = "festival.invalid"
SELECTOR_LENGTH = 16


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
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(fields={"timezone": [_l("Unknown time zone.")]}) from None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _out_of_range(zone: ZoneInfo, **moments: datetime | None) -> dict[str, list]:
    """The moments whose date, as given and in the event's zone, lies outside the dates the
    application holds (``core.bounds``): nothing is stored that a calendar cannot show."""
    return {
        name: [bounds.date_message()]
        for name, moment in moments.items()
        if moment is not None
        and not (bounds.day_in_range(moment) and bounds.day_in_range(_local(moment, zone)))
    }


def _checked(details: EventDetails, zone: ZoneInfo) -> tuple[EventDetails, str | None]:
    """The details cleaned, with the rule in canonical form; every problem at once otherwise."""
    problems: dict[str, list] = {}
    title = (details.title or "").strip()
    location = (details.location or "").strip()
    notes = (details.notes or "").strip()
    if not 1 <= len(title) <= TITLE_MAX:
        problems["title"] = [_l("Enter the name of the event, 1 to %(n)d characters.", n=TITLE_MAX)]
    try:
        kind = EventKind(details.kind)
    except ValueError:
        problems["kind"] = [_l("Choose what kind of event this is.")]
        kind = EventKind.rehearsal
    if len(location) > LOCATION_MAX:
        problems["location"] = [_l("Use at most %(n)d characters.", n=LOCATION_MAX)]
    if len(notes) > NOTES_MAX:
        problems["notes"] = [_l("Use at most %(n)d characters.", n=NOTES_MAX)]
    outside = _out_of_range(zone, starts_at=details.starts_at, ends_at=details.ends_at)
    if outside:
        raise ValidationFailed(fields=problems | outside)
    starts_at, ends_at = _local(details.starts_at, zone), _local(details.ends_at, zone)
    if ends_at <= starts_at:
        problems["ends_at"] = [_l("The end must be after the start.")]
    elif ends_at - starts_at > MAX_DURATION:
        problems["ends_at"] = [_l("An event lasts at most 14 days; repeat it instead.")]
    rule = None
    if details.rule and details.rule.strip():
        try:
            rule = recurrence.normalize_rule(details.rule, starts_at)
        except recurrence.RuleError as error:
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


def _series_ends_at(starts_at: datetime, ends_at: datetime, rule: str | None) -> datetime:
    return recurrence.last_start(starts_at, rule) + (ends_at - starts_at)


def new_feed_secret() -> str:
    """256 random bits, URL-safe: the whole credential of a subscription URL."""
    return secrets.token_urlsafe(32)


def touch_feed(
    session: Session, *, troupe_id: int | None = None, festival_id: int | None = None, now: datetime
) -> CalendarFeed:
    """Bump the version of a troupe's or festival's feed (making it if it is the first change).
    Concurrent changes each raise it: the feed row is locked first (``db.locked``), and two
    first changes at once make one feed."""
    feed = _feed_of(session, troupe_id=troupe_id, festival_id=festival_id)
    if feed is not None:
        _bump(feed, now)
        session.flush()
        return feed
    secret = new_feed_secret() if troupe_id else None
    owner = {"troupe_id": troupe_id} if troupe_id else {"festival_id": festival_id}
    made = insert_if_absent(
        session,
        CalendarFeed,
        {
            **owner,
            "version": 1,
            "changed_at": now,
            "created_at": now,
            "secret": secret,
            "selector": secret[:SELECTOR_LENGTH] if secret else None,
        },
        key=list(owner),
    )
    feed = _feed_of(session, troupe_id=troupe_id, festival_id=festival_id)
    if not made:  # another request made it a moment ago
        _bump(feed, now)
        session.flush()
    return feed


def owner_changed(
    session: Session, *, troupe_id: int | None = None, festival_id: int | None = None, now: datetime
) -> None:
    """Raise the version of a troupe's or festival's feed after a change of what it shows
    besides events (a name, a festival's time zone), so that calendar apps fetch it again.
    A feed nobody has subscribed to yet is left unmade."""
    feed = _feed_of(session, troupe_id=troupe_id, festival_id=festival_id)
    if feed is not None:
        _bump(feed, now)
        session.flush()


def _feed_of(
    session: Session, *, troupe_id: int | None, festival_id: int | None
) -> CalendarFeed | None:
    """The feed, locked for a change of its version (``db.locked``)."""
    owner = (
        CalendarFeed.troupe_id == troupe_id
        if troupe_id
        else (CalendarFeed.festival_id == festival_id)
    )
    return session.execute(
        select(CalendarFeed)
        .where(owner)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _bump(feed: CalendarFeed, now: datetime) -> None:
    feed.version += 1
    feed.changed_at = max(now, feed.changed_at)


def _touch_owner(session: Session, event: Event, now: datetime) -> None:
    touch_feed(
        session,
        troupe_id=event.troupe_id,
        festival_id=None if event.troupe_id else event.festival_id,
        now=now,
    )


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
    cleaned, rule = _checked(details, tz)
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
        series_ends_at=_series_ends_at(cleaned.starts_at, cleaned.ends_at, rule),
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    session.flush()
    _touch_owner(session, event, now)
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
    cleaned, rule = _checked(details, tz)
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
    event.series_ends_at = _series_ends_at(cleaned.starts_at, cleaned.ends_at, rule)
    event.sequence += 1
    event.updated_at = now
    session.flush()
    _touch_owner(session, event, now)
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


def _original_start(event: Event, day: date, *, field_name: str = "occurrence") -> datetime:
    """The UTC start of the series' session on a local day; a 422 naming the day otherwise."""
    tz = ZoneInfo(event.timezone)
    if not bounds.day_in_range(day):
        raise ValidationFailed(fields={field_name: [bounds.date_message()]})
    start = recurrence.start_on(event.starts_at.astimezone(tz), event.rrule, day)
    if start is None:
        raise ValidationFailed(
            fields={
                field_name: [
                    _l("%(day)s is not a session of this event.", day=format_date(day, "long"))
                ]
            }
        )
    return start.astimezone(UTC)


def cancel_occurrences(
    session: Session, *, event: Event, days: Sequence[date], actor: User, now: datetime
) -> list[datetime]:
    """Cancel the sessions of a series on these local days (e.g. public holidays) at once.

    Every day must be a session of the series; days already cancelled are left as they are.
    """
    locked(session, Event, event.id)  # changes of one event take turns
    if not event.rrule:
        raise ValidationFailed(
            fields={
                "occurrence": [
                    _l("This event does not repeat: delete it instead of cancelling one session.")
                ]
            }
        )
    if not days:
        raise ValidationFailed(fields={"occurrence": [_l("Choose at least one date.")]})
    if not all(bounds.day_in_range(day) for day in days):
        raise ValidationFailed(fields={"occurrence": [bounds.date_message()]})
    bad = []
    originals = []
    for day in sorted(set(days)):
        try:
            originals.append(_original_start(event, day))
        except ValidationFailed:
            bad.append(format_date(day, "long"))
    if bad:
        raise ValidationFailed(
            fields={
                "occurrence": [_l("Not a session of this event: %(days)s.", days=", ".join(bad))]
            }
        )
    existing = {row.occurrence_at for row in event.cancellations}
    added = [original for original in originals if original not in existing]
    if not added:
        return []
    for original in added:
        event.cancellations.append(EventCancellation(occurrence_at=original, created_at=now))
    _changed(session, event, now)
    record(
        session,
        actor=actor,
        action="cancel_occurrences",
        entity_type="event",
        entity_id=event.id,
        changes={"occurrences": [o.isoformat() for o in added]},
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )
    return added


def restore_occurrence(
    session: Session, *, event: Event, day: date, actor: User, now: datetime
) -> None:
    """Undo a cancellation or a change of one session: it is back as the series has it."""
    locked(session, Event, event.id)  # changes of one event take turns
    original = _original_start(event, day)
    removed = (
        session.execute(
            delete(EventCancellation).where(
                EventCancellation.event_id == event.id, EventCancellation.occurrence_at == original
            )
        ).rowcount
        + session.execute(
            delete(EventOverride).where(
                EventOverride.event_id == event.id, EventOverride.occurrence_at == original
            )
        ).rowcount
    )
    if not removed:
        return
    session.expire(event, ["cancellations", "overrides"])
    _changed(session, event, now)
    record(
        session,
        actor=actor,
        action="restore_occurrence",
        entity_type="event",
        entity_id=event.id,
        changes={"occurrence": original.isoformat()},
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )


def change_occurrence(
    session: Session,
    *,
    event: Event,
    day: date,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    title: str | None = None,
    location: str | None = None,
    actor: User,
    now: datetime,
) -> EventOverride:
    """Move or rename one session of a series; calendars show it as a changed occurrence."""
    locked(session, Event, event.id)  # changes of one event take turns
    if not event.rrule:
        raise ValidationFailed(
            fields={"occurrence": [_l("This event does not repeat: edit the event itself.")]}
        )
    tz = ZoneInfo(event.timezone)
    outside = _out_of_range(tz, starts_at=starts_at, ends_at=ends_at)
    if outside:
        raise ValidationFailed(fields=outside)
    original = _original_start(event, day)
    if original in {row.occurrence_at for row in event.cancellations}:
        raise Conflict(_l("This session is cancelled; restore it before changing it."))
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    duration = event.ends_at - event.starts_at
    current_start = override.starts_at if override else original
    current_end = override.ends_at if override else original + duration
    new_start = _local(starts_at, tz) if starts_at else current_start.astimezone(tz)
    if ends_at:
        new_end = _local(ends_at, tz)
    elif starts_at:
        new_end = new_start + (current_end - current_start)
    else:
        new_end = current_end.astimezone(tz)
    problems: dict[str, list] = {}
    if new_end <= new_start:
        problems["ends_at"] = [_l("The end must be after the start.")]
    elif new_end - new_start > MAX_DURATION:
        problems["ends_at"] = [_l("An event lasts at most 14 days; repeat it instead.")]
    if title is not None and not 1 <= len(title.strip()) <= TITLE_MAX:
        problems["title"] = [_l("Enter the name of the event, 1 to %(n)d characters.", n=TITLE_MAX)]
    if location is not None and len(location.strip()) > LOCATION_MAX:
        problems["location"] = [_l("Use at most %(n)d characters.", n=LOCATION_MAX)]
    if problems:
        raise ValidationFailed(fields=problems)
    if override is None:
        override = EventOverride(
            occurrence_at=original, starts_at=new_start, ends_at=new_end, updated_at=now
        )
        event.overrides.append(override)
    override.starts_at, override.ends_at = new_start.astimezone(UTC), new_end.astimezone(UTC)
    if title is not None:
        override.title = title.strip() if title.strip() != event.title else None
    if location is not None:
        override.location = location.strip()
    _changed(session, event, now)
    override.sequence = event.sequence
    override.updated_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="change_occurrence",
        entity_type="event",
        entity_id=event.id,
        changes={"occurrence": original.isoformat(), "starts_at": override.starts_at.isoformat()},
        organization_id=(event.troupe or event.festival).organization_id,
        festival_id=event.festival_id,
        now=now,
    )
    return override


def _changed(session: Session, event: Event, now: datetime) -> None:
    event.sequence += 1
    event.updated_at = now
    session.flush()
    _touch_owner(session, event, now)


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
            _checked(details, tz)  # every stop is checked before anything is written
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


def record_attendance(
    session: Session,
    *,
    event: Event,
    day: date,
    present_ids: Sequence[int],
    absent_ids: Sequence[int],
    actor: User,
    now: datetime,
) -> dict[str, int]:
    """Who came to one session of a troupe's event: ticks for members only, on the day of the
    session or later. Replaces what was recorded for the people named."""
    locked(session, Event, event.id)  # changes of one event take turns
    if event.troupe_id is None:
        raise NotFound()
    tz = ZoneInfo(event.timezone)
    original = _original_start(event, day)
    if original in {row.occurrence_at for row in event.cancellations}:
        raise ValidationFailed(fields={"occurrence": [_l("This session is cancelled.")]})
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    held_on = (override.starts_at if override else original).astimezone(tz).date()
    if held_on > now.astimezone(tz).date():
        raise ValidationFailed(
            fields={
                "occurrence": [_l("Attendance can be taken on the day of the session or later.")]
            }
        )
    present, absent = set(present_ids), set(absent_ids)
    members = set(
        session.execute(
            select(Membership.person_id).where(Membership.troupe_id == event.troupe_id)
        ).scalars()
    )
    problems: dict[str, list] = {}
    if present & absent:
        problems["absent"] = [_l("Someone is marked both present and absent.")]
    for name, ids in (("present", present), ("absent", absent)):
        strangers = sorted(ids - members)
        if strangers:
            problems.setdefault(name, []).append(
                _l("Not members of this troupe: %(ids)s.", ids=", ".join(map(str, strangers)))
            )
    if problems:
        raise ValidationFailed(fields=problems)
    existing = {
        row.person_id: row
        for row in session.execute(
            select(Attendance).where(
                Attendance.event_id == event.id, Attendance.occurrence_at == original
            )
        ).scalars()
    }
    for person_id, came in [*((p, True) for p in present), *((p, False) for p in absent)]:
        row = existing.get(person_id)
        if row is None:
            session.add(
                Attendance(
                    event_id=event.id,
                    occurrence_at=original,
                    person_id=person_id,
                    present=came,
                    recorded_by_id=actor.id,
                    recorded_at=now,
                )
            )
        elif row.present != came:
            row.present, row.recorded_by_id, row.recorded_at = came, actor.id, now
    session.flush()
    return {"present": len(present), "absent": len(absent)}


def feed_for_troupe(session: Session, *, troupe: Troupe, now: datetime) -> CalendarFeed:
    """The troupe's feed (its subscription URL's secret), made on first use."""
    feed = session.execute(
        select(CalendarFeed).where(CalendarFeed.troupe_id == troupe.id)
    ).scalar_one_or_none()
    return feed if feed is not None else touch_feed(session, troupe_id=troupe.id, now=now)


def rotate_feed_secret(
    session: Session, *, troupe: Troupe, actor: User, now: datetime
) -> CalendarFeed:
    """A new secret for the troupe's feed URL; the old URL stops working at once."""
    feed = feed_for_troupe(session, troupe=troupe, now=now)
    feed.secret = new_feed_secret()
    feed.selector = feed.secret[:SELECTOR_LENGTH]
    feed.rotated_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="rotate_feed_secret",
        entity_type="troupe",
        entity_id=troupe.id,
        changes={},
        organization_id=troupe.organization_id,
        now=now,
    )
    return feed


def store_feed_body(
    session: Session, *, feed: CalendarFeed, version: int, body: bytes, etag: str
) -> None:
    """Keep the bytes built for a version, unless a newer version was stored meanwhile."""
    if feed.body_version is not None and feed.body_version >= version:
        return
    feed.body, feed.body_version, feed.etag = body, version, etag
    session.flush()
