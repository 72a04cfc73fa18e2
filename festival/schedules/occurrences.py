"""Writes to single sessions of a series: cancel some, move or rename one, restore one as
the series has it. A session is named by the local date the series gives it."""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core import bounds
from festival.core.errors import Conflict, ValidationFailed
from festival.core.wording import listing
from festival.db import locked
from festival.schedules import recurrence
from festival.schedules.event_details import (
    local_time,
    out_of_range,
    span_problems,
    text_problems,
)
from festival.schedules.feeds import touch_owner
from festival.schedules.models import (
    Event,
    EventCancellation,
    EventOverride,
)


def original_start(event: Event, day: date, *, field_name: str = "occurrence") -> datetime:
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
            originals.append(original_start(event, day))
        except ValidationFailed:
            bad.append(format_date(day, "long"))
    if bad:
        raise ValidationFailed(
            fields={"occurrence": [_l("Not a session of this event: %(days)s.", days=listing(bad))]}
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
    original = original_start(event, day)
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
    outside = out_of_range(tz, starts_at=starts_at, ends_at=ends_at)
    if outside:
        raise ValidationFailed(fields=outside)
    original = original_start(event, day)
    if original in {row.occurrence_at for row in event.cancellations}:
        raise Conflict(_l("This session is cancelled; restore it before changing it."))
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    duration = event.ends_at - event.starts_at
    current_start = override.starts_at if override else original
    current_end = override.ends_at if override else original + duration
    new_start = local_time(starts_at, tz) if starts_at else current_start.astimezone(tz)
    if ends_at:
        new_end = local_time(ends_at, tz)
    elif starts_at:
        new_end = new_start + (current_end - current_start)
    else:
        new_end = current_end.astimezone(tz)
    problems = span_problems(new_start, new_end) | text_problems(
        title=None if title is None else title.strip(),
        location=None if location is None else location.strip(),
    )
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
    touch_owner(session, event, now)
