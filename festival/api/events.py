"""Schedules: events and series of troupes and festivals. Their single sessions and
attendance are in ``event_sessions``, the troupe's secret calendar feed in ``calendars``."""

from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field

from festival.api.envelope import actor, page_params, parse_body, respond, respond_page
from festival.api.lookups import get_or_404
from festival.api.registry import endpoint
from festival.api.schemas import EventDateTime
from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, NotFound
from festival.core.pagination import Page
from festival.db import db
from festival.festivals import permissions as festival_permissions
from festival.festivals.models import Festival
from festival.festivals.queries import load_managed_festival
from festival.schedules import permissions, queries, services
from festival.schedules.clash_queries import clashes_for
from festival.schedules.event_details import EventDetails, local_time
from festival.schedules.models import Event, EventOverride
from festival.troupes.queries import load_managed_troupe
from festival.web.auth import require

Kind = Literal["rehearsal", "training", "practice", "performance", "exhibition", "meeting"]


class EventCreate(BaseModel):
    title: str = Field(max_length=200)
    kind: Kind
    starts_at: EventDateTime
    ends_at: EventDateTime
    location: str = Field(default="", max_length=200)
    rrule: str | None = Field(default=None, max_length=500)
    notes: str = Field(default="", max_length=4000)
    public: bool = False


class EventUpdate(BaseModel):
    title: str | None = Field(default=None, max_length=200)
    kind: Kind | None = None
    starts_at: EventDateTime | None = None
    ends_at: EventDateTime | None = None
    location: str | None = Field(default=None, max_length=200)
    rrule: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=4000)
    public: bool | None = None


class ChangedOccurrenceOut(BaseModel):
    occurrence: date
    starts_at: datetime
    ends_at: datetime
    title: str
    location: str


class OccurrenceOut(BaseModel):
    occurrence: date
    starts_at: datetime
    ends_at: datetime
    title: str
    location: str
    changed: bool
    cancelled: bool


class EventOut(BaseModel):
    id: int
    uid: str
    troupe_id: int | None
    festival_id: int | None
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    notes: str
    public: bool
    rrule: str | None
    series_ends_at: datetime
    sequence: int
    updated_at: datetime
    cancellations: list[date]
    changes: list[ChangedOccurrenceOut]
    occurrences: list[OccurrenceOut] | None = None
    warnings: list[str] = Field(default_factory=list)


def event_out(event: Event, *, occurrences=None, warnings=()) -> EventOut:
    tz = ZoneInfo(event.timezone)
    cancelled = {row.occurrence_at for row in event.cancellations}
    return EventOut(
        id=event.id,
        uid=event.uid,
        troupe_id=event.troupe_id,
        festival_id=event.festival_id,
        title=event.title,
        kind=event.kind.value,
        starts_at=event.starts_at.astimezone(tz),
        ends_at=event.ends_at.astimezone(tz),
        timezone=event.timezone,
        location=event.location,
        notes=event.notes,
        public=event.is_public,
        rrule=event.rrule,
        series_ends_at=event.series_ends_at.astimezone(tz),
        sequence=event.sequence,
        updated_at=event.updated_at,
        cancellations=[row.occurrence_at.astimezone(tz).date() for row in event.cancellations],
        changes=[
            changed_occurrence_out(event, row, tz)
            for row in event.overrides
            if row.occurrence_at not in cancelled
        ],
        occurrences=None
        if occurrences is None
        else [
            OccurrenceOut(
                occurrence=o.original_start.astimezone(tz).date(),
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                title=o.title,
                location=o.location,
                changed=o.is_changed,
                cancelled=o.is_cancelled,
            )
            for o in occurrences
        ],
        warnings=[str(message) for message in warnings],
    )


def changed_occurrence_out(event: Event, row: EventOverride, tz: ZoneInfo) -> ChangedOccurrenceOut:
    return ChangedOccurrenceOut(
        occurrence=row.occurrence_at.astimezone(tz).date(),
        starts_at=row.starts_at.astimezone(tz),
        ends_at=row.ends_at.astimezone(tz),
        title=row.title or event.title,
        location=event.location if row.location is None else row.location,
    )


def _clash_messages(event: Event) -> list[str]:
    return [str(clash.message) for clash in clashes_for(db.session, event)]


def _details(body: EventCreate) -> EventDetails:
    return EventDetails(
        title=body.title,
        kind=body.kind,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        location=body.location,
        notes=body.notes,
        is_public=body.public,
        rule=body.rrule,
    )


def _uid_domain() -> str:
    return current_app.config["CALENDAR_UID_DOMAIN"]


def managed_event(event_id: int) -> Event:
    """The event if the caller may change it; 404 otherwise (nothing of others' is revealed)."""
    require(actor().is_authenticated)
    event = get_or_404(Event, event_id)
    if not permissions.can_manage_event(actor(), event):
        raise NotFound()
    return event


def window_from_args() -> tuple[datetime, datetime] | None:
    """?from=&to= as local dates (``to`` inclusive), or None when neither is given."""
    raw_from, raw_to = request.args.get("from"), request.args.get("to")
    if raw_from is None and raw_to is None:
        return None
    zone = ZoneInfo(current_app.config["DEFAULT_TIMEZONE"])
    try:
        first = (
            date.fromisoformat(raw_from)
            if raw_from
            else utcnow().astimezone(zone).date() - timedelta(days=30)
        )
        last = date.fromisoformat(raw_to) if raw_to else None
    except ValueError:
        raise BadRequest(fields={"from": [_l("Enter a date as YYYY-MM-DD.")]}) from None
    outside = {
        name: [bounds.date_message()]
        for name, day in (("from", first), ("to", last))
        if day is not None and not bounds.day_in_range(day)
    }
    if outside:
        raise BadRequest(fields=outside)
    last = last or first + timedelta(days=366)
    if last < first or (last - first).days > 800:
        raise BadRequest(
            fields={"to": [_l("Give a period of at most two years that starts before it ends.")]}
        )
    return (
        datetime.combine(first, time(0), zone),
        datetime.combine(last + timedelta(days=1), time(0), zone),
    )


