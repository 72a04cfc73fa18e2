"""Schedules: single sessions of a series (cancelled, changed, restored) and attendance."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.api.envelope import actor, page_params, parse_body, respond, respond_page
from festival.api.events import (
    ChangedOccurrenceOut,
    EventOut,
    changed_occurrence_out,
    event_out,
    managed_event,
    window_from_args,
)
from festival.api.registry import endpoint
from festival.api.schemas import DbInt, EventDateTime, EventDay
from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import NotFound, ValidationFailed
from festival.core.pagination import Page
from festival.db import db
from festival.schedules import attendance, occurrences, queries
from festival.schedules.event_details import local_time
from festival.troupes.queries import load_managed_troupe


class CancellationIn(BaseModel):
    occurrence: EventDay | None = None
    occurrences: list[EventDay] | None = Field(default=None, max_length=400)


class OccurrenceChange(BaseModel):
    starts_at: EventDateTime | None = None
    ends_at: EventDateTime | None = None
    title: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)


class AttendanceIn(BaseModel):
    present: list[DbInt] = Field(default_factory=list, max_length=2000)
    absent: list[DbInt] = Field(default_factory=list, max_length=2000)


class AttendanceOut(BaseModel):
    occurrence: date
    present: int
    absent: int


class MemberAttendanceOut(BaseModel):
    person_id: int
    name: str
    sessions: int
    attended: int
    rate: float | None


def _day(value: date | datetime, tz: ZoneInfo) -> date:
    if isinstance(value, datetime):
        return local_time(value, tz).date()
    return value


def _date_or_404(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound() from None


@endpoint(
    "/events/<int:event_id>/cancellations",
    "POST",
    summary="Cancel one session of a series (or several: occurrences)",
    who="organizer; that troupe's leader",
    status=201,
    body=CancellationIn,
    response=EventOut,
    errors=(400, 401, 404, 422),
)
def cancel_occurrences(event_id: int):
    event = managed_event(event_id)
    body = parse_body(CancellationIn)
    tz = ZoneInfo(event.timezone)
    values = list(body.occurrences or []) + ([body.occurrence] if body.occurrence else [])
    if not values:
        raise ValidationFailed(fields={"occurrence": [_l("This field is required.")]})
    occurrences.cancel_occurrences(
        db.session, event=event, days=[_day(v, tz) for v in values], actor=actor(), now=utcnow()
    )
    db.session.commit()
    return respond(event_out(event), 201)


@endpoint(
    "/events/<int:event_id>/occurrences/<occurrence>",
    "PATCH",
    summary="Change one session of a series (a RECURRENCE-ID override in the feed)",
    who="organizer; that troupe's leader",
    body=OccurrenceChange,
    response=ChangedOccurrenceOut,
    errors=(400, 401, 404, 409, 422),
)
def change_occurrence(event_id: int, occurrence: str):
    event = managed_event(event_id)
    day = _date_or_404(occurrence)
    body = parse_body(OccurrenceChange)
    override = occurrences.change_occurrence(
        db.session,
        event=event,
        day=day,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        title=body.title,
        location=body.location,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(changed_occurrence_out(event, override, ZoneInfo(event.timezone)))


@endpoint(
    "/events/<int:event_id>/occurrences/<occurrence>",
    "DELETE",
    summary="Restore one session: undo its cancellation or change",
    who="organizer; that troupe's leader",
    status=204,
    errors=(401, 404, 422),
)
def restore_occurrence(event_id: int, occurrence: str):
    event = managed_event(event_id)
    occurrences.restore_occurrence(
        db.session, event=event, day=_date_or_404(occurrence), actor=actor(), now=utcnow()
    )
    db.session.commit()
    return "", 204


@endpoint(
    "/events/<int:event_id>/attendance/<occurrence>",
    "PUT",
    summary="Record who came to one session",
    who="organizer; that troupe's leader",
    body=AttendanceIn,
    response=AttendanceOut,
    errors=(400, 401, 404, 422),
)
def record_attendance(event_id: int, occurrence: str):
    event = managed_event(event_id)
    day = _date_or_404(occurrence)
    body = parse_body(AttendanceIn)
    counts = attendance.record_attendance(
        db.session,
        event=event,
        day=day,
        present_ids=body.present,
        absent_ids=body.absent,
        actor=actor(),
        now=utcnow(),
    )
    db.session.commit()
    return respond(AttendanceOut(occurrence=day, **counts))


@endpoint(
    "/troupes/<int:troupe_id>/attendance",
    "GET",
    summary="Per member: sessions whose attendance was taken, attended, rate",
    who="organizer; that troupe's leader",
    response=MemberAttendanceOut,
    paginated=True,
    errors=(400, 401, 404),
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
)
def troupe_attendance(troupe_id: int):
    troupe = load_managed_troupe(db.session, actor(), troupe_id)
    page, per_page = page_params()
    window = window_from_args() or (bounds.EARLIEST_MOMENT, bounds.LATEST_MOMENT)
    rows = queries.attendance_rates(db.session, troupe.id, *window)
    items = [
        MemberAttendanceOut(
            person_id=r.person_id,
            name=r.name,
            sessions=r.sessions,
            attended=r.attended,
            rate=None if r.rate is None else round(r.rate, 4),
        )
        for r in rows[(page - 1) * per_page : page * per_page]
    ]
    return respond_page(Page(items, page, per_page, len(rows)), MemberAttendanceOut)
