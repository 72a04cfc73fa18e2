"""Reads of the calendar feeds: what a feed shows, and the state a poll is answered from."""

import hmac
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Dialect, and_, bindparam, case, false, select, true
from sqlalchemy.orm import Session

from festival.core import bounds
from festival.festivals.models import Festival, FestivalStatus
from festival.schedules.ical import FeedEvent, FeedOverride, Reminders
from festival.schedules.models import (
    CalendarEventText,
    CalendarFeed,
    CalendarFeedBody,
    Event,
    EventKind,
)
from festival.schedules.queries import events_by_id, owner_condition, owner_events
from festival.troupes.models import Troupe
from festival.web.labels import label


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
    return _feed_events(
        owner_events(
            session,
            troupe_id=troupe_id,
            festival_id=festival_id,
            public_only=public_only,
            after=bounds.EARLIEST_MOMENT,
            before=bounds.LATEST_MOMENT,
        )
    )


def feed_events_by_id(session: Session, event_ids: Collection[int]) -> list[FeedEvent]:
    """Those of the events ``event_ids`` a feed would show (see ``feed_events``)."""
    return _feed_events(
        events_by_id(session, event_ids, after=bounds.EARLIEST_MOMENT, before=bounds.LATEST_MOMENT)
    )


def _feed_events(events: Iterable[Event]) -> list[FeedEvent]:
    return [item for item in map(_feed_event, events) if item is not None]


