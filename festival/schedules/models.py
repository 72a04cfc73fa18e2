"""Events of troupes and festivals, their recurrence, exceptions, attendance and feeds."""

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.db import Base, UTCDateTime, str_enum
from festival.festivals.models import Festival
from festival.troupes.models import Person, Troupe


class EventKind(enum.StrEnum):
    rehearsal = "rehearsal"
    training = "training"
    practice = "practice"
    performance = "performance"
    exhibition = "exhibition"
    meeting = "meeting"


class Event(Base):
    """One event or a recurring series (``rrule`` holds the RFC 5545 rule)."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("troupe_id IS NOT NULL OR festival_id IS NOT NULL", name="has_owner"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint("series_ends_at >= ends_at", name="series_ends_after_first"),
        Index("ix_events_troupe_id_starts_at", "troupe_id", "starts_at"),
        Index("ix_events_location_starts_at", "location", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    troupe_id: Mapped[int | None] = mapped_column(
        ForeignKey("troupes.id", ondelete="CASCADE"), index=True
    )
    festival_id: Mapped[int | None] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    location: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False)
    rrule: Mapped[str | None] = mapped_column(String(500))
    # The end of the last occurrence, so that a window query need not expand every series.
    series_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    troupe: Mapped[Troupe | None] = relationship()
    festival: Mapped[Festival | None] = relationship()
    cancellations: Mapped[list["EventCancellation"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    overrides: Mapped[list["EventOverride"]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class EventCancellation(Base):
    """One cancelled occurrence of a series (an EXDATE), by its original start."""

    __tablename__ = "event_cancellations"
    __table_args__ = (UniqueConstraint("event_id", "occurrence_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="cancellations")


class EventOverride(Base):
    """One changed occurrence of a series (a RECURRENCE-ID override)."""

    __tablename__ = "event_overrides"
    __table_args__ = (
        UniqueConstraint("event_id", "occurrence_at"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(back_populates="overrides")


class Attendance(Base):
    """Whether a member came to one occurrence (by its original start)."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("event_id", "occurrence_at", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    occurrence_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class CalendarFeed(Base):
    """A troupe's or a festival's feed: its version, the version and ETag of the bytes kept for
    it (in ``calendar_feed_bodies``), and for a troupe the secret of its subscription URL
    (rotating it replaces the secret).

    Every change to an owner's events bumps ``version``; the feed is rebuilt only when
    ``body_version`` lags behind, and a poll with the current ETag costs one query of this
    small row, which holds no bytes.
    """

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        CheckConstraint("(troupe_id IS NULL) <> (festival_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    troupe_id: Mapped[int | None] = mapped_column(
        ForeignKey("troupes.id", ondelete="CASCADE"), unique=True
    )
    festival_id: Mapped[int | None] = mapped_column(
        ForeignKey("festivals.id", ondelete="CASCADE"), unique=True
    )
    secret: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The secret's first characters, to find the row; the whole secret is then compared in
    # constant time, so response times say nothing about how much of a guess was right.
    selector: Mapped[str | None] = mapped_column(String(16), unique=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body_version: Mapped[int | None]
    etag: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A troupe's reminders (VALARMs on every event): the evening before, an hour before.
    # ``reminders_changed_at`` stamps the events (DTSTAMP) when only the reminders changed.
    remind_evening_before: Mapped[bool] = mapped_column(default=True, server_default=true())
    remind_hour_before: Mapped[bool] = mapped_column(default=True, server_default=true())
    reminders_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CalendarFeedBody(Base):
    """The bytes built for a version of a feed: plain, and gzip-compressed once (deterministic,
    so its ETag holds). Kept apart from ``calendar_feeds``: reading a poll's small row never
    walks a BLOB (SQLite overflow pages, PostgreSQL TOAST)."""

    __tablename__ = "calendar_feed_bodies"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("calendar_feeds.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int]
    plain: Mapped[bytes] = mapped_column(LargeBinary)
    gzip: Mapped[bytes] = mapped_column(LargeBinary)


class CalendarEventText(Base):
    """An event's VEVENTs (its series, with its cancellations, changed occurrences and
    reminders) as rendered for one kind of feed, kept so that a feed is rebuilt by rendering
    only the events that changed. The text is current while the event's ``sequence`` and
    ``updated_at`` (every change raises both) and the ``context`` (the label of its kind, the
    feed's reminders, the rendering's format) are those it was rendered from. An empty text:
    the event is left out of feeds."""

    __tablename__ = "calendar_event_texts"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    # "troupe" or "festival": an event of a troupe at a festival is in both feeds, with the
    # troupe's reminders in one and none in the other.
    feed: Mapped[str] = mapped_column(String(8), primary_key=True)
    sequence: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    context: Mapped[str] = mapped_column(String(16))
    # Text, not bytes: PostgreSQL sends bytea as hex in text mode, twice the bytes to decode.
    text: Mapped[str] = mapped_column(Text)
    tzids: Mapped[str] = mapped_column(String(200), default="")  # the zones it names, by commas
    # The years of its first and last day: the calendar's VTIMEZONEs cover them all.
    first_year: Mapped[int] = mapped_column(default=0)
    last_year: Mapped[int] = mapped_column(default=0)
