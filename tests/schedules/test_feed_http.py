"""The troupe's feed as calendar apps see it: checked by four independent parsers."""

import re

import pytest

from tests import factories

DAILY = {
    "title": "个人练习",
    "kind": "practice",
    "starts_at": "2027-05-01T06:30:00",
    "ends_at": "2027-05-01T07:30:00",
    "location": "各自家中",
    "rrule": "FREQ=DAILY;UNTIL=20271031",
}
WEEKLY = {
    "title": "每周集体训练",
    "kind": "training",
    "starts_at": "2027-05-01T09:00:00",
    "ends_at": "2027-05-01T11:00:00",
    "location": "崇川区文化馆广场",
    "rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030",
}
EXHIBITION = {
    "title": "千名老人太极拳展示",
    "kind": "exhibition",
    "starts_at": "2027-10-24T09:00:00+08:00",
    "ends_at": "2027-10-24T11:30:00+08:00",
    "location": "南通市体育会展中心",
}


@pytest.fixture
def team(session):
    leader = factories.make_user(session, role="leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    session.commit()
    return troupe, leader


def subscription_path(api, troupe, leader) -> str:
    """The troupe's feed as its subscribe page gives it, without the host."""
    url = api.as_user(leader).get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()["url"]
    return url.removeprefix("http://localhost")


def sequence_of(body: str, recurrence_id: str | None = None) -> int:
    for block in body.split("BEGIN:VEVENT")[1:]:
        has_id = "RECURRENCE-ID" in block
        if (recurrence_id is None and not has_id) or (recurrence_id and recurrence_id in block):
            return int(re.search(r"SEQUENCE:(\d+)", block).group(1))
    raise AssertionError("no such VEVENT")


def test_team_feed_shows_practice_training_a_cancelled_day_and_a_moved_session(
    app, session, api, client, team, ical_check
):
    troupe, leader = team
    caller = api.as_user(leader)
    daily = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=DAILY).get_json()
    weekly = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY).get_json()
    assert caller.post(f"/api/v1/troupes/{troupe.id}/events", json=EXHIBITION).status_code == 201
    assert (
        caller.post(
            f"/api/v1/events/{daily['id']}/cancellations", json={"occurrence": "2027-05-03"}
        ).status_code
        == 201
    )
    moved = caller.patch(
        f"/api/v1/events/{weekly['id']}/occurrences/2027-05-15",
        json={"starts_at": "2027-05-15T14:00:00", "ends_at": "2027-05-15T16:00:00"},
    )
    assert moved.status_code == 200, moved.get_json()
    response = client.get(subscription_path(api, troupe, leader))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    occurrences = ical_check(response.data, "2027-05-01", "2027-05-16")

    practice = [o for o in occurrences if o[2] == "个人练习"]
    assert [o[0] for o in practice] == [
        f"2027-05-{day:02d} 06:30" for day in range(1, 16) if day != 3
    ]
    training = [o[:2] for o in occurrences if o[2] == "每周集体训练"]
    assert training == [
        ("2027-05-01 09:00", "2027-05-01 11:00"),
        ("2027-05-08 09:00", "2027-05-08 11:00"),
        ("2027-05-15 14:00", "2027-05-15 16:00"),
    ]
    october = ical_check(response.data, "2027-10-24", "2027-10-25")
    assert ("2027-10-24 09:00", "2027-10-24 11:30", "千名老人太极拳展示") in october


def test_changing_one_session_raises_its_sequence_and_the_etag(app, session, api, client, team):
    troupe, leader = team
    caller = api.as_user(leader)
    weekly = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY).get_json()
    path = subscription_path(api, troupe, leader)
    before = client.get(path)
    base = sequence_of(before.get_data(as_text=True))

    caller.patch(
        f"/api/v1/events/{weekly['id']}/occurrences/2027-06-05",
        json={"starts_at": "2027-06-05T15:00:00", "ends_at": "2027-06-05T17:00:00"},
    )
    after = client.get(path)
    body = after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "RECURRENCE-ID;TZID=Asia/Shanghai:20270605T090000" in body
    assert "DTSTART;TZID=Asia/Shanghai:20270605T150000" in body
    assert sequence_of(body, "20270605T090000") > base
    assert sequence_of(body) > base


def test_an_unchanged_feed_answers_304_and_is_byte_identical(
    app, session, api, client, team, count_queries
):
    troupe, leader = team
    caller = api.as_user(leader)
    caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    path = subscription_path(api, troupe, leader)
    first, second = client.get(path), client.get(path)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert "Content-Encoding" not in first.headers
    with count_queries() as queries:
        cached = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304
    assert cached.data == b""
    assert cached.headers["ETag"] == first.headers["ETag"]
    assert len(queries) == 1


def test_a_rotated_secret_answers_404_and_the_new_one_works(app, session, api, client, team):
    troupe, leader = team
    caller = api.as_user(leader)
    old = caller.get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()
    rotated = caller.post(f"/api/v1/troupes/{troupe.id}/calendar/rotate")
    assert rotated.status_code == 200
    new = rotated.get_json()
    assert new["url"] != old["url"]
    assert new["webcal_url"] == "webcal://" + new["url"].removeprefix("http://")
    gone = client.get(old["url"].removeprefix("http://localhost"))
    assert gone.status_code == 404
    assert troupe.name not in gone.get_data(as_text=True)
    assert client.get(new["url"].removeprefix("http://localhost")).status_code == 200


def test_a_wrong_secret_answers_404(app, client):
    assert client.get("/calendar/not-a-secret.ics").status_code == 404


def test_a_secret_right_only_in_its_first_characters_answers_404(app, session, api, client, team):
    troupe, leader = team
    secret = subscription_path(api, troupe, leader).rsplit("/", 1)[1].removesuffix(".ics")
    forged = secret[:16] + ("A" if secret[16] != "A" else "B") + secret[17:]
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
    assert client.get(f"/calendar/{secret[:16]}.ics").status_code == 404
    assert client.get(f"/calendar/{secret}.ics").status_code == 200


def test_a_feed_neither_reads_nor_sets_the_session_cookie(app, session, api, client, team):
    troupe, leader = team
    client.login(leader.username)
    path = subscription_path(api, troupe, leader)
    for feed in (client.get(path), client.get("/calendar/not-a-secret.ics")):
        assert "Set-Cookie" not in feed.headers
        assert "Cookie" not in feed.headers.get("Vary", "")
    assert "taichi" not in client.get("/calendar/not-a-secret.ics").get_data(as_text=True)
    # The browser's login is untouched: its next page is still the leader's.
    assert "taichi" in client.get("/").get_data(as_text=True)


def test_renaming_a_troupe_renames_its_calendar_in_subscribers_apps(
    app, session, api, client, team
):
    troupe, leader = team
    caller = api.as_user(leader)
    caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    path = subscription_path(api, troupe, leader)
    before = client.get(path)
    assert "X-WR-CALNAME:太极拳展示队" in before.get_data(as_text=True)

    assert (
        caller.patch(f"/api/v1/troupes/{troupe.id}", json={"name": "崇川太极拳展示队"}).status_code
        == 200
    )
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert "X-WR-CALNAME:崇川太极拳展示队" in after.get_data(as_text=True)
