"""The calendar feeds' writes: each change to what a feed shows raises its version, so that
subscribed calendars fetch it again; a troupe's feed URL carries a secret that can be
replaced. The troupes and festivals domains send signals when a name or a time zone changes;
the receivers here raise the feed's version in the same transaction."""

import gzip
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.db import insert_if_absent, upsert_insert
from festival.festivals.models import Festival
from festival.festivals.signals import festival_changed
from festival.schedules.models import (
    CalendarEventText,
    CalendarFeed,
    CalendarFeedBody,
    Event,
)
from festival.troupes.models import Troupe
from festival.troupes.signals import troupe_renamed

SELECTOR_LENGTH = 16
# As nginx's default: 4-5 % of the plain size for a feed, in a tenth of level 9's time (a
# change of a 5,000-event feed compresses it again).
GZIP_LEVEL = 1
KEEP_BATCH = 1000  # rows per statement when keeping events' texts
# Its public feed's name and local times.
FESTIVAL_FIELDS_IN_FEED = frozenset({"name", "timezone"})


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


@troupe_renamed.connect
def _on_troupe_renamed(troupe: Troupe, *, session: Session, now: datetime) -> None:
    # The name of its calendar in subscribers' apps.
    owner_changed(session, troupe_id=troupe.id, now=now)


@festival_changed.connect
def _on_festival_changed(
    festival: Festival, *, session: Session, changed: frozenset[str], now: datetime
) -> None:
    if changed & FESTIVAL_FIELDS_IN_FEED:
        owner_changed(session, festival_id=festival.id, now=now)


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


def touch_owner(session: Session, event: Event, now: datetime) -> None:
    """Bump the feed of the event's owner: its troupe's, or its festival's."""
    touch_feed(
        session,
        troupe_id=event.troupe_id,
        festival_id=None if event.troupe_id else event.festival_id,
        now=now,
    )


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


def set_feed_reminders(
    session: Session,
    *,
    troupe: Troupe,
    evening_before: bool,
    hour_before: bool,
    actor: User,
    now: datetime,
) -> CalendarFeed:
    """Choose the reminders every event of the troupe's feed carries (none is allowed). A change
    raises the feed's version, so that subscribed calendars fetch the new reminders."""
    feed = feed_for_troupe(session, troupe=troupe, now=now)
    before = {"evening_before": feed.remind_evening_before, "hour_before": feed.remind_hour_before}
    after = {"evening_before": evening_before, "hour_before": hour_before}
    if before == after:
        return feed
    feed = _feed_of(session, troupe_id=troupe.id, festival_id=None)
    feed.remind_evening_before, feed.remind_hour_before = evening_before, hour_before
    feed.reminders_changed_at = now
    _bump(feed, now)
    session.flush()
    record(
        session,
        actor=actor,
        action="set_feed_reminders",
        entity_type="troupe",
        entity_id=troupe.id,
        changes={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        organization_id=troupe.organization_id,
        now=now,
    )
    return feed


def compress_feed_body(body: bytes) -> bytes:
    """The gzip copy of a feed's bytes, the same for the same bytes (no time in its header)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def store_feed_body(
    session: Session, *, feed: CalendarFeed, version: int, body: bytes, gzipped: bytes, etag: str
) -> None:
    """Keep the bytes built for a version and their gzip copy, unless a newer version was
    stored meanwhile; two requests storing at once leave one row, the newer version's."""
    if feed.body_version is not None and feed.body_version > version:
        return
    bodies = CalendarFeedBody.__table__
    values = {"version": version, "plain": body, "gzip": gzipped}
    session.execute(
        upsert_insert(session)(bodies)
        .values(feed_id=feed.id, **values)
        .on_conflict_do_update(
            index_elements=[bodies.c.feed_id],
            set_=values,
            where=bodies.c.version < version,
        )
    )
    feed.body_version, feed.etag = version, etag
    session.flush()


@dataclass(frozen=True)
class EventText:
    """An event's text as rendered for a kind of feed, and what it was rendered from."""

    event_id: int
    sequence: int
    updated_at: datetime
    context: str
    text: str
    tzids: str
    first_year: int
    last_year: int


def keep_event_texts(session: Session, *, feed: str, texts: Sequence[EventText]) -> None:
    """Keep events' rendered texts for a kind of feed ("troupe" or "festival"), replacing what
    was kept for them. Written in the order of the events' ids, so that two builds keeping the
    same events at once take their row locks in the same order."""
    if not texts:
        return
    table = CalendarEventText.__table__
    statement = upsert_insert(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.event_id, table.c.feed],
        set_={
            name: statement.excluded[name]
            for name in (
                "sequence",
                "updated_at",
                "context",
                "text",
                "tzids",
                "first_year",
                "last_year",
            )
        },
    )
    rows = [
        {"feed": feed, **asdict(text)} for text in sorted(texts, key=lambda item: item.event_id)
    ]
    for start in range(0, len(rows), KEEP_BATCH):
        session.execute(statement, rows[start : start + KEEP_BATCH])
