"""Reads of schedules: occurrences in a window, feed contents, clashes and attendance.

Each read costs a fixed number of queries: the owner's events in the window, then their
cancellations and changes by the events' owner (not by a list of ids).
"""

import hmac
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Dialect, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from festival.core import bounds
from festival.festivals.models import Festival
from festival.schedules import recurrence
from festival.schedules.ical import FeedEvent, FeedOverride
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.troupes.models import Membership, Person, Troupe
from festival.web.labels import label


def series_of(event: Event) -> recurrence.Series:
    """The event as the expander needs it (its cancellations and overrides must be loaded)."""
    tz = ZoneInfo(event.timezone)
    return recurrence.Series(
        event_id=event.id,
        starts_at=event.starts_at.astimezone(tz),
        ends_at=event.ends_at.astimezone(tz),
        rule=event.rrule,
        title=event.title,
        location=event.location,
        cancelled=frozenset(row.occurrence_at for row in event.cancellations),
        changes={
            row.occurrence_at: recurrence.Change(
                row.starts_at, row.ends_at, row.title, row.location
            )
            for row in event.overrides
        },
    )


def _owner_filter(troupe_id: int | None, festival_id: int | None, public_only: bool):
    condition = Event.troupe_id == troupe_id if troupe_id else Event.festival_id == festival_id
    return and_(condition, Event.is_public.is_(True)) if public_only else condition


def owner_events(
    session: Session,
    *,
    troupe_id: int | None = None,
    festival_id: int | None = None,
    public_only: bool = False,
    after: datetime | None = None,
    before: datetime | None = None,
) -> list[Event]:
    """A troupe's or festival's events (those touching [after, before) when given), each with
    its cancellations and changed occurrences loaded: three queries."""
    return _events_where(
        session, _owner_filter(troupe_id, festival_id, public_only), after=after, before=before
    )


def leader_events(
    session: Session, leader_id: int, *, after: datetime, before: datetime
) -> list[Event]:
    """The events of every troupe a leader leads that touch [after, before), with their
    troupe, cancellations and changed occurrences loaded: three queries."""
    led = Event.troupe_id.in_(select(Troupe.id).where(Troupe.leader_id == leader_id))
    return _events_where(session, led, after=after, before=before, with_troupe=True)


def recorded_sessions(
    session: Session, leader_id: int, *, after: datetime
) -> set[tuple[int, datetime]]:
    """(event id, original start) of the sessions since ``after`` of a leader's troupes whose
    attendance was taken: one query."""
    return set(
        session.execute(
            select(Attendance.event_id, Attendance.occurrence_at)
            .distinct()
            .join(Event, Attendance.event_id == Event.id)
            .join(Troupe, Event.troupe_id == Troupe.id)
            .where(Troupe.leader_id == leader_id, Attendance.occurrence_at >= after)
        ).all()
    )


def _events_where(
    session: Session,
    owner,
    *,
    after: datetime | None,
    before: datetime | None,
    with_troupe: bool = False,
) -> list[Event]:
    window = []
    if before is not None or after is not None:
        # A changed occurrence may lie outside its series' span (before its first session or
        # after its last); overrides are few, so such a series is loaded and the expander decides.
        span, moved = [], []
        if before is not None:
            span.append(Event.starts_at < before)
            moved.append(EventOverride.starts_at < before)
        if after is not None:
            span.append(Event.series_ends_at > after)
            moved.append(EventOverride.ends_at > after)
        window.append(or_(and_(*span), Event.id.in_(select(EventOverride.event_id).where(*moved))))
    query = select(Event).where(owner, *window).order_by(Event.starts_at, Event.id)
    if with_troupe:
        query = query.options(joinedload(Event.troupe))
    events = list(session.execute(query).scalars())
    by_id = {event.id: event for event in events}
    for event in events:
        _set_loaded(event, "cancellations", [])
        _set_loaded(event, "overrides", [])
    if not events:
        return events
    for model, attribute in ((EventCancellation, "cancellations"), (EventOverride, "overrides")):
        rows = session.execute(
            select(model)
            .join(Event, model.event_id == Event.id)
            .where(owner)
            .order_by(model.occurrence_at)
        ).scalars()
        for row in rows:
            if row.event_id in by_id:
                getattr(by_id[row.event_id], attribute).append(row)
    return events


