"""A session moved to another day counts on the day it was held: in the weekly table, in the
rates (who was a member that day), on its roll call and in the year in review's months."""

from datetime import UTC, date, datetime

from festival.public.home.leader import leader_home
from festival.review.figures import year_in_review
from festival.schedules import attendance, occurrences, queries
from festival.troupes.models import Membership
from tests import factories
from tests.schedules.test_attendance_join_date import SHANGHAI, local, saturdays

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
EN = {"Accept-Language": "en"}


def _world(session, office):
    leader = factories.make_user(session, role="leader", username="moved_leader")
    troupe = factories.make_troupe(session, name="晚霞合唱团", organization=office, leader=leader)
    founder = factories.make_person(session, name="老成员", troupe=troupe)
    newcomer = factories.make_person(session, name="新成员", troupe=troupe)
    # She joined on Monday 1 June: after the session's planned day, before the day it was held.
    session.get(Membership, (troupe.id, newcomer.id)).joined_on = date(2026, 6, 1)
    event = saturdays(session, troupe, leader, count=2, first=date(2026, 5, 30))
    # The Saturday session of 30 May is moved to Tuesday 2 June.
    occurrences.change_occurrence(
        session,
        event=event,
        day=date(2026, 5, 30),
        starts_at=datetime(2026, 6, 2, 9),
        ends_at=datetime(2026, 6, 2, 11),
        actor=leader,
        now=NOW,
    )
    session.commit()
    return leader, troupe, event, founder, newcomer


def test_a_moved_session_counts_on_the_day_it_was_held(session, office):
    leader, troupe, event, founder, newcomer = _world(session, office)
    # Its roll call is for the members of 2 June, the newcomer among them.
    original = local(2026, 5, 30, 9).astimezone(UTC)
    sheet = queries.attendance_sheet(session, event, original, held_on=date(2026, 6, 2))
    assert [(line.name, line.counts) for line in sheet] == [("新成员", True), ("老成员", True)]
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 5, 30),
        present_ids=[founder.id, newcomer.id],
        absent_ids=[],
        actor=leader,
        now=NOW,
    )
    session.commit()

    weeks = queries.weekly_attendance(
        session, troupe.id, local(2026, 5, 25), local(2026, 6, 8), SHANGHAI
    )
    assert [(w.week_start, w.sessions, w.present, w.recorded) for w in weeks] == [
        (date(2026, 5, 25), 0, 0, 0),
        (date(2026, 6, 1), 1, 2, 2),
    ]
    rates = queries.attendance_rates(session, troupe.id, local(2026, 6, 1), local(2026, 6, 8))
    assert [(r.name, r.sessions, r.attended) for r in rates] == [("新成员", 1, 1), ("老成员", 1, 1)]
    # May's window no longer holds it.
    assert queries.sessions_taken(session, troupe.id, local(2026, 5, 1), local(2026, 6, 1)) == 0

    review = year_in_review(session, organization_id=office.id, year=2026)
    months = {month.month: month for month in review.events.by_month}
    assert (months[5].sessions, months[5].attendance_rate) == (0, None)
    assert (months[6].sessions, months[6].attendance_rate) == (2, 1.0)


def test_the_roll_call_page_is_headed_with_the_day_it_was_held(client, session, office):
    leader, _troupe, event, _founder, _newcomer = _world(session, office)
    client.login(leader.username)
    page = client.get(f"/events/{event.id}/attendance/2026-05-30", headers=EN)
    assert page.status_code == 200
    heading = page.text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "June 2, 2026" in heading and "May 30" not in heading


def test_the_leader_home_knows_a_moved_session_was_recorded(session, office):
    leader, _troupe, event, founder, newcomer = _world(session, office)
    attendance.record_attendance(
        session,
        event=event,
        day=date(2026, 5, 30),
        present_ids=[founder.id, newcomer.id],
        absent_ids=[],
        actor=leader,
        now=NOW,
    )
    session.commit()
    # A week after 2 June's session, whose planned day (30 May) lies before the week.
    home = leader_home(session, leader, now=local(2026, 6, 8, 20).astimezone(UTC))
    rolls = [step.values for step in home.steps if step.endpoint == "schedules.take_attendance"]
    assert rolls == [{"event_id": event.id, "occurrence": "2026-06-06"}]
