"""Attendance counts a member only from the day they joined, and a roll call with no one
present is saved only when confirmed (issue 17, item 4): service and HTTP tests."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from festival.core.errors import ValidationFailed
from festival.schedules import attendance, queries, services
from festival.schedules.models import Attendance, Event
from festival.troupes.membership_dates import was_member_on
from festival.troupes.models import Membership
from tests import factories
from tests.checks import refusal, row_count

EN = {"Accept-Language": "en"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = factories.NOW  # 2026-03-01


def local(year, month, day, hour=0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def leader(session):
    user = factories.make_user(session, role="leader", username="hongfeng")
    session.commit()
    return user


@pytest.fixture
def troupe(session, office, leader):
    troupe = factories.make_troupe(session, name="红枫艺术团", organization=office, leader=leader)
    session.commit()
    return troupe


def join(session, troupe, name: str, joined_on: date | None):
    person = factories.make_person(session, name=name, troupe=troupe)
    session.get(Membership, (troupe.id, person.id)).joined_on = joined_on
    session.flush()
    return person


@pytest.fixture
def members(session, troupe):
    """Three founders (one without a date, as memberships made before dates were kept) and
    王新 who joined on Tuesday 2026-01-06, between the sessions of Jan 3 and Jan 10."""
    people = [
        join(session, troupe, "成员1", None),
        join(session, troupe, "成员2", date(2025, 6, 1)),
        join(session, troupe, "成员3", date(2025, 6, 1)),
        join(session, troupe, "王新", date(2026, 1, 6)),
    ]
    session.commit()
    return people


def saturdays(session, troupe, leader, *, hour=9, count=4, first=date(2026, 1, 3)) -> Event:
    """Saturdays from ``first`` (2026-01-03) at ``hour`` (Shanghai), ``count`` sessions."""
    event = services.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=leader,
        now=NOW,
        details=services.EventDetails(
            title="周六排练",
            kind="training",
            starts_at=datetime.combine(first, time(hour)),
            ends_at=datetime.combine(first, time(hour + 2)),
            location="文化馆",
            rule=f"FREQ=WEEKLY;BYDAY=SA;COUNT={count}",
        ),
    )
    session.commit()
    return event


def roll_call(session, event, leader, day, present, absent):
    attendance.record_attendance(
        session,
        event=event,
        day=day,
        present_ids=[p.id for p in present],
        absent_ids=[p.id for p in absent],
        actor=leader,
        now=NOW,
    )
    session.commit()


# The rule


def test_a_member_counts_from_the_day_they_joined():
    assert was_member_on(date(2026, 1, 6), date(2026, 1, 6))
    assert was_member_on(date(2026, 1, 6), date(2026, 1, 10))
    assert not was_member_on(date(2026, 1, 6), date(2026, 1, 5))
    assert was_member_on(None, date(1990, 1, 1))


# Rates and the weekly table


def test_rates_count_a_late_joiner_only_from_their_join_date_and_agree_with_the_weeks(
    session, troupe, leader, members
):
    a, b, c, new = members
    event = saturdays(session, troupe, leader)
    roll_call(session, event, leader, date(2026, 1, 3), [a, b, c], [])
    # A row written before the rule existed: 王新 "absent" before she joined. It is not counted.
    session.add(
        Attendance(
            event_id=event.id,
            occurrence_at=local(2026, 1, 3, 9).astimezone(UTC),
            person_id=new.id,
            present=False,
            recorded_by_id=leader.id,
            recorded_at=NOW,
        )
    )
    roll_call(session, event, leader, date(2026, 1, 10), [a, new], [b, c])
    after, before = local(2025, 12, 29), local(2026, 1, 19)

    rates = queries.attendance_rates(session, troupe.id, after, before)
    assert [(r.name, r.sessions, r.attended, r.rate) for r in rates] == [
        ("成员1", 2, 2, 1.0),
        ("成员2", 2, 1, 0.5),
        ("成员3", 2, 1, 0.5),
        ("王新", 1, 1, 1.0),
    ]
    assert rates[-1].joined_on == date(2026, 1, 6)
    assert queries.sessions_taken(session, troupe.id, after, before) == 2

    weeks = queries.weekly_attendance(session, troupe.id, after, before, SHANGHAI)
    assert [(w.week_start, w.sessions, w.present, w.recorded, w.rate) for w in weeks] == [
        (date(2025, 12, 29), 1, 3, 3, 1.0),
        (date(2026, 1, 5), 1, 2, 4, 0.5),
        (date(2026, 1, 12), 0, 0, 0, None),
    ]
    # The two tables tell the same story.
    assert sum(w.present for w in weeks) == sum(r.attended for r in rates)
    assert sum(w.recorded for w in weeks) == sum(r.sessions for r in rates)


def test_the_join_day_is_the_sessions_local_day_not_its_utc_day(session, troupe, leader):
    # 07:00 in Shanghai on Jan 10 is 23:00 UTC on Jan 9: she joined that morning and counts.
    early = join(session, troupe, "早到", date(2026, 1, 10))
    session.commit()
    event = saturdays(session, troupe, leader, hour=7)
    roll_call(session, event, leader, date(2026, 1, 10), [early], [])
    rates = queries.attendance_rates(session, troupe.id, local(2026, 1, 1), local(2026, 2, 1))
    assert [(r.sessions, r.attended) for r in rates] == [(1, 1)]
    weeks = queries.weekly_attendance(
        session, troupe.id, local(2026, 1, 5), local(2026, 1, 12), SHANGHAI
    )
    assert [(w.present, w.recorded) for w in weeks] == [(1, 1)]


def test_a_roll_call_refuses_someone_who_had_not_joined_yet(session, troupe, leader, members):
    a, _, _, new = members
    event = saturdays(session, troupe, leader)
    with pytest.raises(ValidationFailed) as raised:
        roll_call(session, event, leader, date(2026, 1, 3), [a], [new])
    session.rollback()
    assert "Not yet members on the day of this session" in str(raised.value.fields["absent"][0])
    assert row_count(session, Attendance) == 0


def test_the_service_refuses_an_unconfirmed_all_absent_list(session, troupe, leader, members):
    event = saturdays(session, troupe, leader)
    with pytest.raises(ValidationFailed) as raised:
        attendance.record_attendance(
            session,
            event=event,
            day=date(2026, 1, 10),
            present_ids=[],
            absent_ids=[p.id for p in members],
            actor=leader,
            now=NOW,
            all_absent_confirmed=False,
        )
    session.rollback()
    assert list(raised.value.fields) == [attendance.CONFIRM_ALL_ABSENT]
    assert row_count(session, Attendance) == 0


# Pages


def test_saving_an_empty_roll_call_asks_first_and_stores_nothing(
    client, session, troupe, leader, members
):
    event = saturdays(session, troupe, leader)
    client.login(leader.username)
    url = f"/events/{event.id}/attendance/2026-01-10"
    asked = client.post_form(url, {}, headers=EN)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "No one is marked present. Save everyone as absent?" in page
    assert 'name="confirm_all_absent" value="1"' in page
    assert "Yes, save everyone as absent" in page
    assert row_count(session, Attendance) == 0

    saved = client.post_form(url, {"confirm_all_absent": "1"}, headers=EN)
    assert saved.status_code == 302
    assert row_count(session, Attendance, Attendance.present.is_(False)) == 4
    assert row_count(session, Attendance) == 4


def test_a_roll_call_with_someone_present_is_saved_without_a_question(
    client, session, troupe, leader, members
):
    event = saturdays(session, troupe, leader)
    client.login(leader.username)
    response = client.post_form(
        f"/events/{event.id}/attendance/2026-01-10", {"present": [members[0].id]}, headers=EN
    )
    assert response.status_code == 302
    assert row_count(session, Attendance) == 4


def test_the_roll_call_before_someone_joined_does_not_list_them(
    client, session, troupe, leader, members
):
    a, _, _, new = members
    event = saturdays(session, troupe, leader)
    client.login(leader.username)
    before = client.get(f"/events/{event.id}/attendance/2026-01-03", headers=EN)
    page = before.get_data(as_text=True)
    assert f'id="present-{a.id}"' in page
    assert f'id="present-{new.id}"' not in page
    assert "Not on this list: 1 member who joined after this day." in page
    assert "王新 (joined January 6, 2026)" in page
    after = client.get(f"/events/{event.id}/attendance/2026-01-10", headers=EN)
    assert f'id="present-{new.id}"' in after.get_data(as_text=True)

    # Ticking everyone on the earlier day records the three who were members then.
    response = client.post_form(
        f"/events/{event.id}/attendance/2026-01-03", {"present": [a.id]}, headers=EN
    )
    assert response.status_code == 302
    assert row_count(session, Attendance) == 3
    assert row_count(session, Attendance, Attendance.person_id == new.id) == 0


def test_the_rates_page_counts_a_late_joiner_from_their_join_date(
    client, session, troupe, leader, members
):
    a, b, c, new = members
    event = saturdays(session, troupe, leader)
    roll_call(session, event, leader, date(2026, 1, 3), [a, b, c], [])
    roll_call(session, event, leader, date(2026, 1, 10), [a, new], [b, c])
    client.login(leader.username)
    page = client.get(
        f"/troupes/{troupe.id}/attendance?from=2026-01-01&to=2026-01-31", headers=EN
    ).get_data(as_text=True)
    rows = re.findall(
        r'<th scope="row">([^<]+)(?:<br>[^/]*</span>)?</th>\s*<td class="num">(\d+)</td>\s*'
        r'<td class="num">(\d+)</td>\s*<td class="num">(\d+%)</td>',
        page,
    )
    assert rows == [
        ("成员1", "2", "2", "100%"),
        ("成员2", "2", "1", "50%"),
        ("成员3", "2", "1", "50%"),
        ("王新", "1", "1", "100%"),
    ]
    assert "joined January 6, 2026" in page
    assert "2 sessions with attendance taken" in page
    # The weekly table: 3 of 3 in the first week, 2 of 4 in the second.
    assert re.search(r'<td class="num">3 / 3</td>\s*<td class="num">100%</td>', page)
    assert re.search(r'<td class="num">2 / 4</td>\s*<td class="num">50%</td>', page)


# The API: its contract stays; its numbers follow the same rule


def test_the_api_rates_count_from_the_join_date(api, session, troupe, leader, members):
    a, b, c, new = members
    event = saturdays(session, troupe, leader)
    caller = api.as_user(leader)
    url = f"/api/v1/events/{event.id}/attendance"
    ok = caller.put(f"{url}/2026-01-03", json={"present": [], "absent": [a.id, b.id, c.id]})
    assert ok.status_code == 200, ok.get_json()  # explicit statuses: no question asked
    caller.put(f"{url}/2026-01-10", json={"present": [a.id, new.id], "absent": [b.id, c.id]})
    items = caller.get(
        f"/api/v1/troupes/{troupe.id}/attendance?from=2026-01-01&to=2026-01-31"
    ).get_json()["items"]
    assert [(i["name"], i["sessions"], i["attended"], i["rate"]) for i in items] == [
        ("成员1", 2, 1, 0.5),
        ("成员2", 2, 0, 0.0),
        ("成员3", 2, 0, 0.0),
        ("王新", 1, 1, 1.0),
    ]
    error = refusal(
        caller.put(f"{url}/2026-01-03", json={"present": [new.id], "absent": []}),
        422,
        "validation_error",
    )
    assert str(new.id) in error["fields"]["present"][0]
