"""Incremental feed builds (issue 22): each event is rendered once per version of it and its
text kept; a build renders only what changed, and its bytes equal a full build's.

A property test drives random sequences of creating, editing, cancelling, restoring, moving
and deleting events (and changing a troupe's reminders) on a troupe's and a festival's feed,
and after every step compares the incremental body with ``ical.build_calendar`` over the same
events, byte for byte."""

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from festival.core.errors import Conflict, ValidationFailed
from festival.schedules import feed_builds, feed_queries, feeds, ical, occurrences, services
from festival.schedules.models import CalendarEventText, CalendarFeed, Event
from festival.schedules.services import EventDetails
from tests import factories

NOW = factories.NOW
ZONE = "Asia/Shanghai"
KINDS = ("rehearsal", "training", "performance", "exhibition")
FIRST_DAY = date(2027, 3, 1)  # a Monday


@pytest.fixture
def leader(session):
    user = factories.make_user(session, role="leader")
    session.commit()
    return user


@pytest.fixture
def troupe(session, leader):
    troupe = factories.make_troupe(session, name="红枫艺术团", leader=leader)
    session.commit()
    return troupe


def incremental(session, *, troupe=None, festival=None) -> bytes:
    owner = feed_builds.FeedOwner(
        troupe_id=troupe.id if troupe else None, festival_id=festival.id if festival else None
    )
    return feed_builds.build_feed(
        session,
        owner=owner,
        name="队",
        calendar_uid="cal@test",
        timezone=ZONE,
        reminders=_reminders(session, troupe),
    )


def full(session, *, troupe=None, festival=None) -> bytes:
    events = (
        feed_queries.feed_events(session, troupe_id=troupe.id)
        if troupe
        else feed_queries.feed_events(session, festival_id=festival.id, public_only=True)
    )
    return ical.build_calendar(
        name="队",
        calendar_uid="cal@test",
        timezone=ZONE,
        events=events,
        reminders=_reminders(session, troupe),
    )


def _reminders(session, troupe) -> ical.Reminders:
    if troupe is None:
        return ical.NO_REMINDERS
    feed = session.execute(
        select(CalendarFeed).where(CalendarFeed.troupe_id == troupe.id)
    ).scalar_one_or_none()
    return feed_queries.reminders_of(feed) if feed else ical.NO_REMINDERS


def details(*, day: int, hour: int, kind: str, repeats: int | None, public: bool, title: str):
    starts = datetime.combine(FIRST_DAY + timedelta(days=day), datetime.min.time()).replace(
        hour=hour
    )
    return EventDetails(
        title=title,
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="通州区文化馆",
        notes="带好服装",
        is_public=public,
        rule=f"FREQ=WEEKLY;COUNT={repeats}" if repeats else None,
    )


