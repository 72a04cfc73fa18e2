"""Schedules through the services and queries (a session, no HTTP): refusals that store nothing,
series that carry their exceptions along, feed versions, clashes and attendance numbers."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from festival.core.errors import Conflict, ValidationFailed
from festival.festivals import services as festivals
from festival.schedules import (
    attendance,
    clash_queries,
    feed_queries,
    feeds,
    occurrences,
    queries,
    services,
)
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.schedules.services import EventDetails
from festival.schedules.tours import TourStop
from festival.troupes import services as troupes
from festival.troupes.models import Membership
from tests import factories
from tests.checks import row_count

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = factories.NOW  # 2026-03-01 17:00 in Shanghai, a Sunday
ZONE = "Asia/Shanghai"


def local(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


# Saturdays 09:00-11:00 from 2026-01-03 (a Saturday), twelve sessions: the last on 2026-03-21.
SATURDAYS = EventDetails(
    title="周六排练",
    kind="rehearsal",
    starts_at=datetime(2026, 1, 3, 9),
    ends_at=datetime(2026, 1, 3, 11),
    location="崇川区文化馆",
    rule="FREQ=WEEKLY;BYDAY=SA;COUNT=12",
)


def details(**changes) -> EventDetails:
    return EventDetails(**(SATURDAYS.__dict__ | changes))


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


@pytest.fixture
def members(session, troupe):
    people = [factories.make_person(session, name=f"成员{n}", troupe=troupe) for n in range(1, 5)]
    session.commit()
    return people


def create(session, troupe, leader, now=NOW, **changes) -> Event:
    return services.create_event(
        session, details=details(**changes), troupe=troupe, zone=ZONE, actor=leader, now=now
    )


def feed_version(session, troupe) -> int | None:
    session.expire_all()
    return session.execute(
        select(CalendarFeed.version).where(CalendarFeed.troupe_id == troupe.id)
    ).scalar_one_or_none()


def refused(call, error=ValidationFailed):
    with pytest.raises(error) as caught:
        call()
    return caught.value


# Creating: refusals store nothing


def test_create_event_reads_a_naive_time_in_the_zone_and_stores_the_canonical_rule(
    session, troupe, leader
):
    event = create(session, troupe, leader, rule="freq=weekly;byday=sa;until=20260321")
    session.commit()
    session.expire_all()
    assert event.starts_at == utc(local(2026, 1, 3, 9))
    assert event.rrule == "FREQ=WEEKLY;BYDAY=SA;UNTIL=20260321T155959Z"
    assert event.series_ends_at == utc(local(2026, 3, 21, 11))
    assert event.sequence == 0 and event.uid.endswith("@festival.invalid")


def test_create_event_refuses_an_end_before_the_start_and_stores_nothing(session, troupe, leader):
    error = refused(lambda: create(session, troupe, leader, ends_at=datetime(2026, 1, 3, 8)))
    assert set(error.fields) == {"ends_at"}
    assert str(error.fields["ends_at"][0]) == "The end must be after the start."
    assert row_count(session, Event) == 0
    assert row_count(session, CalendarFeed) == 0


def test_create_event_refuses_a_never_ending_rule_and_stores_nothing(session, troupe, leader):
    error = refused(lambda: create(session, troupe, leader, rule="FREQ=WEEKLY;BYDAY=SA"))
    assert set(error.fields) == {"rrule"}
    assert "needs an end date or a number of sessions" in str(error.fields["rrule"][0])
    assert row_count(session, Event) == 0


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILLY;COUNT=3", "not a rule", "FREQ=DAILY;BYHOUR=9,18;COUNT=4"]
)
def test_create_event_refuses_an_invalid_rule_and_stores_nothing(session, troupe, leader, rule):
    error = refused(lambda: create(session, troupe, leader, rule=rule))
    assert set(error.fields) == {"rrule"}
    assert row_count(session, Event) == 0


def test_create_event_reports_every_problem_at_once(session, troupe, leader):
    error = refused(
        lambda: create(
            session,
            troupe,
            leader,
            title="  ",
            kind="party",
            ends_at=datetime(2026, 1, 3, 8),
            location="馆" * 201,
            rule="FREQ=WEEKLY",
        )
    )
    assert set(error.fields) == {"title", "kind", "ends_at", "location", "rrule"}
    assert row_count(session, Event) == 0


def test_a_session_may_not_run_into_the_next_one(session, troupe, leader):
    error = refused(
        lambda: create(
            session, troupe, leader, ends_at=datetime(2026, 1, 4, 10), rule="FREQ=DAILY;COUNT=5"
        )
    )
    assert [str(m) for m in error.fields["ends_at"]] == [
        "A session must end before the next one starts."
    ]
    assert row_count(session, Event) == 0


# Cancelling, changing, restoring


def test_cancelling_a_date_that_is_not_a_session_is_refused_and_stores_nothing(
    session, troupe, leader
):
    event = create(session, troupe, leader)
    session.commit()
    version = feed_version(session, troupe)
    error = refused(
        lambda: occurrences.cancel_occurrences(
            session, event=event, days=[date(2026, 1, 10), date(2026, 1, 11)], actor=leader, now=NOW
        )
    )
    assert set(error.fields) == {"occurrence"}
    assert "Not a session of this event" in str(error.fields["occurrence"][0])
    assert row_count(session, EventCancellation) == 0  # the good day is not cancelled either
    assert feed_version(session, troupe) == version
    assert session.get(Event, event.id).sequence == 0


def test_cancelling_on_a_non_repeating_event_is_refused_and_stores_nothing(session, troupe, leader):
    event = create(session, troupe, leader, rule=None)
    session.commit()
    error = refused(
        lambda: occurrences.cancel_occurrences(
            session, event=event, days=[date(2026, 1, 3)], actor=leader, now=NOW
        )
    )
    assert set(error.fields) == {"occurrence"}
    assert row_count(session, EventCancellation) == 0


def test_cancelling_several_days_at_once_and_again_changes_nothing_more(session, troupe, leader):
    event = create(session, troupe, leader)
    added = occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 2, 14), date(2026, 1, 31)], actor=leader, now=NOW
    )
    assert added == [utc(local(2026, 1, 31, 9)), utc(local(2026, 2, 14, 9))]
    session.commit()
    version, sequence = feed_version(session, troupe), session.get(Event, event.id).sequence
    assert (
        occurrences.cancel_occurrences(
            session, event=event, days=[date(2026, 1, 31)], actor=leader, now=NOW
        )
        == []
    )
    assert feed_version(session, troupe) == version
    assert session.get(Event, event.id).sequence == sequence
    assert row_count(session, EventCancellation) == 2


def test_changing_a_cancelled_session_is_a_conflict(session, troupe, leader):
    event = create(session, troupe, leader)
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 10)], actor=leader, now=NOW
    )
    session.commit()
    refused(
        lambda: occurrences.change_occurrence(
            session,
            event=event,
            day=date(2026, 1, 10),
            starts_at=datetime(2026, 1, 10, 14),
            actor=leader,
            now=NOW,
        ),
        Conflict,
    )
    assert row_count(session, EventOverride) == 0


def test_changing_a_session_to_end_before_it_starts_is_refused(session, troupe, leader):
    event = create(session, troupe, leader)
    session.commit()
    error = refused(
        lambda: occurrences.change_occurrence(
            session,
            event=event,
            day=date(2026, 1, 10),
            starts_at=datetime(2026, 1, 10, 14),
            ends_at=datetime(2026, 1, 10, 13),
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"ends_at"}
    assert row_count(session, EventOverride) == 0


def test_a_changed_session_keeps_its_length_and_restoring_puts_it_back(session, troupe, leader):
    event = create(session, troupe, leader)
    override = occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 10),
        starts_at=datetime(2026, 1, 10, 14),
        title="彩排",
        actor=leader,
        now=NOW,
    )
    session.commit()
    assert (override.starts_at, override.ends_at) == (
        utc(local(2026, 1, 10, 14)),
        utc(local(2026, 1, 10, 16)),
    )
    window = (local(2026, 1, 10), local(2026, 1, 11))
    [moved] = queries.occurrences_between(
        queries.owner_events(session, troupe_id=troupe.id), *window
    )
    assert (moved.starts_at, moved.title, moved.is_changed) == (
        local(2026, 1, 10, 14),
        "彩排",
        True,
    )
    occurrences.restore_occurrence(
        session, event=event, day=date(2026, 1, 10), actor=leader, now=NOW
    )
    session.commit()
    assert row_count(session, EventOverride) == 0
    [back] = queries.occurrences_between(
        queries.owner_events(session, troupe_id=troupe.id), *window
    )
    assert (back.starts_at, back.title, back.is_changed) == (
        local(2026, 1, 10, 9),
        "周六排练",
        False,
    )


def test_a_session_moved_before_the_series_first_day_shows_in_that_window(session, troupe, leader):
    # The first Saturday session is held on the Friday before: a window of that Friday shows it.
    event = create(session, troupe, leader)
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 3),
        starts_at=datetime(2026, 1, 2, 9),
        actor=leader,
        now=NOW,
    )
    session.commit()
    friday = (local(2026, 1, 2), local(2026, 1, 3))
    events = queries.owner_events(session, troupe_id=troupe.id, after=friday[0], before=friday[1])
    assert [o.starts_at for o in queries.occurrences_between(events, *friday)] == [
        local(2026, 1, 2, 9)
    ]


# Updating a series: exceptions follow their session


def add_exceptions(session, event, leader, members):
    """A cancellation on Jan 17, a change on Jan 24, attendance on Jan 10."""
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 17)], actor=leader, now=NOW
    )
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 24),
        title="彩排",
        location="大剧院",
        actor=leader,
        now=NOW,
    )
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 1, 10),
        present_ids=[members[0].id, members[1].id],
        absent_ids=[members[2].id],
        actor=leader,
        now=NOW,
    )
    session.commit()


def test_moving_a_weekly_series_to_ten_keeps_its_exceptions_on_the_same_days(
    session, troupe, leader, members
):
    event = create(session, troupe, leader)
    add_exceptions(session, event, leader, members)

    dropped = services.update_event(
        session,
        event=event,
        actor=leader,
        now=NOW,
        details=details(starts_at=datetime(2026, 1, 3, 10), ends_at=datetime(2026, 1, 3, 12)),
    )
    session.commit()
    assert dropped == 0
    session.expire_all()
    assert [row.occurrence_at for row in session.scalars(select(EventCancellation))] == [
        utc(local(2026, 1, 17, 10))
    ]
    assert [row.occurrence_at for row in session.scalars(select(EventOverride))] == [
        utc(local(2026, 1, 24, 10))
    ]
    assert {row.occurrence_at for row in session.scalars(select(Attendance))} == {
        utc(local(2026, 1, 10, 10))
    }
    sheet = queries.attendance_sheet(
        session, event, utc(local(2026, 1, 10, 10)), held_on=date(2026, 1, 10)
    )
    assert [line.present for line in sheet] == [True, True, False, None]

    january = (local(2026, 1, 1), local(2026, 2, 1))
    found = queries.occurrences_between(
        queries.owner_events(session, troupe_id=troupe.id), *january, with_cancelled=True
    )
    assert [
        (o.original_start.astimezone(SHANGHAI).day, o.is_cancelled, o.title) for o in found
    ] == [
        (3, False, "周六排练"),
        (10, False, "周六排练"),
        (17, True, "周六排练"),
        (24, False, "彩排"),
        (31, False, "周六排练"),
    ]
    assert all(o.starts_at.hour == 10 for o in found if not o.is_changed)


def test_a_session_changed_only_in_title_follows_the_series_to_its_new_time(
    session, troupe, leader
):
    event = create(session, troupe, leader)
    occurrences.change_occurrence(
        session, event=event, day=date(2026, 1, 10), title="彩排", actor=leader, now=NOW
    )
    session.commit()
    services.update_event(
        session,
        event=event,
        actor=leader,
        now=NOW,
        details=details(starts_at=datetime(2026, 1, 3, 10), ends_at=datetime(2026, 1, 3, 12)),
    )
    session.commit()
    found = queries.occurrences_between(
        queries.owner_events(session, troupe_id=troupe.id), local(2026, 1, 10), local(2026, 1, 11)
    )
    assert [(o.starts_at, o.ends_at, o.title) for o in found] == [
        (local(2026, 1, 10, 10), local(2026, 1, 10, 12), "彩排")
    ]


def test_making_a_series_a_one_off_event_drops_its_cancellations_and_changes(
    session, troupe, leader
):
    # A one-off event has no sessions to cancel or change: what was left on its day would hide
    # it from the schedule, and put a RECURRENCE-ID without a rule in the feed.
    event = create(session, troupe, leader)
    occurrences.change_occurrence(
        session, event=event, day=date(2026, 1, 3), title="首次", actor=leader, now=NOW
    )
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 3), date(2026, 1, 10)], actor=leader, now=NOW
    )
    session.commit()
    dropped = services.update_event(
        session, event=event, details=details(rule=None), actor=leader, now=NOW
    )
    session.commit()
    assert dropped == 3
    assert row_count(session, EventCancellation) == row_count(session, EventOverride) == 0
    found = queries.occurrences_between(
        queries.owner_events(session, troupe_id=troupe.id), local(2026, 1, 1), local(2026, 2, 1)
    )
    assert [(o.starts_at, o.title, o.is_changed) for o in found] == [
        (local(2026, 1, 3, 9), "周六排练", False)
    ]
    [feed_event] = feed_queries.feed_events(session, troupe_id=troupe.id)
    assert (list(feed_event.cancelled), list(feed_event.overrides)) == ([], [])


def test_changing_the_weekdays_drops_the_exceptions_of_days_without_a_session(
    session, troupe, leader, members
):
    # Tuesdays and Saturdays become Saturdays only: the Tuesday exceptions have no session left.
    event = create(session, troupe, leader, rule="FREQ=WEEKLY;BYDAY=TU,SA;COUNT=12")
    add_exceptions(session, event, leader, members)  # all on Saturdays
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 6)], actor=leader, now=NOW
    )
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 13),
        starts_at=datetime(2026, 1, 13, 15),
        actor=leader,
        now=NOW,
    )
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 1, 20),
        present_ids=[members[0].id],
        absent_ids=[members[1].id],
        actor=leader,
        now=NOW,
    )
    session.commit()

    dropped = services.update_event(
        session,
        event=event,
        actor=leader,
        now=NOW,
        details=details(rule="FREQ=WEEKLY;BYDAY=SA;COUNT=12"),
    )
    session.commit()
    assert dropped == 4  # one cancellation, one change, two attendance ticks
    assert row_count(session, EventCancellation) == 1
    assert row_count(session, EventOverride) == 1
    assert row_count(session, Attendance) == 3  # the Saturday ones


def test_an_update_that_changes_nothing_leaves_the_sequence_and_the_feed_alone(
    session, troupe, leader
):
    event = create(session, troupe, leader)
    session.commit()
    version = feed_version(session, troupe)
    assert (
        services.update_event(session, event=event, details=details(), actor=leader, now=NOW) == 0
    )
    assert session.get(Event, event.id).sequence == 0
    assert feed_version(session, troupe) == version


def test_every_write_bumps_the_feed_version_and_changes_raise_the_sequence(session, troupe, leader):
    def state(event_id):
        event = session.get(Event, event_id)
        return feed_version(session, troupe), event.sequence if event else None

    event = create(session, troupe, leader)
    session.commit()
    seen = [state(event.id)]
    services.update_event(
        session,
        event=event,
        details=details(title="周六合练"),
        actor=leader,
        now=NOW + timedelta(minutes=1),
    )
    seen.append(state(event.id))
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 10)], actor=leader, now=NOW + timedelta(minutes=2)
    )
    seen.append(state(event.id))
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 17),
        starts_at=datetime(2026, 1, 17, 14),
        actor=leader,
        now=NOW + timedelta(minutes=3),
    )
    seen.append(state(event.id))
    occurrences.restore_occurrence(
        session, event=event, day=date(2026, 1, 10), actor=leader, now=NOW + timedelta(minutes=4)
    )
    seen.append(state(event.id))
    event_id = event.id
    services.delete_event(session, event=event, actor=leader, now=NOW + timedelta(minutes=5))
    seen.append(state(event_id))
    assert seen == [(1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, None)]
    assert row_count(session, EventOverride) == 0  # gone with the series


def test_a_changed_session_carries_the_sequence_it_was_changed_at(session, troupe, leader):
    event = create(session, troupe, leader)
    services.update_event(
        session, event=event, details=details(title="周六合练"), actor=leader, now=NOW
    )
    override = occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 1, 17),
        starts_at=datetime(2026, 1, 17, 14),
        actor=leader,
        now=NOW,
    )
    assert override.sequence == event.sequence == 2
    [feed_event] = feed_queries.feed_events(session, troupe_id=troupe.id)
    assert feed_event.sequence == 2 and feed_event.overrides[0].sequence == 2


def test_festival_events_bump_the_festivals_feed(session, festival, organizer):
    services.create_event(
        session,
        details=details(rule=None, is_public=True),
        festival=festival,
        zone=festival.timezone,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    feed = session.execute(select(CalendarFeed)).scalar_one()
    assert (feed.festival_id, feed.troupe_id, feed.secret, feed.version) == (
        festival.id,
        None,
        None,
        1,
    )


def test_deleting_a_series_removes_its_exceptions_and_attendance(session, troupe, leader, members):
    event = create(session, troupe, leader)
    add_exceptions(session, event, leader, members)
    services.delete_event(session, event=event, actor=leader, now=NOW)
    session.commit()
    assert [
        row_count(session, model) for model in (Event, EventCancellation, EventOverride, Attendance)
    ] == [0, 0, 0, 0]


# Tours


def test_a_tour_makes_one_event_per_stop_at_the_same_hours(session, troupe, leader):
    stops = [TourStop(date(2026, 9, 10), "骑岸镇敬老院"), TourStop(date(2026, 9, 11), "唐闸古镇")]
    events = services.create_tour(
        session,
        troupe=troupe,
        title="送戏下乡",
        kind="performance",
        stops=stops,
        start_time=time(14),
        end_time=time(16),
        zone=ZONE,
        actor=leader,
        now=NOW,
    )
    session.commit()
    assert [(e.location, e.starts_at, e.ends_at) for e in events] == [
        ("骑岸镇敬老院", utc(local(2026, 9, 10, 14)), utc(local(2026, 9, 10, 16))),
        ("唐闸古镇", utc(local(2026, 9, 11, 14)), utc(local(2026, 9, 11, 16))),
    ]
    assert row_count(session, Event) == 2


def test_a_tour_with_a_bad_stop_is_refused_as_a_whole(session, troupe, leader):
    stops = [TourStop(date(2026, 9, 10), "骑岸镇敬老院"), TourStop(date(2026, 9, 11), "镇" * 201)]
    with force_locale("en"):  # create_tour renders its messages in the caller's language
        error = refused(
            lambda: services.create_tour(
                session,
                troupe=troupe,
                title="送戏下乡",
                kind="performance",
                stops=stops,
                start_time=time(14),
                end_time=time(16),
                zone=ZONE,
                actor=leader,
                now=NOW,
            )
        )
    assert error.fields == {"stops": ["Line 2: Use at most 200 characters."]}
    assert row_count(session, Event) == 0
    assert row_count(session, CalendarFeed) == 0


# Attendance: refusals store nothing


def test_attendance_for_someone_not_in_the_troupe_is_refused_and_stores_nothing(
    session, troupe, leader, members
):
    event = create(session, troupe, leader)
    stranger = factories.make_person(session, troupe=factories.make_troupe(session))
    session.commit()
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 1, 10),
            present_ids=[members[0].id, stranger.id],
            absent_ids=[],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"present"}
    assert str(stranger.id) in str(error.fields["present"][0])
    assert row_count(session, Attendance) == 0


def test_attendance_for_a_future_day_is_refused(session, troupe, leader, members):
    event = create(session, troupe, leader)
    session.commit()
    # NOW is Sunday 2026-03-01; the next session is on Saturday 2026-03-07
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 3, 7),
            present_ids=[members[0].id],
            absent_ids=[],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"occurrence"}
    assert row_count(session, Attendance) == 0
    counts = attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 3, 7),
        present_ids=[members[0].id],
        absent_ids=[],
        actor=leader,
        now=local(2026, 3, 7, 8),
    )  # that morning
    assert counts == {"present": 1, "absent": 0}


def test_attendance_goes_by_the_day_a_moved_session_is_held(session, troupe, leader, members):
    # The session of Saturday 2026-03-07 is held a week early, on 2026-02-28: on 2026-03-01 its
    # attendance can be taken; the Feb 14 session moved to 2026-03-14 cannot be ticked yet.
    event = create(session, troupe, leader)
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 3, 7),
        starts_at=datetime(2026, 2, 28, 14),
        actor=leader,
        now=NOW,
    )
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 2, 14),
        starts_at=datetime(2026, 3, 14, 14),
        actor=leader,
        now=NOW,
    )
    session.commit()
    assert attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 3, 7),
        present_ids=[members[0].id],
        absent_ids=[],
        actor=leader,
        now=NOW,
    ) == {"present": 1, "absent": 0}
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 2, 14),
            present_ids=[members[0].id],
            absent_ids=[],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"occurrence"}


def test_attendance_for_a_cancelled_session_is_refused(session, troupe, leader, members):
    event = create(session, troupe, leader)
    occurrences.cancel_occurrences(
        session, event=event, days=[date(2026, 1, 10)], actor=leader, now=NOW
    )
    session.commit()
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 1, 10),
            present_ids=[members[0].id],
            absent_ids=[],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"occurrence"}
    assert row_count(session, Attendance) == 0


def test_attendance_on_a_day_without_a_session_is_refused(session, troupe, leader, members):
    event = create(session, troupe, leader)
    session.commit()
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 1, 11),
            present_ids=[members[0].id],
            absent_ids=[],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"occurrence"}
    assert row_count(session, Attendance) == 0


def test_someone_both_present_and_absent_is_refused(session, troupe, leader, members):
    event = create(session, troupe, leader)
    session.commit()
    error = refused(
        lambda: attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 1, 10),
            present_ids=[members[0].id],
            absent_ids=[members[0].id],
            actor=leader,
            now=NOW,
        )
    )
    assert set(error.fields) == {"absent"}
    assert row_count(session, Attendance) == 0


def test_recording_again_replaces_the_ticks_of_the_people_named(session, troupe, leader, members):
    event = create(session, troupe, leader)
    day = date(2026, 1, 10)
    attendance.record_attendance(
        session,
        event=event,
        day=day,
        present_ids=[members[0].id, members[1].id],
        absent_ids=[],
        actor=leader,
        now=NOW,
    )
    attendance.record_attendance(
        session,
        event=event,
        day=day,
        present_ids=[],
        absent_ids=[members[1].id],
        actor=leader,
        now=NOW,
    )
    session.commit()
    sheet = queries.attendance_sheet(
        session, event, utc(local(2026, 1, 10, 9)), held_on=date(2026, 1, 10)
    )
    assert [(line.name, line.present) for line in sheet] == [
        ("成员1", True),
        ("成员2", False),
        ("成员3", None),
        ("成员4", None),
    ]


# Attendance numbers


def test_attendance_rates_and_weeks_on_a_small_example(session, troupe, leader, members):
    # Four members, two sessions: Jan 3 (Mon Dec 29 week) three came, Jan 10 (Jan 5 week) one.
    a, b, c, d = members
    event = create(session, troupe, leader)
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 1, 3),
        present_ids=[a.id, b.id, c.id],
        absent_ids=[d.id],
        actor=leader,
        now=NOW,
    )
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 1, 10),
        present_ids=[a.id],
        absent_ids=[b.id, c.id, d.id],
        actor=leader,
        now=NOW,
    )
    # a session outside the period does not count
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 2, 7),
        present_ids=[d.id],
        absent_ids=[],
        actor=leader,
        now=NOW,
    )
    other = factories.make_troupe(session)
    factories.make_person(session, name="别团成员", troupe=other)
    session.commit()
    after, before = local(2025, 12, 29), local(2026, 1, 19)

    rates = queries.attendance_rates(session, troupe.id, after, before)
    assert [(r.name, r.sessions, r.attended, r.rate) for r in rates] == [
        ("成员1", 2, 2, 1.0),
        ("成员2", 2, 1, 0.5),
        ("成员3", 2, 1, 0.5),
        ("成员4", 2, 0, 0.0),
    ]

    weeks = queries.weekly_attendance(session, troupe.id, after, before, SHANGHAI)
    assert [(w.week_start, w.sessions, w.present, w.recorded, w.rate) for w in weeks] == [
        (date(2025, 12, 29), 1, 3, 4, 0.75),
        (date(2026, 1, 5), 1, 1, 4, 0.25),
        (date(2026, 1, 12), 0, 0, 0, None),
    ]


def test_attendance_rates_are_none_before_any_attendance_is_taken(session, troupe, members):
    rates = queries.attendance_rates(session, troupe.id, local(2026, 1, 1), local(2026, 2, 1))
    assert [(r.sessions, r.attended, r.rate) for r in rates] == [(0, 0, None)] * 4


# Feeds


def test_the_feed_secret_is_made_once_and_rotating_replaces_it(session, troupe, leader):
    feed = feeds.feed_for_troupe(session, troupe=troupe, now=NOW)
    session.commit()
    secret = feed.secret
    assert len(secret) >= 40
    assert feeds.feed_for_troupe(session, troupe=troupe, now=NOW).secret == secret
    rotated = feeds.rotate_feed_secret(session, troupe=troupe, actor=leader, now=NOW)
    session.commit()
    assert rotated.secret != secret and rotated.rotated_at == NOW
    assert feed_queries.troupe_feed_state(session.connection(), secret) is None
    assert feed_queries.troupe_feed_state(session.connection(), rotated.secret).id == rotated.id


# Clashes: warnings, never refusals


@pytest.fixture
def two_troupes_sharing_a_member(session, troupe, leader):
    other = factories.make_troupe(session, name="银杏合唱团")
    shared = factories.make_person(session, name="王秀英", troupe=troupe)
    factories.make_person(session, name="只在红枫", troupe=troupe)
    session.add(Membership(troupe_id=other.id, person_id=shared.id))
    session.commit()
    return other


def other_event(session, other, actor, **changes) -> Event:
    values = {
        "title": "合唱排练",
        "location": "银杏社区",
        "rule": None,
        "starts_at": datetime(2026, 1, 10, 10),
        "ends_at": datetime(2026, 1, 10, 12),
    }
    return services.create_event(
        session,
        details=details(**(values | changes)),
        troupe=other,
        zone=ZONE,
        actor=actor,
        now=NOW,
    )


def test_a_person_in_two_troupes_booked_at_the_same_time_is_named(
    session, troupe, leader, two_troupes_sharing_a_member
):
    other = two_troupes_sharing_a_member
    mine = create(session, troupe, leader)
    other_event(session, other, leader)
    session.commit()
    [clash] = clash_queries.clashes_for(session, mine)
    assert (clash.kind, clash.people, clash.owner_name, clash.count) == (
        "people",
        ("王秀英",),
        "银杏合唱团",
        1,
    )
    assert clash.first_at == local(2026, 1, 10, 9)
    message = str(clash.message)
    assert "王秀英" in message and "银杏合唱团" in message and "合唱排练" in message
    assert "只在红枫" not in message


def test_a_double_booked_venue_is_a_clash(session, troupe, leader, festival, organizer):
    mine = create(session, troupe, leader)
    services.create_event(
        session,
        details=details(
            title="汇演彩排",
            rule=None,
            starts_at=datetime(2026, 1, 24, 8),
            ends_at=datetime(2026, 1, 24, 9, 30),
        ),
        festival=festival,
        zone=ZONE,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    [clash] = clash_queries.clashes_for(session, mine)
    assert (clash.kind, clash.owner_name, clash.first_at) == (
        "venue",
        festival.name,
        local(2026, 1, 24, 9),
    )
    assert "汇演彩排" in str(clash.message) and festival.name in str(clash.message)


def test_events_that_do_not_overlap_are_no_clash(
    session, troupe, leader, two_troupes_sharing_a_member
):
    other = two_troupes_sharing_a_member
    mine = create(session, troupe, leader)
    # right after a session, on a Sunday, and at the same venue on a day without a session
    other_event(
        session,
        other,
        leader,
        starts_at=datetime(2026, 1, 10, 11),
        ends_at=datetime(2026, 1, 10, 12),
    )
    other_event(
        session,
        other,
        leader,
        starts_at=datetime(2026, 1, 11, 9),
        ends_at=datetime(2026, 1, 11, 11),
    )
    other_event(
        session,
        factories.make_troupe(session),
        leader,
        location="崇川区文化馆",
        starts_at=datetime(2026, 1, 14, 9),
        ends_at=datetime(2026, 1, 14, 11),
    )
    session.commit()
    assert clash_queries.clashes_for(session, mine) == []


def test_a_cancelled_session_is_no_clash(session, troupe, leader, two_troupes_sharing_a_member):
    other = two_troupes_sharing_a_member
    mine = create(session, troupe, leader)
    occurrences.cancel_occurrences(
        session, event=mine, days=[date(2026, 1, 10)], actor=leader, now=NOW
    )
    other_event(session, other, leader)
    session.commit()
    assert clash_queries.clashes_for(session, mine) == []


def test_two_events_of_the_same_troupe_at_once_are_a_clash(session, troupe, leader, members):
    mine = create(session, troupe, leader)
    create(
        session,
        troupe,
        leader,
        title="声乐课",
        location="",
        rule=None,
        starts_at=datetime(2026, 1, 17, 10),
        ends_at=datetime(2026, 1, 17, 12),
    )
    session.commit()
    [clash] = clash_queries.clashes_for(session, mine)
    assert (clash.kind, clash.other_title, clash.first_at) == (
        "troupe",
        "声乐课",
        local(2026, 1, 17, 9),
    )


def test_two_events_of_a_troupe_without_members_at_once_are_a_clash(session, troupe, leader):
    mine = create(session, troupe, leader)
    create(
        session,
        troupe,
        leader,
        title="声乐课",
        location="",
        rule=None,
        starts_at=datetime(2026, 1, 17, 10),
        ends_at=datetime(2026, 1, 17, 12),
    )
    session.commit()
    assert [clash.kind for clash in clash_queries.clashes_for(session, mine)] == ["troupe"]


def test_a_festivals_new_name_or_time_zone_bumps_its_feed_and_other_changes_do_not(
    session, festival, organizer
):
    services.create_event(
        session,
        details=details(rule=None, is_public=True),
        festival=festival,
        zone=festival.timezone,
        actor=organizer,
        now=NOW,
    )
    session.commit()
    feed = session.execute(select(CalendarFeed)).scalar_one()

    def update(**changes):
        facts = {
            "name": festival.name,
            "year": festival.year,
            "starts_on": festival.starts_on,
            "ends_on": festival.ends_on,
            "timezone": festival.timezone,
            "submission_deadline": festival.submission_deadline.astimezone(
                ZoneInfo(festival.timezone)
            ).replace(tzinfo=None),
            "min_performer_age": festival.min_performer_age,
            "description": festival.description,
        }
        festivals.update_festival(
            session, festival=festival, actor=organizer, now=NOW, **{**facts, **changes}
        )
        session.commit()
        return feed.version

    assert update(description="新的说明") == 1
    assert update(name="第二届南通市老年文化艺术节") == 2
    assert update(timezone="Asia/Urumqi") == 3


def test_renaming_a_troupe_without_a_feed_makes_none(session, troupe, leader):
    troupes.update_troupe(
        session,
        troupe=troupe,
        name="新名字",
        kind=troupe.kind,
        leader_id=troupe.leader_id,
        actor=leader,
        now=NOW,
    )
    session.commit()
    assert feed_version(session, troupe) is None