def _feed_event(event: Event) -> FeedEvent | None:
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
        return None
    duration = event.ends_at - event.starts_at
    cancelled = {row.occurrence_at for row in event.cancellations}
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
        if row.occurrence_at not in cancelled
    ]
    return FeedEvent(
        id=event.id,
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


class IndexedEvent(NamedTuple):
    """An event of a feed as its build needs it, in the feed's order: whether the text kept
    for it is current, and that text with the zones it names and the years it covers."""

    id: int
    current: bool
    text: str | None
    tzids: str | None
    first_year: int | None
    last_year: int | None


def feed_index(
    session: Session,
    *,
    feed: str,
    contexts: Mapping[EventKind, str],
    troupe_id: int | None = None,
    festival_id: int | None = None,
    public_only: bool = False,
) -> list[IndexedEvent]:
    """Every event of a feed by its start (then id), with the text kept for that kind of feed
    ("troupe" or "festival") and whether it is current: rendered from the event's present
    sequence and last change, in the context ``contexts`` gives for its kind. One query of
    plain columns (no ORM entities, no time read back), so a large feed costs little more
    than reading its texts."""
    texts, events = CalendarEventText.__table__.c, Event.__table__.c
    current = and_(
        texts.sequence == events.sequence,
        texts.updated_at == events.updated_at,
        texts.context
        == case(
            {kind.value: context for kind, context in contexts.items()},
            value=events.kind,
            else_="",
        ),
    )
    rows = session.connection().execute(
        select(
            events.id,
            case((current, true()), else_=false()),
            texts.text,
            texts.tzids,
            texts.first_year,
            texts.last_year,
        )
        .select_from(Event.__table__)
        .outerjoin(
            CalendarEventText.__table__, and_(texts.event_id == events.id, texts.feed == feed)
        )
        .where(owner_condition(troupe_id, festival_id, public_only))
        .order_by(events.starts_at, events.id)
    )
    return [IndexedEvent._make(row) for row in rows]


def event_versions(
    session: Session, event_ids: Collection[int]
) -> dict[int, tuple[int, datetime, EventKind]]:
    """Each event's sequence, last change and kind: what its kept text is rendered from."""
    return {
        row.id: (row.sequence, row.updated_at, row.kind)
        for row in session.execute(
            select(Event.id, Event.sequence, Event.updated_at, Event.kind).where(
                Event.id.in_(list(event_ids))
            )
        )
    }


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
_festivals = Festival.__table__.c
_bodies = CalendarFeedBody.__table__.c
# The statements of a poll, sent to the driver's cursor (see ``troupe_feed_state``).
_STATEMENTS = {
    "troupe_state": select(
        _feeds.id,
        _feeds.secret,
        _feeds.version,
        _feeds.body_version,
        _feeds.etag,
        _feeds.changed_at,
    ).where(_feeds.selector == bindparam("selector"), _feeds.troupe_id.is_not(None)),
    "festival_state": select(
        _festivals.status,
        _feeds.id,
        _feeds.version,
        _feeds.body_version,
        _feeds.etag,
        _feeds.changed_at,
    )
    .select_from(
        Festival.__table__.outerjoin(CalendarFeed.__table__, _feeds.festival_id == _festivals.id)
    )
    .where(_festivals.slug == bindparam("slug")),
    **{
        f"body_{'gzip' if compressed else 'plain'}": select(
            _bodies.gzip if compressed else _bodies.plain
        ).where(_bodies.feed_id == bindparam("feed_id"), _bodies.version == bindparam("version"))
        for compressed in (False, True)
    },
}


@dataclass(frozen=True)
class _DriverStatement:
    """One of ``_STATEMENTS`` compiled once for a kind of database, as its driver takes it."""

    sql: str
    names: tuple[str, ...]  # the parameters in order, when the driver takes them by position
    positional: bool


_driver_statements: dict[tuple[str, str, str], _DriverStatement] = {}
_changed_at_readers: dict[tuple[str, str], Callable[[Any], datetime]] = {}


def _driver_statement(dialect: Dialect, name: str) -> _DriverStatement:
    key = (dialect.name, dialect.driver, name)
    if key not in _driver_statements:
        compiled = _STATEMENTS[name].compile(dialect=dialect)
        _driver_statements[key] = _DriverStatement(
            sql=compiled.string,
            names=tuple(compiled.positiontup or ()),
            positional=compiled.positional,
        )
    return _driver_statements[key]


def _read_changed_at(dialect: Dialect) -> Callable[[Any], datetime]:
    key = (dialect.name, dialect.driver)
    if key not in _changed_at_readers:
        changed_at = _feeds.changed_at.type.dialect_impl(dialect)
        _changed_at_readers[key] = changed_at.result_processor(dialect, None) or (
            lambda value: value
        )
    return _changed_at_readers[key]


def _fetch_one(connection: Connection, name: str, **params) -> tuple | None:
    """One row of a statement of ``_STATEMENTS`` straight from the driver's cursor.

    Most polls end with a 304, so these go to the cursor through
    ``Connection._cursor_execute``, SQLAlchemy's own path for statements it did not compile
    (events, logging, disconnect handling) without an execution context and a result
    object: those took a quarter of a poll on PostgreSQL, as long as the round trip. On
    PostgreSQL rows come in binary (``bytea`` is otherwise sent as hex, twice the bytes)."""
    statement = _driver_statement(connection.dialect, name)
    binary = connection.dialect.name == "postgresql"
    cursor = connection.connection.cursor(binary=True) if binary else connection.connection.cursor()
    try:
        connection._cursor_execute(
            cursor,
            statement.sql,
            tuple(params[key] for key in statement.names) if statement.positional else params,
        )
        return cursor.fetchone()
    finally:
        cursor.close()


@dataclass(frozen=True)
class FestivalFeedState:
    """A festival's public feed as a poll sees it: whether the festival is a draft (no feed
    shown), and its feed's state once it has one."""

    draft: bool
    feed: FeedState | None


def troupe_feed_state(connection: Connection, secret: str) -> FeedState | None:
    """The state of the troupe feed of a subscription URL's secret, found by its selector
    and compared in constant time (one query)."""
    if not secret or len(secret) > 64:
        return None
    row = _fetch_one(connection, "troupe_state", selector=secret[:16])
    if row is None:
        return None
    feed_id, stored_secret, *state = row
    if not hmac.compare_digest(stored_secret.encode(), secret.encode()):
        return None
    return _feed_state(connection, feed_id, *state)


def _feed_state(connection: Connection, feed_id, version, body_version, etag, changed_at):
    return FeedState(
        id=feed_id,
        version=version,
        body_version=body_version,
        etag=etag,
        changed_at=_read_changed_at(connection.dialect)(changed_at),
    )


def festival_feed_state(connection: Connection, slug: str) -> FestivalFeedState | None:
    """The state of a festival's public feed by the festival's slug (one query); None for no
    such festival."""
    if not slug or len(slug) > Festival.slug.type.length:
        return None
    row = _fetch_one(connection, "festival_state", slug=slug)
    if row is None:
        return None
    status, feed_id, *state = row
    feed = None if feed_id is None else _feed_state(connection, feed_id, *state)
    return FestivalFeedState(draft=status == FestivalStatus.draft.value, feed=feed)


def feed_body(
    connection: Connection, feed_id: int, version: int, *, compressed: bool
) -> bytes | None:
    """The kept bytes of a feed's version, plain or their gzip copy; None when that version's
    are not (or no longer) kept."""
    row = _fetch_one(
        connection,
        "body_gzip" if compressed else "body_plain",
        feed_id=feed_id,
        version=version,
    )
    return None if row is None else bytes(row[0])


def festival_feed(session: Session, festival_id: int) -> CalendarFeed | None:
    return session.execute(
        select(CalendarFeed).where(CalendarFeed.festival_id == festival_id)
    ).scalar_one_or_none()


def reminders_of(feed: CalendarFeed) -> Reminders:
    """The reminders a troupe's feed gives every event."""
    return Reminders(
        evening_before=feed.remind_evening_before,
        hour_before=feed.remind_hour_before,
        changed_at=feed.reminders_changed_at,
    )


def shared_troupe_feed(session: Session, secret: str) -> tuple[CalendarFeed, str] | None:
    """The troupe feed of a subscription secret and its troupe's name (what the feed itself
    shows as the calendar's name), the secret compared in constant time; None for any other."""
    if not secret or len(secret) > 64:
        return None
    row = session.execute(
        select(CalendarFeed, Troupe.name)
        .join(Troupe, Troupe.id == CalendarFeed.troupe_id)
        .where(CalendarFeed.selector == secret[:16])
    ).one_or_none()
    if row is None or not hmac.compare_digest(row[0].secret.encode(), secret.encode()):
        return None
    return row[0], row[1]