class Renders:
    """Counts the events ``feed_builds`` renders."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = ical.render_event

        def counting(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(feed_builds.ical, "render_event", counting)


def test_a_change_to_one_event_renders_that_event_alone_and_the_body_equals_a_full_build(
    session, troupe, leader, monkeypatch
):
    made = [
        services.create_event(
            session,
            details=details(
                day=n,
                hour=9,
                kind="rehearsal",
                repeats=4 if n % 2 else None,
                public=False,
                title=f"排练{n}",
            ),
            troupe=troupe,
            zone=ZONE,
            actor=leader,
            now=NOW,
        )
        for n in range(6)
    ]
    session.commit()
    renders = Renders(monkeypatch)
    first = incremental(session, troupe=troupe)
    session.commit()
    assert renders.count == 6

    again = incremental(session, troupe=troupe)
    assert again == first and renders.count == 6  # nothing changed: nothing rendered

    moved = made[1]
    occurrences.change_occurrence(
        session,
        event=moved,
        day=FIRST_DAY + timedelta(days=8),
        starts_at=datetime(2027, 3, 9, 15),
        actor=leader,
        now=NOW + timedelta(hours=1),
    )
    session.commit()
    body = incremental(session, troupe=troupe)
    assert renders.count == 7
    assert body == full(session, troupe=troupe)
    assert b"RECURRENCE-ID;TZID=Asia/Shanghai:20270309T090000" in body
    # The other events keep their bytes: their DTSTAMP is still when they last changed.
    others = [text for text in first.split(b"BEGIN:VEVENT")[1:] if moved.uid.encode() not in text]
    assert all(text in body for text in others)


def test_changing_the_reminders_renders_every_event_of_the_feed_again(
    session, troupe, leader, monkeypatch
):
    for n in range(3):
        services.create_event(
            session,
            details=details(day=n, hour=9, kind="training", repeats=None, public=False, title="练"),
            troupe=troupe,
            zone=ZONE,
            actor=leader,
            now=NOW,
        )
    session.commit()
    incremental(session, troupe=troupe)
    session.commit()
    renders = Renders(monkeypatch)
    feeds.set_feed_reminders(
        session,
        troupe=troupe,
        evening_before=False,
        hour_before=True,
        actor=leader,
        now=NOW + timedelta(hours=1),
    )
    session.commit()
    body = incremental(session, troupe=troupe)
    assert renders.count == 3
    assert body == full(session, troupe=troupe)
    assert body.count(b"BEGIN:VALARM") == 3


def test_another_icalendar_or_tzdata_renders_every_event_again(
    session, troupe, leader, monkeypatch
):
    for n in range(3):
        services.create_event(
            session,
            details=details(day=n, hour=9, kind="training", repeats=None, public=False, title="练"),
            troupe=troupe,
            zone=ZONE,
            actor=leader,
            now=NOW,
        )
    session.commit()
    incremental(session, troupe=troupe)
    session.commit()
    renders = Renders(monkeypatch)
    incremental(session, troupe=troupe)
    assert renders.count == 0  # nothing changed: every kept text serves
    monkeypatch.setattr(feed_builds, "RENDERER", "icalendar 99.0; tzdata 2099a")
    body = incremental(session, troupe=troupe)
    assert renders.count == 3
    assert body == full(session, troupe=troupe)


def test_a_deleted_event_leaves_the_feed_and_its_kept_text_goes_with_it(session, troupe, leader):
    kept = services.create_event(
        session,
        details=details(day=1, hour=9, kind="rehearsal", repeats=None, public=False, title="留"),
        troupe=troupe,
        zone=ZONE,
        actor=leader,
        now=NOW,
    )
    gone = services.create_event(
        session,
        details=details(day=2, hour=9, kind="rehearsal", repeats=None, public=False, title="删"),
        troupe=troupe,
        zone=ZONE,
        actor=leader,
        now=NOW,
    )
    session.commit()
    incremental(session, troupe=troupe)
    session.commit()
    gone_uid = gone.uid
    services.delete_event(session, event=gone, actor=leader, now=NOW + timedelta(hours=1))
    session.commit()
    body = incremental(session, troupe=troupe)
    assert gone_uid.encode() not in body and kept.uid.encode() in body
    assert body == full(session, troupe=troupe)
    assert session.scalars(select(CalendarEventText.event_id)).all() == [kept.id]


def test_a_festival_feed_shows_public_events_and_ical_check_agrees_after_changes(
    session, festival, organizer, ical_check
):
    series = services.create_event(
        session,
        details=details(day=0, hour=19, kind="performance", repeats=5, public=True, title="展演"),
        festival=festival,
        zone=festival.timezone,
        actor=organizer,
        now=NOW,
    )
    services.create_event(
        session,
        details=details(day=3, hour=9, kind="meeting", repeats=None, public=False, title="内部会"),
        festival=festival,
        zone=festival.timezone,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    incremental(session, festival=festival)
    session.commit()
    occurrences.cancel_occurrences(
        session,
        event=series,
        days=[FIRST_DAY + timedelta(days=7)],
        actor=organizer,
        now=NOW + timedelta(hours=1),
    )
    occurrences.change_occurrence(
        session,
        event=series,
        day=FIRST_DAY + timedelta(days=14),
        starts_at=datetime(2027, 3, 15, 14),
        title="展演（下午场）",
        actor=organizer,
        now=NOW + timedelta(hours=2),
    )
    session.commit()
    body = incremental(session, festival=festival)
    assert body == full(session, festival=festival)
    assert "内部会".encode() not in body
    seen = ical_check(body, "2027-03-01", "2027-04-05")
    assert [(start[:16], title) for start, _end, title in seen] == [
        ("2027-03-01 19:00", "展演"),
        ("2027-03-15 14:00", "展演（下午场）"),
        ("2027-03-22 19:00", "展演"),
        ("2027-03-29 19:00", "展演"),
    ]


# -- the property: random sequences of changes, the incremental body equals a full build --

operation = st.one_of(
    st.tuples(
        st.just("create"),
        st.sampled_from(["troupe", "festival"]),
        st.integers(0, 20),  # day
        st.integers(7, 20),  # hour
        st.sampled_from(KINDS),
        st.one_of(st.none(), st.integers(2, 6)),  # weekly sessions
        st.booleans(),  # public
    ),
    st.tuples(st.just("edit"), st.integers(0, 9), st.integers(7, 20), st.sampled_from(KINDS)),
    st.tuples(st.just("cancel"), st.integers(0, 9), st.integers(0, 5)),
    st.tuples(st.just("restore"), st.integers(0, 9), st.integers(0, 5)),
    st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 5), st.integers(-3, 3)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("reminders"), st.booleans(), st.booleans()),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=12))
def test_after_any_changes_the_incremental_body_equals_a_full_build(
    session, troupe, leader, festival, organizer, steps
):
    session.execute(delete(Event))
    session.commit()
    live: list[Event] = []
    with force_locale("zh"):
        for number, step in enumerate(steps, start=1):
            now = NOW + timedelta(minutes=number)
            try:
                _apply(session, step, live, troupe, leader, festival, organizer, now)
            except (ValidationFailed, Conflict):
                session.rollback()
                live[:] = [event for event in live if session.get(Event, event.id) is not None]
            session.commit()
            for owner in ({"troupe": troupe}, {"festival": festival}):
                body = incremental(session, **owner)
                session.commit()
                assert body == full(session, **owner), step


def _apply(session, step, live, troupe, leader, festival, organizer, now):
    name, *args = step
    if name == "create":
        whose, day, hour, kind, repeats, public = args
        made = services.create_event(
            session,
            details=details(
                day=day, hour=hour, kind=kind, repeats=repeats, public=public, title=f"事{day}"
            ),
            troupe=troupe if whose == "troupe" else None,
            festival=festival if whose == "festival" else None,
            zone=ZONE,
            actor=leader if whose == "troupe" else organizer,
            now=now,
        )
        live.append(made)
        return
    if name == "reminders":
        feeds.set_feed_reminders(
            session,
            troupe=troupe,
            evening_before=args[0],
            hour_before=args[1],
            actor=leader,
            now=now,
        )
        return
    if not live:
        return
    event = live[args[0] % len(live)]
    actor = leader if event.troupe_id else organizer
    if name == "delete":
        services.delete_event(session, event=event, actor=actor, now=now)
        live.remove(event)
        return
    if name == "edit":
        hour, kind = args[1], args[2]
        start = event.starts_at.astimezone(ical_zone()).replace(tzinfo=None, hour=hour)
        services.update_event(
            session,
            event=event,
            details=EventDetails(
                title=event.title + "改",
                kind=kind,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                location=event.location,
                notes=event.notes,
                is_public=event.is_public,
                rule=event.rrule,
            ),
            actor=actor,
            now=now,
        )
        return
    if not event.rrule:
        return
    first = event.starts_at.astimezone(ical_zone()).date()
    day = first + timedelta(weeks=args[1] % 2)
    if name == "cancel":
        occurrences.cancel_occurrences(session, event=event, days=[day], actor=actor, now=now)
    elif name == "restore":
        occurrences.restore_occurrence(session, event=event, day=day, actor=actor, now=now)
    elif name == "move":
        start = event.starts_at.astimezone(ical_zone()) + timedelta(weeks=args[1] % 2)
        occurrences.change_occurrence(
            session,
            event=event,
            day=day,
            starts_at=(start + timedelta(hours=args[2])).replace(tzinfo=None),
            actor=actor,
            now=now,
        )


def ical_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(ZONE)