def _list(
    *, troupe_id: int | None = None, festival_id: int | None = None, public_only: bool = False
):
    page, per_page = page_params()
    window = window_from_args()
    events = queries.owner_events(
        db.session,
        troupe_id=troupe_id,
        festival_id=festival_id,
        public_only=public_only,
        after=window[0] if window else None,
        before=window[1] if window else None,
    )
    chosen = events[(page - 1) * per_page : page * per_page]
    items = [
        event_out(
            event,
            occurrences=queries.occurrences_between([event], *window, with_cancelled=True)
            if window
            else None,
        )
        for event in chosen
    ]
    return respond_page(Page(items, page, per_page, len(events)), EventOut)


@endpoint(
    "/troupes/<int:troupe_id>/events",
    "POST",
    summary="Add an event or a series to a troupe",
    who="organizer; that troupe's leader",
    status=201,
    body=EventCreate,
    response=EventOut,
    errors=(400, 401, 404, 422),
)
def create_troupe_event(troupe_id: int):
    troupe = load_managed_troupe(db.session, actor(), troupe_id)
    body = parse_body(EventCreate)
    event = services.create_event(
        db.session,
        details=_details(body),
        troupe=troupe,
        zone=current_app.config["DEFAULT_TIMEZONE"],
        actor=actor(),
        now=utcnow(),
        uid_domain=_uid_domain(),
    )
    warnings = _clash_messages(event)
    db.session.commit()
    return respond(event_out(event, warnings=warnings), 201)


@endpoint(
    "/festivals/<int:festival_id>/events",
    "POST",
    summary="Add an event to a festival",
    who="organizer",
    status=201,
    body=EventCreate,
    response=EventOut,
    errors=(400, 401, 403, 404, 422),
)
def create_festival_event(festival_id: int):
    festival = load_managed_festival(db.session, actor(), festival_id)
    body = parse_body(EventCreate)
    event = services.create_event(
        db.session,
        details=_details(body),
        festival=festival,
        zone=festival.timezone,
        actor=actor(),
        now=utcnow(),
        uid_domain=_uid_domain(),
    )
    warnings = _clash_messages(event)
    db.session.commit()
    return respond(event_out(event, warnings=warnings), 201)


@endpoint(
    "/troupes/<int:troupe_id>/events",
    "GET",
    summary="A troupe's events and series",
    who="organizer; that troupe's leader",
    response=EventOut,
    paginated=True,
    errors=(400, 401, 404),
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
)
def list_troupe_events(troupe_id: int):
    troupe = load_managed_troupe(db.session, actor(), troupe_id)
    return _list(troupe_id=troupe.id)


@endpoint(
    "/festivals/<int:festival_id>/events",
    "GET",
    summary="A festival's events (anyone: its public events once it is opened)",
    who="organizer; anyone for public events",
    response=EventOut,
    paginated=True,
    errors=(400, 404),
    public=True,
    query={
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
    },
)
def list_festival_events(festival_id: int):
    festival = get_or_404(Festival, festival_id)
    if not festival_permissions.can_view_festival(actor(), festival):
        raise NotFound()
    manages = festival_permissions.can_manage_festival(actor(), festival)
    return _list(festival_id=festival.id, public_only=not manages)


@endpoint(
    "/events/<int:event_id>",
    "GET",
    summary="One event or series",
    who="organizer; that troupe's leader",
    response=EventOut,
    errors=(401, 404),
)
def get_event(event_id: int):
    return respond(event_out(managed_event(event_id)))


@endpoint(
    "/events/<int:event_id>",
    "PATCH",
    summary="Change an event or a whole series; calendars see it with a higher SEQUENCE",
    who="organizer; that troupe's leader",
    body=EventUpdate,
    response=EventOut,
    errors=(400, 401, 404, 422),
)
def update_event(event_id: int):
    event = managed_event(event_id)
    body = parse_body(EventUpdate)
    given = body.model_fields_set
    tz = ZoneInfo(event.timezone)
    details = EventDetails(
        title=event.title if body.title is None else body.title,
        kind=body.kind or event.kind,
        starts_at=body.starts_at or event.starts_at.astimezone(tz),
        ends_at=body.ends_at
        or (
            event.ends_at.astimezone(tz)
            if body.starts_at is None
            else local_time(body.starts_at, tz) + (event.ends_at - event.starts_at)
        ),
        location=event.location if body.location is None else body.location,
        notes=event.notes if body.notes is None else body.notes,
        is_public=event.is_public if body.public is None else body.public,
        rule=body.rrule if "rrule" in given else event.rrule,
    )
    services.update_event(db.session, event=event, details=details, actor=actor(), now=utcnow())
    warnings = _clash_messages(event)
    db.session.commit()
    return respond(event_out(event, warnings=warnings))


@endpoint(
    "/events/<int:event_id>",
    "DELETE",
    summary="Remove an event or a whole series",
    who="organizer; that troupe's leader",
    status=204,
    errors=(401, 404),
)
def delete_event(event_id: int):
    event = managed_event(event_id)
    services.delete_event(db.session, event=event, actor=actor(), now=utcnow())
    db.session.commit()
    return "", 204
