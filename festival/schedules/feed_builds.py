"""A feed's bytes built from its events' kept texts (issue 22): each event is rendered once per
version of it, for each kind of feed it is in, and its text kept; a build renders only the
events whose text is not current (the event changed since, or the label of its kind, the
feed's reminders or ``RENDER_FORMAT``), keeps those, and joins the calendar's head, the zones
the events name and every text in the feed's order (by start, then id).

The bytes equal ``ical.build_calendar`` over the same events, which renders every event:
tests/schedules/test_feed_builds.py checks that after random sequences of changes.
"""

import hashlib
import os
import zoneinfo
from dataclasses import dataclass
from importlib import metadata

import icalendar
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from festival.schedules import feed_queries, feeds, ical
from festival.schedules.feeds import EventText
from festival.schedules.ical import PlacedEvent, Reminders, RenderedEvent
from festival.schedules.models import EventKind
from festival.web.labels import label

# Raise it when ``ical.render_event`` writes other bytes for the same event (a new property),
# so that every kept text is rendered again. Another icalendar or time zone database does the
# same by itself (``RENDERER``): they change how an event is written and its local times.
RENDER_FORMAT = "1"
LATEST_YEAR = 9999


def _tzdata_version() -> str:
    """The version of the time zone database ``zoneinfo`` reads: the system's (its tzdata.zi
    names it), else the ``tzdata`` package's."""
    for folder in zoneinfo.TZPATH:
        try:
            with open(os.path.join(folder, "tzdata.zi"), encoding="ascii") as source:
                return source.readline().strip()
        except OSError:
            continue
    try:
        return metadata.version("tzdata")
    except metadata.PackageNotFoundError:
        return ""


RENDERER = f"icalendar {icalendar.__version__}; tzdata {_tzdata_version()}"


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed: a troupe's (all its events, with its reminders) or a festival's (its
    public events)."""

    troupe_id: int | None = None
    festival_id: int | None = None

    @property
    def kind(self) -> str:
        return "troupe" if self.troupe_id else "festival"


def build_feed(
    session: Session,
    *,
    owner: FeedOwner,
    name: str,
    calendar_uid: str,
    timezone: str,
    reminders: Reminders = ical.NO_REMINDERS,
) -> bytes:
    """The feed's bytes, rendering only the events whose kept text is not current, and keeping
    their new texts under a savepoint (on SQLite its release may commit them at once: harmless,
    a kept text is a cache keyed by the event's version). Category labels are the current
    locale's: build under the site's default one."""
    contexts = {
        kind: render_context(str(label("event_kind", kind)), reminders) for kind in EventKind
    }
    index = feed_queries.feed_index(
        session,
        feed=owner.kind,
        contexts=contexts,
        troupe_id=owner.troupe_id,
        festival_id=owner.festival_id,
        public_only=owner.festival_id is not None,
    )
    fresh = _render_stale(
        session, [row.id for row in index if not row.current], owner.kind, reminders
    )
    texts, zones, first_year, last_year = [], set(), LATEST_YEAR, 0
    for row in index:
        if row.id in fresh:
            item = fresh[row.id]
            text, tzids = item.rendered.text, item.rendered.tzids
            first, last = item.first_year, item.last_year
        elif row.current:
            text, first, last = row.text.encode(), row.first_year, row.last_year
            tzids = row.tzids.split(",") if row.tzids else ()
        else:  # deleted since the index was read: gone from the feed too
            continue
        if text:
            texts.append(text)
            zones.update(tzids)
            first_year, last_year = min(first_year, first), max(last_year, last)
    return ical.join_calendar(
        ical.calendar_head(name=name, calendar_uid=calendar_uid, timezone=timezone),
        texts,
        zones,
        first_year,
        last_year,
    )


def _render_stale(
    session: Session, event_ids: list[int], feed: str, reminders: Reminders
) -> dict[int, PlacedEvent]:
    """Render the events ``event_ids`` and keep their texts (an empty one for an event the
    feed leaves out)."""
    if not event_ids:
        return {}
    shown = {event.id: event for event in feed_queries.feed_events_by_id(session, event_ids)}
    versions = feed_queries.event_versions(session, event_ids)
    placed, kept = {}, []
    for event_id, (sequence, updated_at, kind) in versions.items():
        event = shown.get(event_id)
        if event is None:  # a time outside the dates the application holds
            rendered, years = RenderedEvent(b""), (0, 0)
            context = render_context(str(label("event_kind", kind)), reminders)
        else:
            rendered = ical.render_event(event, reminders)
            years = (event.starts_at.year, event.series_ends_at.year)
            sequence, updated_at = event.sequence, event.updated_at
            context = render_context(event.categories, reminders)
        placed[event_id] = PlacedEvent(rendered, *years)
        kept.append(
            EventText(
                event_id=event_id,
                sequence=sequence,
                updated_at=updated_at,
                context=context,
                text=rendered.text.decode(),
                tzids=",".join(sorted(rendered.tzids)),
                first_year=years[0],
                last_year=years[1],
            )
        )
    try:
        with session.begin_nested():
            feeds.keep_event_texts(session, feed=feed, texts=kept)
    except IntegrityError:
        # An event was deleted meanwhile: this build's bytes stand (the feed's version has
        # moved on, so they are not kept as current), and the next build keeps the texts.
        pass
    return placed


def render_context(category: str, reminders: Reminders) -> str:
    """What an event's text depends on besides the event itself: its CATEGORIES label, the
    feed's reminders and the rendering's format."""
    changed = reminders.changed_at.isoformat() if reminders.changed_at else ""
    described = (
        f"{RENDER_FORMAT}|{RENDERER}|{category}|{reminders.evening_before}|"
        f"{reminders.hour_before}|{changed}"
    )
    return hashlib.sha256(described.encode()).hexdigest()[:16]
