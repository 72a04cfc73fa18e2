"""Reads of the calendar feeds: what a feed shows, and the state a poll is answered from."""

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Dialect, bindparam, select
from sqlalchemy.orm import Session

from festival.core import bounds
from festival.schedules.ical import FeedEvent, FeedOverride, Reminders
from festival.schedules.models import (
    CalendarFeed,
    CalendarFeedBody,
)
from festival.schedules.queries import owner_events
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


_bodies = CalendarFeedBody.__table__.c
_FEED_BODIES = {
    compressed: select(_bodies.gzip if compressed else _bodies.plain).where(
        _bodies.feed_id == bindparam("feed_id"), _bodies.version == bindparam("version")
    )
    for compressed in (False, True)
}


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


def feed_body(
    connection: Connection, feed_id: int, version: int, *, compressed: bool
) -> bytes | None:
    """The kept bytes of a feed's version, plain or their gzip copy; None when that version's
    are not (or no longer) kept."""
    return connection.execute(
        _FEED_BODIES[compressed], {"feed_id": feed_id, "version": version}
    ).scalar_one_or_none()


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