def _set_loaded(event: Event, attribute: str, value: list) -> None:
    set_committed_value(event, attribute, value)


def occurrences_between(
    events: Sequence[Event], after: datetime, before: datetime, *, with_cancelled: bool = False
) -> list[recurrence.Occurrence]:
    """Every occurrence of these events touching [after, before), in time order."""
    found = [
        occurrence
        for event in events
        for occurrence in recurrence.expand(
            series_of(event), after, before, with_cancelled=with_cancelled
        )
    ]
    found.sort(key=lambda occurrence: (occurrence.starts_at, occurrence.event_id))
    return found


def month_window(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The local month as a [start, end) pair of aware datetimes."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (datetime.combine(first, time(0), zone), datetime.combine(following, time(0), zone))


def month_weeks(month: date) -> list[list[date]]:
    """The weeks (Monday first) that show a month in a calendar grid."""
    first = month.replace(day=1)
    start = first - timedelta(days=first.weekday())
    following = (first + timedelta(days=32)).replace(day=1)
    weeks = []
    day = start
    while day < following:
        weeks.append([day + timedelta(days=offset) for offset in range(7)])
        day += timedelta(days=7)
    return weeks


def feed_events(
    session: Session,
    *,
    troupe_id: int | None = None,
    festival_id: int | None = None,
    public_only: bool = False,
) -> list[FeedEvent]:
    """Everything a feed shows, as plain values for ``ical.build_calendar``: the events within
    the dates the application holds (a row outside them, which the services refuse, is left
    out rather than failing the feed)."""
    items = []
    for event in owner_events(
        session,
        troupe_id=troupe_id,
        festival_id=festival_id,
        public_only=public_only,
        after=bounds.EARLIEST_MOMENT,
        before=bounds.LATEST_MOMENT,
    ):
        tz = ZoneInfo(event.timezone)
        if not all(
            bounds.EARLIEST_MOMENT <= moment <= bounds.LATEST_MOMENT
            for moment in (
                event.starts_at,
                event.ends_at,
                event.series_ends_at,
                *(
                    moment
                    for row in event.overrides
                    for moment in (row.occurrence_at, row.starts_at, row.ends_at)
                ),
                *(row.occurrence_at for row in event.cancellations),
            )
        ):
            continue
        duration = event.ends_at - event.starts_at
        overrides = [
            FeedOverride(
                original_start=row.occurrence_at.astimezone(tz),
                starts_at=row.starts_at.astimezone(tz),
                ends_at=row.ends_at.astimezone(tz),
                title=row.title or event.title,
                location=event.location if row.location is None else row.location,
                sequence=max(row.sequence, event.sequence),
                updated_at=row.updated_at,
            )
            for row in event.overrides
            if row.occurrence_at not in {c.occurrence_at for c in event.cancellations}
        ]
        items.append(
            FeedEvent(
                uid=event.uid,
                title=event.title,
                starts_at=event.starts_at.astimezone(tz),
                ends_at=event.starts_at.astimezone(tz) + duration,
                location=event.location,
                description=event.notes,
                rule=event.rrule,
                series_ends_at=event.series_ends_at,
                sequence=event.sequence,
                created_at=event.created_at,
                updated_at=event.updated_at,
                categories=str(label("event_kind", event.kind)),
                cancelled=[row.occurrence_at.astimezone(tz) for row in event.cancellations],
                overrides=overrides,
            )
        )
    return items


@dataclass(frozen=True)
class FeedState:
    """What a poll is answered from: whether the kept bytes are current, and their ETag."""

    id: int
    version: int
    body_version: int | None
    etag: str | None
    changed_at: datetime

    @property
    def is_current(self) -> bool:
        return self.body_version == self.version and bool(self.etag)


_feeds = CalendarFeed.__table__.c
_FEED_STATE = select(
    _feeds.id, _feeds.secret, _feeds.version, _feeds.body_version, _feeds.etag, _feeds.changed_at
).where(_feeds.selector == bindparam("selector"), _feeds.troupe_id.is_not(None))
_FEED_BODY = select(_feeds.body).where(_feeds.id == bindparam("feed_id"))


@dataclass(frozen=True)
class _DriverStatement:
    """``_FEED_STATE`` compiled once for a kind of database, as its driver takes it."""

    sql: str
    positional: bool
    read_changed_at: Callable[[Any], datetime]


_driver_statements: dict[tuple[str, str], _DriverStatement] = {}


def _driver_statement(dialect: Dialect) -> _DriverStatement:
    key = (dialect.name, dialect.driver)
    if key not in _driver_statements:
        compiled = _FEED_STATE.compile(dialect=dialect)
        changed_at = _feeds.changed_at.type.dialect_impl(dialect)
        _driver_statements[key] = _DriverStatement(
            sql=compiled.string,
            positional=compiled.positional,
            read_changed_at=changed_at.result_processor(dialect, None) or (lambda value: value),
        )
    return _driver_statements[key]


def troupe_feed_state(connection: Connection, secret: str) -> FeedState | None:
    """The state of the troupe feed of a subscription URL's secret, found by its selector
    and compared in constant time.

    Most polls end here with a 304, so the statement goes to the driver's cursor through
    ``Connection._cursor_execute``, SQLAlchemy's own path for statements it did not compile
    (events, logging, disconnect handling) without an execution context and a result
    object: those took a quarter of a poll on PostgreSQL, as long as the round trip.
    """
    if not secret or len(secret) > 64:
        return None
    statement = _driver_statement(connection.dialect)
    selector = secret[:16]
    cursor = connection.connection.cursor()
    try:
        connection._cursor_execute(
            cursor, statement.sql, (selector,) if statement.positional else {"selector": selector}
        )
        row = cursor.fetchone()
    finally:
        cursor.close()
    if row is None:
        return None
    feed_id, stored_secret, version, body_version, etag, changed_at = row
    if not hmac.compare_digest(stored_secret.encode(), secret.encode()):
        return None
    return FeedState(
        id=feed_id,
        version=version,
        body_version=body_version,
        etag=etag,
        changed_at=statement.read_changed_at(changed_at),
    )


def feed_body(connection: Connection, feed_id: int) -> bytes | None:
    return connection.execute(_FEED_BODY, {"feed_id": feed_id}).scalar_one_or_none()


def festival_by_slug(session: Session, slug: str) -> Festival | None:
    return session.execute(select(Festival).where(Festival.slug == slug)).scalar_one_or_none()


def festival_feed(session: Session, festival_id: int) -> CalendarFeed | None:
    return session.execute(
        select(CalendarFeed).where(CalendarFeed.festival_id == festival_id)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class ScheduleClash:
    """Another event at the same time: of the same troupe, of a troupe sharing members, or at
    the same venue."""

    kind: str  # "troupe", "people" or "venue"
    other_title: str
    owner_name: str
    first_at: datetime
    count: int
    people: tuple[str, ...] = ()
    people_total: int = 0

    @property
    def message(self):
        when = f"{format_date(self.first_at, 'long')} {self.first_at:%H:%M}"
        more = _l(" (and %(n)d more times)", n=self.count - 1) if self.count > 1 else ""
        if self.kind == "venue":
            return _l(
                "The venue is also booked for %(title)s of %(owner)s on %(when)s%(more)s.",
                title=self.other_title,
                owner=self.owner_name,
                when=when,
                more=more,
            )
        if self.kind == "troupe":
            return _l(
                "This troupe also has %(title)s on %(when)s%(more)s.",
                title=self.other_title,
                when=when,
                more=more,
            )
        names = "、".join(self.people)
        if self.people_total > len(self.people):
            names = str(
                _l(
                    "%(names)s and %(n)d others",
                    names=names,
                    n=self.people_total - len(self.people),
                )
            )
        return _l(
            "%(names)s also belong to %(owner)s, which has %(title)s on %(when)s%(more)s.",
            names=names,
            owner=self.owner_name,
            title=self.other_title,
            when=when,
            more=more,
        )


def clashes_for(session: Session, event: Event, *, limit: int = 10) -> list[ScheduleClash]:
    """Other events that overlap this one's sessions: a warning, never a refusal."""
    people_troupes = select(Membership.troupe_id).where(
        Membership.person_id.in_(
            select(Membership.person_id).where(Membership.troupe_id == event.troupe_id)
        )
    )
    related = (
        [or_(Event.troupe_id == event.troupe_id, Event.troupe_id.in_(people_troupes))]
        if event.troupe_id
        else []
    )
    if event.location:
        related.append(Event.location == event.location)
    if not related:
        return []
    candidates = list(
        session.execute(
            select(Event)
            .where(
                Event.id != event.id,
                Event.starts_at < event.series_ends_at,
                Event.series_ends_at > event.starts_at,
                or_(*related),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(200)
        )
        .unique()
        .scalars()
    )
    if not candidates:
        return []
    owners = _owner_names(session, candidates)
    shared = (
        _shared_people(session, event.troupe_id, {c.troupe_id for c in candidates})
        if event.troupe_id
        else {}
    )
    mine = occurrences_between([event], event.starts_at, event.series_ends_at)
    clashes = []
    for other in _with_exceptions(session, candidates):
        theirs = occurrences_between([other], event.starts_at, event.series_ends_at)
        first, count = _overlaps(mine, theirs)
        if first is None:
            continue
        if other.troupe_id is not None and other.troupe_id == event.troupe_id:
            kind, people = "troupe", []
        elif other.troupe_id is not None and other.troupe_id in shared:
            kind, people = "people", shared[other.troupe_id]
        else:
            kind, people = "venue", []
        clashes.append(
            ScheduleClash(
                kind=kind,
                other_title=other.title,
                owner_name=owners.get(other.id, ""),
                first_at=first.starts_at,
                count=count,
                people=tuple(people[:5]),
                people_total=len(people),
            )
        )
        if len(clashes) >= limit:
            break
    return clashes


def _with_exceptions(session: Session, events: list[Event]) -> list[Event]:
    ids = [event.id for event in events]
    by_id = {event.id: event for event in events}
    for event in events:
        _set_loaded(event, "cancellations", [])
        _set_loaded(event, "overrides", [])
    for model, attribute in ((EventCancellation, "cancellations"), (EventOverride, "overrides")):
        for row in session.execute(select(model).where(model.event_id.in_(ids))).scalars():
            getattr(by_id[row.event_id], attribute).append(row)
    return events


def _overlaps(
    mine: list[recurrence.Occurrence], theirs: list[recurrence.Occurrence]
) -> tuple[recurrence.Occurrence | None, int]:
    """The first of my occurrences that overlaps one of theirs, and how many do (both sorted)."""
    first, count, j = None, 0, 0
    for occurrence in mine:
        while j < len(theirs) and theirs[j].ends_at <= occurrence.starts_at:
            j += 1
        k = j
        while k < len(theirs) and theirs[k].starts_at < occurrence.ends_at:
            if theirs[k].ends_at > occurrence.starts_at:
                first = first or occurrence
                count += 1
                break
            k += 1
    return first, count


def _owner_names(session: Session, events: list[Event]) -> dict[int, str]:
    troupe_ids = {e.troupe_id for e in events if e.troupe_id}
    festival_ids = {e.festival_id for e in events if e.festival_id and not e.troupe_id}
    troupes = (
        dict(session.execute(select(Troupe.id, Troupe.name).where(Troupe.id.in_(troupe_ids))).all())
        if troupe_ids
        else {}
    )
    festivals = (
        dict(
            session.execute(
                select(Festival.id, Festival.name).where(Festival.id.in_(festival_ids))
            ).all()
        )
        if festival_ids
        else {}
    )
    return {e.id: troupes.get(e.troupe_id) or festivals.get(e.festival_id, "") for e in events}


def _shared_people(session: Session, troupe_id: int, other_ids: set) -> dict[int, list[str]]:
    other = aliased(Membership)
    rows = session.execute(
        select(other.troupe_id, Person.name)
        .join(Membership, Membership.person_id == other.person_id)
        .join(Person, Person.id == other.person_id)
        .where(
            Membership.troupe_id == troupe_id,
            other.troupe_id != troupe_id,
            other.troupe_id.in_([i for i in other_ids if i]),
        )
        .order_by(other.troupe_id, Person.name)
    )
    shared: dict[int, list[str]] = defaultdict(list)
    for other_troupe_id, name in rows:
        shared[other_troupe_id].append(name)
    return shared


@dataclass(frozen=True)
class AttendanceLine:
    person_id: int
    name: str
    role: str
    present: bool | None  # None: not recorded yet


def attendance_sheet(session: Session, event: Event, original: datetime) -> list[AttendanceLine]:
    """The troupe's members with what was recorded for one session: two queries in one."""
    rows = session.execute(
        select(Person.id, Person.name, Membership.role, Attendance.present)
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(
            Attendance,
            and_(
                Attendance.person_id == Person.id,
                Attendance.event_id == event.id,
                Attendance.occurrence_at == original,
            ),
        )
        .where(Membership.troupe_id == event.troupe_id)
        .order_by(Membership.role.desc(), Person.name, Person.id)
    )
    return [
        AttendanceLine(person_id, name, str(role), present)
        for person_id, name, role, present in rows
    ]


@dataclass(frozen=True)
class MemberAttendance:
    person_id: int
    name: str
    sessions: int  # sessions in the period whose attendance was taken
    attended: int

    @property
    def rate(self) -> float | None:
        return None if not self.sessions else self.attended / self.sessions


def attendance_rates(
    session: Session, troupe_id: int, after: datetime, before: datetime
) -> list[MemberAttendance]:
    """Per member: of the sessions in [after, before) whose attendance was taken, how many they
    came to. Computed in SQL: two queries whatever the number of sessions."""
    in_period = and_(
        Event.troupe_id == troupe_id,
        Attendance.occurrence_at >= after,
        Attendance.occurrence_at < before,
    )
    held = (
        select(Attendance.event_id, Attendance.occurrence_at)
        .join(Event, Event.id == Attendance.event_id)
        .where(in_period)
        .distinct()
        .subquery()
    )
    sessions = session.execute(select(func.count()).select_from(held)).scalar_one()
    attended = (
        select(Attendance.person_id, func.count().label("attended"))
        .join(Event, Event.id == Attendance.event_id)
        .where(in_period, Attendance.present.is_(True))
        .group_by(Attendance.person_id)
        .subquery()
    )
    rows = session.execute(
        select(Person.id, Person.name, func.coalesce(attended.c.attended, 0))
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(attended, attended.c.person_id == Person.id)
        .where(Membership.troupe_id == troupe_id)
        .order_by(Person.name, Person.id)
    )
    return [MemberAttendance(person_id, name, sessions, count) for person_id, name, count in rows]


@dataclass(frozen=True)
class WeekAttendance:
    week_start: date
    sessions: int
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return None if not self.recorded else self.present / self.recorded


def weekly_attendance(
    session: Session, troupe_id: int, after: datetime, before: datetime, zone: ZoneInfo
) -> list[WeekAttendance]:
    """Per local week (Monday first): sessions whose attendance was taken, ticks present and
    ticks recorded. One query; weeks without a session are listed with zeros."""
    rows = session.execute(
        select(
            Attendance.event_id,
            Attendance.occurrence_at,
            func.count(),
            func.sum(case((Attendance.present.is_(True), 1), else_=0)),
        )
        .join(Event, Event.id == Attendance.event_id)
        .where(
            Event.troupe_id == troupe_id,
            Attendance.occurrence_at >= after,
            Attendance.occurrence_at < before,
        )
        .group_by(Attendance.event_id, Attendance.occurrence_at)
    )
    weeks: dict[date, list[int]] = {}
    for _event_id, occurrence_at, recorded, present in rows:
        day = occurrence_at.astimezone(zone).date()
        week = day - timedelta(days=day.weekday())
        totals = weeks.setdefault(week, [0, 0, 0])
        totals[0] += 1
        totals[1] += int(present or 0)
        totals[2] += recorded
    first_day = after.astimezone(zone).date()
    last_day = (before - timedelta(seconds=1)).astimezone(zone).date()
    week = first_day - timedelta(days=first_day.weekday())
    result = []
    while week <= last_day:
        sessions, present, recorded = weeks.get(week, [0, 0, 0])
        result.append(WeekAttendance(week, sessions, present, recorded))
        week += timedelta(days=7)
    return result
