"""Reads of schedules: an owner's events and their occurrences in a window, and attendance.

Each read costs a fixed number of queries: the owner's events in the window, then their
cancellations and changes by the events' owner (not by a list of ids). The feeds' reads are
in ``feed_queries``, the clashes between events in ``clash_queries``.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from festival.db import local_date
from festival.festivals.models import Festival
from festival.schedules import recurrence
from festival.schedules.models import (
    Attendance,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.troupes.membership_dates import member_on, was_member_on
from festival.troupes.models import Membership, Person, Troupe


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


def owner_condition(troupe_id: int | None, festival_id: int | None, public_only: bool):
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
        session, owner_condition(troupe_id, festival_id, public_only), after=after, before=before
    )


def events_by_id(
    session: Session,
    event_ids: Collection[int],
    *,
    after: datetime | None = None,
    before: datetime | None = None,
) -> list[Event]:
    """The events ``event_ids`` (those touching [after, before) when given), each with its
    cancellations and changed occurrences loaded: three queries."""
    return _events_where(session, Event.id.in_(list(event_ids)), after=after, before=before)


def leader_events(
    session: Session, leader_id: int, *, after: datetime, before: datetime
) -> list[Event]:
    """The events of every troupe a leader leads that touch [after, before), with their
    troupe, cancellations and changed occurrences loaded: three queries."""
    led = Event.troupe_id.in_(select(Troupe.id).where(Troupe.leader_id == leader_id))
    return _events_where(session, led, after=after, before=before, with_troupe=True)


def organization_events(
    session: Session, organization_id: int, *, after: datetime, before: datetime
) -> list[Event]:
    """The events touching [after, before) of an organisation's own troupes and festivals (not
    those of the organisations under it), with their cancellations and changed occurrences
    loaded: three queries whatever the number of troupes, festivals or events."""
    own = or_(
        Event.troupe_id.in_(select(Troupe.id).where(Troupe.organization_id == organization_id)),
        Event.festival_id.in_(
            select(Festival.id).where(Festival.organization_id == organization_id)
        ),
    )
    return _events_where(session, own, after=after, before=before)


# When a session whose attendance was taken was held: a moved session's new start, else its
# original start (the attendance's key). Queries using it outer-join ``EventOverride``
# (``_with_overrides``).
HELD_AT = func.coalesce(EventOverride.starts_at, Attendance.occurrence_at)


def _with_overrides(query):
    return query.outerjoin(
        EventOverride,
        and_(
            EventOverride.event_id == Attendance.event_id,
            EventOverride.occurrence_at == Attendance.occurrence_at,
        ),
    )


def _held_between(after: datetime, before: datetime | None = None):
    """A condition on attendance rows: their session was held in [after, before). It first
    asks for an original start in the window, or a session moved into it (overrides are few),
    so that the database reads the window through its indexes rather than every row the
    troupe ever recorded; ``HELD_AT`` then decides."""

    def within(moment):
        return moment >= after if before is None else and_(moment >= after, moment < before)

    moved_in = select(EventOverride.event_id, EventOverride.occurrence_at).where(
        within(EventOverride.starts_at)
    )
    return and_(
        or_(
            within(Attendance.occurrence_at),
            tuple_(Attendance.event_id, Attendance.occurrence_at).in_(moved_in),
        ),
        within(HELD_AT),
    )


def recorded_sessions(
    session: Session, leader_id: int, *, after: datetime
) -> set[tuple[int, datetime]]:
    """(event id, original start) of the sessions held since ``after`` by a leader's troupes
    whose attendance was taken: one query."""
    query = (
        select(Attendance.event_id, Attendance.occurrence_at)
        .distinct()
        .join(Event, Attendance.event_id == Event.id)
        .join(Troupe, Event.troupe_id == Troupe.id)
    )
    return set(
        session.execute(
            _with_overrides(query).where(Troupe.leader_id == leader_id, _held_between(after))
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
        set_loaded(event, "cancellations", [])
        set_loaded(event, "overrides", [])
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


def set_loaded(event: Event, attribute: str, value: list) -> None:
    """Set a relationship as loaded (no lazy load follows) with rows read by another query."""
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


@dataclass(frozen=True)
class AttendanceLine:
    person_id: int
    name: str
    role: str
    present: bool | None  # None: not recorded yet
    joined_on: date | None = None
    counts: bool = True  # a member on the session's day (else "not yet a member")


def attendance_sheet(
    session: Session, event: Event, original: datetime, *, held_on: date
) -> list[AttendanceLine]:
    """The troupe's members with what was recorded for the session that starts at
    ``original`` and is held on ``held_on`` (a moved session's new day): two queries in one.
    Those who joined after that day are listed with ``counts`` false."""
    rows = session.execute(
        select(Person.id, Person.name, Membership.role, Attendance.present, Membership.joined_on)
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
        AttendanceLine(
            person_id, name, str(role), present, joined_on, was_member_on(joined_on, held_on)
        )
        for person_id, name, role, present, joined_on in rows
    ]


@dataclass(frozen=True)
class MemberAttendance:
    person_id: int
    name: str
    sessions: int  # sessions in the period whose attendance was taken, since they joined
    attended: int
    joined_on: date | None = None

    @property
    def rate(self) -> float | None:
        return None if not self.sessions else self.attended / self.sessions


def _sessions_taken(troupes, after: datetime, before: datetime):
    """The sessions held in [after, before) by the troupes ``troupes`` names (a condition on
    ``Event.troupe_id``) whose attendance was taken, with their troupe, event's zone, when they
    were held (``held_at``: a moved session's new start) and its local day (``day``), as a
    subquery. Attendance stays keyed by the original start (``occurrence_at``)."""
    query = select(
        Event.troupe_id,
        Event.timezone.label("zone"),
        Attendance.event_id,
        Attendance.occurrence_at,
        HELD_AT.label("held_at"),
        local_date(HELD_AT, Event.timezone).label("day"),
    ).join(Event, Event.id == Attendance.event_id)
    return _with_overrides(query).where(troupes, _held_between(after, before)).distinct().subquery()


def attendance_rates(
    session: Session, troupe_id: int, after: datetime, before: datetime
) -> list[MemberAttendance]:
    """Per member: of the sessions in [after, before) whose attendance was taken on or after
    the day they joined, how many they came to. Computed in SQL: one query whatever the
    number of sessions or members."""
    held = _sessions_taken(Event.troupe_id == troupe_id, after, before)
    # Each member against each session held since they joined, with what was recorded.
    counted = (
        select(
            Membership.person_id,
            func.count().label("sessions"),
            func.sum(case((Attendance.present.is_(True), 1), else_=0)).label("attended"),
        )
        .join(held, member_on(held.c.day))
        .outerjoin(
            Attendance,
            and_(
                Attendance.event_id == held.c.event_id,
                Attendance.occurrence_at == held.c.occurrence_at,
                Attendance.person_id == Membership.person_id,
            ),
        )
        .where(Membership.troupe_id == troupe_id)
        .group_by(Membership.person_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Person.id,
            Person.name,
            func.coalesce(counted.c.sessions, 0),
            func.coalesce(counted.c.attended, 0),
            Membership.joined_on,
        )
        .join(Membership, Membership.person_id == Person.id)
        .outerjoin(counted, counted.c.person_id == Person.id)
        .where(Membership.troupe_id == troupe_id)
        .order_by(Person.name, Person.id)
    )
    return [
        MemberAttendance(person_id, name, sessions, int(attended), joined_on)
        for person_id, name, sessions, attended, joined_on in rows
    ]


def sessions_taken(session: Session, troupe_id: int, after: datetime, before: datetime) -> int:
    """How many of the troupe's sessions in [after, before) had their attendance taken."""
    held = _sessions_taken(Event.troupe_id == troupe_id, after, before)
    return session.execute(select(func.count()).select_from(held)).scalar_one()


def attendance_rate(present: int, recorded: int) -> float | None:
    """The rate of a troupe's sessions (a week's, a month's, a year's): ticks present over the
    members on each session's day (a member not ticked counts as absent, one who had not joined
    yet does not count); None when no attendance was taken."""
    return None if not recorded else present / recorded


@dataclass(frozen=True)
class SessionAttendance:
    """One session whose attendance was taken: the members on its day (``recorded``) and how
    many of them were ticked present."""

    troupe_id: int
    event_id: int
    occurrence_at: datetime  # the original start, UTC (the attendance's key)
    held_at: datetime  # when it was held (a moved session's new start), UTC
    zone: str  # the event's time zone
    recorded: int
    present: int


def session_attendance(
    session: Session, troupes, after: datetime, before: datetime
) -> list[SessionAttendance]:
    """Per session in [after, before) of the troupes ``troupes`` names (a condition on
    ``Event.troupe_id``, e.g. ``Event.troupe_id == 5`` or ``Event.troupe_id.in_(subquery)``)
    whose attendance was taken: the members on its day and the ticks present, counted as
    ``attendance_rates`` counts them. One query whatever the number of troupes or sessions."""
    held = _sessions_taken(troupes, after, before)
    # Each session against each member on its day, with what was recorded: as in the rates.
    rows = session.execute(
        select(
            held.c.troupe_id,
            held.c.event_id,
            held.c.occurrence_at,
            held.c.held_at,
            held.c.zone,
            func.count(Membership.person_id),
            func.sum(case((Attendance.present.is_(True), 1), else_=0)),
        )
        .select_from(held)
        .outerjoin(
            Membership, and_(Membership.troupe_id == held.c.troupe_id, member_on(held.c.day))
        )
        .outerjoin(
            Attendance,
            and_(
                Attendance.event_id == held.c.event_id,
                Attendance.occurrence_at == held.c.occurrence_at,
                Attendance.person_id == Membership.person_id,
            ),
        )
        .group_by(
            held.c.troupe_id, held.c.event_id, held.c.occurrence_at, held.c.held_at, held.c.zone
        )
    )
    return [
        SessionAttendance(
            troupe_id, event_id, occurrence_at, held_at, zone, recorded, int(present or 0)
        )
        for troupe_id, event_id, occurrence_at, held_at, zone, recorded, present in rows
    ]


@dataclass(frozen=True)
class WeekAttendance:
    week_start: date
    sessions: int
    present: int
    recorded: int

    @property
    def rate(self) -> float | None:
        return attendance_rate(self.present, self.recorded)


def weekly_attendance(
    session: Session, troupe_id: int, after: datetime, before: datetime, zone: ZoneInfo
) -> list[WeekAttendance]:
    """Per local week (Monday first): sessions whose attendance was taken, ticks present and
    the members of the session's day (as ``attendance_rates`` counts them, so the two agree:
    a member not ticked present counts as absent). One query; weeks without a session are listed
    with zeros."""
    weeks: dict[date, list[int]] = {}
    for held in session_attendance(session, Event.troupe_id == troupe_id, after, before):
        day = held.held_at.astimezone(zone).date()
        week = day - timedelta(days=day.weekday())
        totals = weeks.setdefault(week, [0, 0, 0])
        totals[0] += 1
        totals[1] += held.present
        totals[2] += held.recorded
    first_day = after.astimezone(zone).date()
    last_day = (before - timedelta(seconds=1)).astimezone(zone).date()
    week = first_day - timedelta(days=first_day.weekday())
    result = []
    while week <= last_day:
        sessions, present, recorded = weeks.get(week, [0, 0, 0])
        result.append(WeekAttendance(week, sessions, present, recorded))
        week += timedelta(days=7)
    return result
