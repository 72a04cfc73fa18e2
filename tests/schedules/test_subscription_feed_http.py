"""The troupe feed's reminders (VALARM) as calendar apps see them: in every VEVENT, overrides
included, checked by four parsers; and the leader's choice of reminders changes the feed."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from festival.schedules.views import subscriptions
from tests import factories
from tests.schedules.test_feed_http import WEEKLY, subscription_path

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def team(session):
    leader = factories.make_user(session, role="leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    session.commit()
    return troupe, leader


def alarms_by_occurrence(body: bytes, start: str, end: str) -> dict[str, list[str]]:
    """Each occurrence's local start → its reminders' local times, as a client expands them."""
    calendar = icalendar.Calendar.from_ical(body)
    found = {}
    window = [datetime.fromisoformat(day).replace(tzinfo=SH) for day in (start, end)]
    for occurrence in recurring_ical_events.of(calendar).between(*window):
        starts = occurrence.start.astimezone(SH)
        times = []
        for alarm in occurrence.walk("VALARM"):
            assert alarm["ACTION"] == "DISPLAY"
            assert str(alarm["DESCRIPTION"]) == str(occurrence["SUMMARY"])
            trigger = alarm.decoded("TRIGGER")
            assert isinstance(trigger, timedelta) and trigger < timedelta(0)
            times.append((starts + trigger).strftime("%m-%d %H:%M"))
        found[starts.strftime("%m-%d %H:%M")] = sorted(times)
    return found


def reminders_form(client, troupe, **ticked):
    client.login("taichi")
    page = client.get(f"/troupes/{troupe.id}/calendar")
    assert page.status_code == 200
    return client.post_form(
        f"/troupes/{troupe.id}/calendar/reminders", {key: "y" for key, on in ticked.items() if on}
    )


def test_every_session_reminds_the_evening_before_and_an_hour_before_moved_ones_included(
    app, session, api, client, team, ical_check
):
    troupe, leader = team
    caller = api.as_user(leader)
    weekly = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY).get_json()
    moved = caller.patch(
        f"/api/v1/events/{weekly['id']}/occurrences/2027-05-15",
        json={"starts_at": "2027-05-15T20:30:00", "ends_at": "2027-05-15T21:30:00"},
    )
    assert moved.status_code == 200, moved.get_json()
    body = client.get(subscription_path(api, troupe, leader)).data

    occurrences = ical_check(body, "2027-05-01", "2027-05-16")
    assert ("2027-05-15 20:30", "2027-05-15 21:30", "每周集体训练") in occurrences
    assert body.count(b"BEGIN:VALARM") == 4  # two in the series, two in its moved session
    assert b"TRIGGER:-PT14H" in body and b"TRIGGER:-P1DT1H30M" in body
    alarms = alarms_by_occurrence(body, "2027-05-01", "2027-05-16")
    assert alarms["05-08 09:00"] == ["05-07 19:00", "05-08 08:00"]
    assert alarms["05-15 20:30"] == ["05-14 19:00", "05-15 19:30"]


def test_changing_the_reminders_changes_the_feed_and_its_etag(
    app, session, api, client, team, ical_check, monkeypatch
):
    troupe, leader = team
    api.as_user(leader).post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    path = subscription_path(api, troupe, leader)
    first = client.get(path)
    etag = first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304

    later = datetime.now(UTC) + timedelta(minutes=5)
    monkeypatch.setattr(subscriptions, "utcnow", lambda: later)
    saved = reminders_form(client, troupe, evening_before=False, hour_before=True)
    assert saved.status_code == 302

    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.data.count(b"BEGIN:VALARM") == 1 and b"TRIGGER:-PT1H" in changed.data
    # The events say they changed, so that clients replace their reminders.
    stamp = next(line for line in changed.data.split(b"\r\n") if line.startswith(b"LAST-MODIFIED"))
    assert stamp not in first.data
    ical_check(changed.data, "2027-05-01", "2027-05-16")

    none = reminders_form(client, troupe, evening_before=False, hour_before=False)
    assert none.status_code == 302
    silent = client.get(path)
    assert b"VALARM" not in silent.data
    assert silent.headers["ETag"] not in {etag, changed.headers["ETag"]}


def test_saving_the_same_reminders_keeps_the_feed_byte_identical(app, session, api, client, team):
    troupe, leader = team
    api.as_user(leader).post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    path = subscription_path(api, troupe, leader)
    first = client.get(path)
    reminders_form(client, troupe, evening_before=True, hour_before=True)
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.get(path).data == first.data


def test_a_feed_unchanged_since_its_reminders_changed_answers_from_the_kept_bytes(
    app, session, api, client, team, count_queries
):
    troupe, leader = team
    api.as_user(leader).post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    path = subscription_path(api, troupe, leader)
    reminders_form(client, troupe, evening_before=True, hour_before=False)
    built = client.get(path)
    with count_queries() as queries:
        again = client.get(path, headers={"If-None-Match": built.headers["ETag"]})
    assert again.status_code == 304
    assert len(queries) == 1
