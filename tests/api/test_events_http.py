"""Events, series, single sessions, attendance and the calendar URL through /api/v1 (API.md:
the events/attendance/calendar rows)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from festival.schedules import occurrences, services
from festival.schedules.models import (
    Attendance,
    CalendarFeed,
    Event,
    EventCancellation,
    EventOverride,
)
from festival.schedules.services import EventDetails
from tests import factories
from tests.checks import refusal, row_count

# Saturdays 09:00-11:00 from 2027-05-01 to 2027-10-30, times without offset: Shanghai time.
WEEKLY = {
    "title": "每周集体训练",
    "kind": "training",
    "starts_at": "2027-05-01T09:00:00",
    "ends_at": "2027-05-01T11:00:00",
    "location": "崇川区文化馆",
    "rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030",
    "notes": "带好扇子",
}
# Saturdays in the past (attendance is taken on the day or later): 2026-09-05 .. 2026-10-24.
PAST_WEEKLY = WEEKLY | {
    "starts_at": "2026-09-05T09:00:00",
    "ends_at": "2026-09-05T11:00:00",
    "rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=8",
}
ONE_OFF = {
    "title": "重阳节展演",
    "kind": "performance",
    "starts_at": "2027-10-16T14:00:00+08:00",
    "ends_at": "2027-10-16T16:00:00+08:00",
    "location": "南通市体育会展中心",
    "public": True,
}


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


@pytest.fixture
def caller(api, leader, troupe):
    return api.as_user(leader)


@pytest.fixture
def members(session, troupe):
    people = [factories.make_person(session, name=f"成员{n}", troupe=troupe) for n in range(1, 5)]
    session.commit()
    return people


def create(caller, troupe, body=WEEKLY) -> dict:
    response = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def feed_path(caller, troupe) -> str:
    url = caller.get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()["url"]
    return url.removeprefix("http://localhost")


# Creating


def test_a_leader_creates_a_series_and_gets_the_contract_fields(app, caller, troupe):
    response = caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY)
    assert response.status_code == 201
    body = response.get_json()
    assert isinstance(body["id"], int)
    assert {
        name: body[name]
        for name in (
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "location",
            "rrule",
            "public",
            "troupe_id",
            "festival_id",
            "timezone",
            "notes",
            "sequence",
            "cancellations",
            "changes",
            "occurrences",
            "warnings",
        )
    } == {
        "title": "每周集体训练",
        "kind": "training",
        "starts_at": "2027-05-01T09:00:00+08:00",
        "ends_at": "2027-05-01T11:00:00+08:00",
        "location": "崇川区文化馆",
        "rrule": "FREQ=WEEKLY;BYDAY=SA;UNTIL=20271030T155959Z",
        "public": False,
        "troupe_id": troupe.id,
        "festival_id": None,
        "timezone": "Asia/Shanghai",
        "notes": "带好扇子",
        "sequence": 0,
        "cancellations": [],
        "changes": [],
        "occurrences": None,
        "warnings": [],
    }
    assert body["series_ends_at"] == "2027-10-30T11:00:00+08:00"
    assert caller.get(f"/api/v1/events/{body['id']}").get_json() == body


def test_a_time_with_an_offset_is_kept_and_one_without_is_shanghai_time(app, caller, troupe):
    utc = create(
        caller,
        troupe,
        ONE_OFF | {"starts_at": "2027-10-16T06:00:00Z", "ends_at": "2027-10-16T08:00:00Z"},
    )
    assert (utc["starts_at"], utc["ends_at"]) == (
        "2027-10-16T14:00:00+08:00",
        "2027-10-16T16:00:00+08:00",
    )
    naive = create(
        caller,
        troupe,
        ONE_OFF | {"starts_at": "2027-10-16T14:00:00", "ends_at": "2027-10-16T16:00:00"},
    )
    assert naive["starts_at"] == "2027-10-16T14:00:00+08:00"
    assert naive["public"] is True and naive["rrule"] is None


def test_a_festivals_organizer_adds_a_festival_event(app, session, api, festival, organizer):
    response = api.as_user(organizer).post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["festival_id"], body["troupe_id"], body["public"]) == (festival.id, None, True)
    assert row_count(session, Event, Event.festival_id == festival.id) == 1


def test_others_may_not_add_festival_events(app, session, api, festival, leader):
    elsewhere = factories.make_organization(session, level="city")
    stranger = factories.make_user(session, role="organizer", organization=elsewhere)
    draft = factories.make_festival(session, organization=festival.organization, status="draft")
    # managed_festival: an opened festival is visible, so others are forbidden (403); a draft
    # is not, so they are told it does not exist (404).
    refusal(
        api.as_user(stranger).post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF),
        403,
        "forbidden",
    )
    refusal(
        api.as_user(stranger).post(f"/api/v1/festivals/{draft.id}/events", json=ONE_OFF),
        404,
        "not_found",
    )
    refusal(
        api.as_user(leader).post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF),
        403,
        "forbidden",
    )
    refusal(api.post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF), 401, "unauthorized")
    assert row_count(session, Event) == 0


def test_the_troupes_organizer_manages_its_events(app, api, troupe, organizer):
    manager = api.as_user(organizer)
    event = create(manager, troupe)
    assert manager.get(f"/api/v1/events/{event['id']}").status_code == 200
    assert manager.get(f"/api/v1/troupes/{troupe.id}/events").get_json()["total"] == 1


# Who may see what


@pytest.fixture
def someone_elses(session, api, caller, troupe, members):
    """A series of the caller's troupe, with a cancellation, and another troupe's leader."""
    event = create(caller, troupe, PAST_WEEKLY)
    caller.post(f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2026-09-12"})
    other = factories.make_user(session, role="leader")
    factories.make_troupe(session, leader=other)
    session.commit()
    return event, other


def routes(event_id: int, troupe_id: int, person_id: int) -> list[tuple]:
    return [
        ("get", f"/api/v1/events/{event_id}", None),
        ("patch", f"/api/v1/events/{event_id}", {"title": "改名"}),
        ("delete", f"/api/v1/events/{event_id}", None),
        ("get", f"/api/v1/troupes/{troupe_id}/events", None),
        ("post", f"/api/v1/troupes/{troupe_id}/events", WEEKLY),
        ("post", f"/api/v1/events/{event_id}/cancellations", {"occurrence": "2026-09-19"}),
        ("patch", f"/api/v1/events/{event_id}/occurrences/2026-09-19", {"title": "改"}),
        ("delete", f"/api/v1/events/{event_id}/occurrences/2026-09-12", None),
        (
            "put",
            f"/api/v1/events/{event_id}/attendance/2026-09-05",
            {"present": [person_id], "absent": []},
        ),
        ("get", f"/api/v1/troupes/{troupe_id}/attendance", None),
        ("get", f"/api/v1/troupes/{troupe_id}/calendar", None),
        ("post", f"/api/v1/troupes/{troupe_id}/calendar/rotate", None),
    ]


def call(client, method, url, body):
    if method in ("get", "delete"):
        return getattr(client, method)(url)
    return getattr(client, method)(url, json=body)


def unchanged_state(session, event_id):
    session.expire_all()
    event = session.get(Event, event_id)
    feed = session.execute(select(CalendarFeed)).scalars().all()
    return (
        event.title,
        event.sequence,
        row_count(session, Event),
        row_count(session, EventCancellation),
        row_count(session, EventOverride),
        row_count(session, Attendance),
        [(f.version, f.secret) for f in feed],
    )


@pytest.mark.parametrize("index", range(12))
def test_a_leader_of_another_troupe_gets_404_and_changes_nothing(
    app, session, api, troupe, members, someone_elses, index
):
    event, other = someone_elses
    method, url, body = routes(event["id"], troupe.id, members[0].id)[index]
    before = unchanged_state(session, event["id"])
    refusal(call(api.as_user(other), method, url, body), 404, "not_found")
    assert unchanged_state(session, event["id"]) == before


@pytest.mark.parametrize("index", range(12))
def test_an_anonymous_caller_gets_401_and_changes_nothing(
    app, session, api, troupe, members, someone_elses, index
):
    event, _other = someone_elses
    method, url, body = routes(event["id"], troupe.id, members[0].id)[index]
    before = unchanged_state(session, event["id"])
    refusal(call(api, method, url, body), 401, "unauthorized")
    assert unchanged_state(session, event["id"]) == before


def test_an_organizer_of_another_tree_gets_404_for_a_troupes_event(
    app, session, api, someone_elses
):
    event, _other = someone_elses
    stranger = factories.make_user(
        session, role="organizer", organization=factories.make_organization(session)
    )
    refusal(api.as_user(stranger).get(f"/api/v1/events/{event['id']}"), 404, "not_found")


# Listing


def test_listing_with_a_window_gives_the_occurrences_with_their_cancelled_flag(app, caller, troupe):
    event = create(caller, troupe)
    caller.post(f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2027-05-08"})
    caller.patch(
        f"/api/v1/events/{event['id']}/occurrences/2027-05-15",
        json={"starts_at": "2027-05-15T14:00:00", "title": "改到下午"},
    )
    create(caller, troupe, ONE_OFF)  # in October: not in the window

    response = caller.get(f"/api/v1/troupes/{troupe.id}/events?from=2027-05-01&to=2027-05-22")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"]) == (1, 1)
    [item] = body["items"]
    assert item["cancellations"] == ["2027-05-08"]
    assert item["changes"] == [
        {
            "occurrence": "2027-05-15",
            "starts_at": "2027-05-15T14:00:00+08:00",
            "ends_at": "2027-05-15T16:00:00+08:00",
            "title": "改到下午",
            "location": "崇川区文化馆",
        }
    ]
    assert [
        (o["occurrence"], o["starts_at"], o["cancelled"], o["changed"]) for o in item["occurrences"]
    ] == [
        ("2027-05-01", "2027-05-01T09:00:00+08:00", False, False),
        ("2027-05-08", "2027-05-08T09:00:00+08:00", True, False),
        ("2027-05-15", "2027-05-15T14:00:00+08:00", False, True),
        ("2027-05-22", "2027-05-22T09:00:00+08:00", False, False),
    ]  # `to` is inclusive


def test_listing_without_a_window_gives_the_series_without_occurrences(app, caller, troupe):
    create(caller, troupe)
    create(caller, troupe, ONE_OFF)
    body = caller.get(f"/api/v1/troupes/{troupe.id}/events").get_json()
    assert body["total"] == 2
    assert [item["occurrences"] for item in body["items"]] == [None, None]
    assert [item["title"] for item in body["items"]] == ["每周集体训练", "重阳节展演"]


def test_a_bad_window_is_a_400(app, caller, troupe):
    refusal(caller.get(f"/api/v1/troupes/{troupe.id}/events?from=May"), 400, "bad_request")
    refusal(
        caller.get(f"/api/v1/troupes/{troupe.id}/events?from=2027-05-02&to=2027-05-01"),
        400,
        "bad_request",
    )


def test_anyone_sees_only_the_public_events_of_an_opened_festival(
    app, session, api, festival, organizer
):
    manager = api.as_user(organizer)
    manager.post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF)
    manager.post(
        f"/api/v1/festivals/{festival.id}/events",
        json=ONE_OFF | {"title": "评委碰头会", "kind": "meeting", "public": False},
    )
    public = api.get(f"/api/v1/festivals/{festival.id}/events")
    assert public.status_code == 200
    assert [item["title"] for item in public.get_json()["items"]] == ["重阳节展演"]
    assert public.get_json()["total"] == 1
    windowed = api.get(f"/api/v1/festivals/{festival.id}/events?from=2027-10-01&to=2027-10-31")
    assert [o["starts_at"] for o in windowed.get_json()["items"][0]["occurrences"]] == [
        "2027-10-16T14:00:00+08:00"
    ]
    managed = manager.get(f"/api/v1/festivals/{festival.id}/events").get_json()
    assert sorted(item["title"] for item in managed["items"]) == ["评委碰头会", "重阳节展演"]


def test_a_draft_festivals_events_are_404_to_others(app, session, api, office, organizer):
    draft = factories.make_festival(session, organization=office, status="draft")
    session.commit()
    assert (
        api.as_user(organizer)
        .post(f"/api/v1/festivals/{draft.id}/events", json=ONE_OFF)
        .status_code
        == 201
    )
    refusal(api.get(f"/api/v1/festivals/{draft.id}/events"), 404, "not_found")
    leader = factories.make_user(session, role="leader")
    refusal(api.as_user(leader).get(f"/api/v1/festivals/{draft.id}/events"), 404, "not_found")
    assert (
        api.as_user(organizer).get(f"/api/v1/festivals/{draft.id}/events").get_json()["total"] == 1
    )


# Changing and deleting


def test_patching_an_event_raises_its_sequence_and_warns_of_a_clash(
    app, session, api, caller, troupe, festival, organizer
):
    api.as_user(organizer).post(f"/api/v1/festivals/{festival.id}/events", json=ONE_OFF)
    event = create(
        caller, troupe, ONE_OFF | {"title": "合练", "public": False, "location": "社区活动室"}
    )
    assert event["warnings"] == []
    response = caller.patch(
        f"/api/v1/events/{event['id']}", json={"location": "南通市体育会展中心"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["sequence"] == 1
    assert body["location"] == "南通市体育会展中心"
    assert len(body["warnings"]) == 1
    assert "重阳节展演" in body["warnings"][0] and festival.name in body["warnings"][0]


def test_patching_only_the_start_keeps_the_length_and_the_cancelled_days(app, caller, troupe):
    event = create(caller, troupe)
    caller.post(f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2027-05-08"})
    body = caller.patch(
        f"/api/v1/events/{event['id']}", json={"starts_at": "2027-05-01T10:00:00"}
    ).get_json()
    assert (body["starts_at"], body["ends_at"]) == (
        "2027-05-01T10:00:00+08:00",
        "2027-05-01T12:00:00+08:00",
    )
    assert body["cancellations"] == ["2027-05-08"]
    assert body["sequence"] == 2  # the cancellation, then the move


def test_patching_with_bad_values_is_422_and_changes_nothing(app, session, caller, troupe):
    event = create(caller, troupe)
    error = refusal(
        caller.patch(f"/api/v1/events/{event['id']}", json={"ends_at": "2027-05-01T08:00:00"}),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == ["ends_at"]
    error = refusal(
        caller.patch(f"/api/v1/events/{event['id']}", json={"rrule": "FREQ=WEEKLY"}),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == ["rrule"]
    assert caller.get(f"/api/v1/events/{event['id']}").get_json()["sequence"] == 0


def test_deleting_an_event_is_204_and_the_feed_no_longer_has_it(
    app, session, client, caller, troupe
):
    event = create(caller, troupe)
    kept = create(caller, troupe, ONE_OFF)
    path = feed_path(caller, troupe)
    assert event["uid"] in client.get(path).get_data(as_text=True)

    response = caller.delete(f"/api/v1/events/{event['id']}")
    assert response.status_code == 204 and response.data == b""
    refusal(caller.get(f"/api/v1/events/{event['id']}"), 404, "not_found")
    body = client.get(path).get_data(as_text=True)
    assert event["uid"] not in body and kept["uid"] in body


# Cancelling, changing and restoring one session


def test_cancelling_one_session_is_201_and_shows_it(app, caller, troupe):
    event = create(caller, troupe)
    response = caller.post(
        f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2027-05-08"}
    )
    assert response.status_code == 201
    assert response.get_json()["cancellations"] == ["2027-05-08"]
    assert response.get_json()["sequence"] == 1


def test_cancelling_several_sessions_at_once(app, caller, troupe):
    event = create(caller, troupe)
    response = caller.post(
        f"/api/v1/events/{event['id']}/cancellations",
        json={"occurrences": ["2027-10-02", "2027-05-08", "2027-05-15T09:00:00"]},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["cancellations"] == ["2027-05-08", "2027-05-15", "2027-10-02"]


def test_cancelling_a_day_without_a_session_is_422_and_cancels_nothing(
    app, session, caller, troupe
):
    event = create(caller, troupe)
    error = refusal(
        caller.post(
            f"/api/v1/events/{event['id']}/cancellations",
            json={"occurrences": ["2027-05-08", "2027-05-09"]},
        ),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == ["occurrence"]
    assert error["fields"]["occurrence"][0]
    assert row_count(session, EventCancellation) == 0
    assert caller.get(f"/api/v1/events/{event['id']}").get_json()["sequence"] == 0


def test_cancelling_without_a_date_is_422(app, session, caller, troupe):
    event = create(caller, troupe)
    error = refusal(
        caller.post(f"/api/v1/events/{event['id']}/cancellations", json={}), 422, "validation_error"
    )
    assert list(error["fields"]) == ["occurrence"]


def test_changing_one_session_is_200_and_a_cancelled_one_is_409(app, session, caller, troupe):
    event = create(caller, troupe)
    response = caller.patch(
        f"/api/v1/events/{event['id']}/occurrences/2027-05-15",
        json={
            "starts_at": "2027-05-15T14:00:00",
            "ends_at": "2027-05-15T16:30:00",
            "location": "二楼排练厅",
        },
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "occurrence": "2027-05-15",
        "starts_at": "2027-05-15T14:00:00+08:00",
        "ends_at": "2027-05-15T16:30:00+08:00",
        "title": "每周集体训练",
        "location": "二楼排练厅",
    }

    caller.post(f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2027-05-22"})
    refusal(
        caller.patch(
            f"/api/v1/events/{event['id']}/occurrences/2027-05-22",
            json={"starts_at": "2027-05-22T14:00:00"},
        ),
        409,
        "conflict",
    )
    assert row_count(session, EventOverride) == 1


def test_changing_a_day_without_a_session_is_422_and_a_non_date_404(app, caller, troupe):
    event = create(caller, troupe)
    error = refusal(
        caller.patch(f"/api/v1/events/{event['id']}/occurrences/2027-05-16", json={"title": "x"}),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == ["occurrence"]
    refusal(
        caller.patch(f"/api/v1/events/{event['id']}/occurrences/someday", json={"title": "x"}),
        404,
        "not_found",
    )


def test_deleting_an_occurrence_restores_a_cancelled_or_changed_session(app, caller, troupe):
    event = create(caller, troupe)
    url = f"/api/v1/events/{event['id']}"
    caller.post(f"{url}/cancellations", json={"occurrence": "2027-05-08"})
    caller.patch(f"{url}/occurrences/2027-05-15", json={"starts_at": "2027-05-15T14:00:00"})
    assert caller.delete(f"{url}/occurrences/2027-05-08").status_code == 204
    assert caller.delete(f"{url}/occurrences/2027-05-15").status_code == 204
    body = caller.get(url).get_json()
    assert (body["cancellations"], body["changes"]) == ([], [])
    listed = caller.get(
        f"/api/v1/troupes/{event['troupe_id']}/events?from=2027-05-08&to=2027-05-15"
    ).get_json()["items"][0]["occurrences"]
    assert [(o["starts_at"], o["cancelled"], o["changed"]) for o in listed] == [
        ("2027-05-08T09:00:00+08:00", False, False),
        ("2027-05-15T09:00:00+08:00", False, False),
    ]


# Attendance


def test_recording_attendance_is_200_with_the_counts(app, session, caller, troupe, members):
    event = create(caller, troupe, PAST_WEEKLY)
    response = caller.put(
        f"/api/v1/events/{event['id']}/attendance/2026-09-05",
        json={"present": [members[0].id, members[1].id, members[2].id], "absent": [members[3].id]},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"occurrence": "2026-09-05", "present": 3, "absent": 1}
    assert row_count(session, Attendance) == 4


def test_attendance_for_someone_not_in_the_troupe_is_422_and_records_nothing(
    app, session, caller, troupe, members
):
    event = create(caller, troupe, PAST_WEEKLY)
    stranger = factories.make_person(session, troupe=factories.make_troupe(session))
    session.commit()
    error = refusal(
        caller.put(
            f"/api/v1/events/{event['id']}/attendance/2026-09-05",
            json={"present": [members[0].id, stranger.id], "absent": []},
        ),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == ["present"]
    assert str(stranger.id) in error["fields"]["present"][0]
    assert row_count(session, Attendance) == 0


def test_attendance_for_a_cancelled_or_missing_session_is_422(
    app, session, caller, troupe, members
):
    event = create(caller, troupe, PAST_WEEKLY)
    caller.post(f"/api/v1/events/{event['id']}/cancellations", json={"occurrence": "2026-09-12"})
    for day in ("2026-09-12", "2026-09-13"):
        error = refusal(
            caller.put(
                f"/api/v1/events/{event['id']}/attendance/{day}", json={"present": [members[0].id]}
            ),
            422,
            "validation_error",
        )
        assert list(error["fields"]) == ["occurrence"]
    assert row_count(session, Attendance) == 0


def test_the_troupes_attendance_gives_each_members_rate(app, caller, troupe, members):
    a, b, c, d = members
    event = create(caller, troupe, PAST_WEEKLY)
    url = f"/api/v1/events/{event['id']}/attendance"
    caller.put(f"{url}/2026-09-05", json={"present": [a.id, b.id, c.id], "absent": [d.id]})
    caller.put(f"{url}/2026-09-12", json={"present": [a.id], "absent": [b.id, c.id, d.id]})
    caller.put(f"{url}/2026-10-24", json={"present": [d.id]})

    body = caller.get(
        f"/api/v1/troupes/{troupe.id}/attendance?from=2026-09-01&to=2026-09-30"
    ).get_json()
    assert body["total"] == 4
    assert [
        (i["person_id"], i["name"], i["sessions"], i["attended"], i["rate"]) for i in body["items"]
    ] == [
        (a.id, "成员1", 2, 2, 1.0),
        (b.id, "成员2", 2, 1, 0.5),
        (c.id, "成员3", 2, 1, 0.5),
        (d.id, "成员4", 2, 0, 0.0),
    ]
    everything = caller.get(f"/api/v1/troupes/{troupe.id}/attendance").get_json()["items"]
    assert [(i["sessions"], i["attended"], i["rate"]) for i in everything] == [
        (3, 2, 0.6667),
        (3, 1, 0.3333),
        (3, 1, 0.3333),
        (3, 1, 0.3333),
    ]


# Malformed requests and bad values


def test_malformed_json_is_a_400(app, session, caller, troupe):
    response = caller.post(
        f"/api/v1/troupes/{troupe.id}/events",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    refusal(response, 400, "bad_request")
    refusal(caller.post(f"/api/v1/troupes/{troupe.id}/events", json=[WEEKLY]), 400, "bad_request")
    assert row_count(session, Event) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": 5}, "title"),
        ({"starts_at": "next Saturday"}, "starts_at"),
        ({"public": "maybe"}, "public"),
        ({"title": None}, "title"),
    ],
)
def test_wrong_types_are_a_400_naming_the_field(app, session, caller, troupe, change, field):
    error = refusal(
        caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY | change), 400, "bad_request"
    )
    assert field in error["fields"]
    assert row_count(session, Event) == 0


def test_a_missing_field_is_a_400(app, session, caller, troupe):
    body = {name: value for name, value in WEEKLY.items() if name != "ends_at"}
    error = refusal(
        caller.post(f"/api/v1/troupes/{troupe.id}/events", json=body), 400, "bad_request"
    )
    assert list(error["fields"]) == ["ends_at"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2027-05-01T08:00:00"}, "ends_at"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=SA"}, "rrule"),
        ({"rrule": "FREQ=DAILLY;COUNT=3"}, "rrule"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=3"}, "rrule"),
        ({"kind": "party"}, "kind"),
        ({"title": "题" * 201}, "title"),
    ],
)
def test_bad_values_are_a_422_naming_the_field(app, session, caller, troupe, change, field):
    error = refusal(
        caller.post(f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY | change),
        422,
        "validation_error",
    )
    assert list(error["fields"]) == [field]
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert row_count(session, Event) == 0
    assert row_count(session, CalendarFeed) == 0


def test_messages_speak_chinese_when_asked(app, api, leader, troupe):
    caller = api.as_user(leader, language="zh")
    error = refusal(
        caller.post(
            f"/api/v1/troupes/{troupe.id}/events", json=WEEKLY | {"ends_at": "2027-05-01T08:00:00"}
        ),
        422,
        "validation_error",
    )
    assert error["message"] == "有些内容填写不正确。"
    # the schedule's own messages may not be translated yet: they are at least given
    assert isinstance(error["fields"]["ends_at"][0], str) and error["fields"]["ends_at"][0]
    assert refusal(caller.get("/api/v1/events/999999"), 404, "not_found")["message"] == "未找到。"
    english = api.as_user(leader)
    assert (
        refusal(english.get("/api/v1/events/999999"), 404, "not_found")["message"] == "Not found."
    )


# Constant cost


def fill(session, troupe, leader, count: int) -> None:
    """``count`` weekly series in May 2027, each with two cancellations and one changed session."""
    for n in range(count):
        event = services.create_event(
            session,
            details=EventDetails(
                title=f"训练{n}",
                kind="training",
                starts_at=datetime(2027, 5, 1, 7 + n % 10),
                ends_at=datetime(2027, 5, 1, 8 + n % 10),
                rule="FREQ=WEEKLY;BYDAY=SA;COUNT=10",
            ),
            troupe=troupe,
            zone="Asia/Shanghai",
            actor=leader,
            now=factories.NOW,
        )
        occurrences.cancel_occurrences(
            session,
            event=event,
            days=[date(2027, 5, 8), date(2027, 5, 22)],
            actor=leader,
            now=factories.NOW,
        )
        occurrences.change_occurrence(
            session,
            event=event,
            day=date(2027, 5, 15),
            starts_at=datetime(2027, 5, 15, 19),
            actor=leader,
            now=factories.NOW,
        )
    session.commit()


def test_listing_events_with_occurrences_costs_the_same_queries_at_two_sizes(
    app, session, api, leader, troupe, count_queries
):
    small_troupe = troupe
    large_troupe = factories.make_troupe(session, leader=leader)
    fill(session, small_troupe, leader, 2)
    fill(session, large_troupe, leader, 12)
    caller = api.as_user(leader)

    sizes = []
    for chosen, expected in ((small_troupe, 2), (large_troupe, 12)):
        url = f"/api/v1/troupes/{chosen.id}/events?from=2027-05-01&to=2027-05-31"
        with count_queries() as queries:
            response = caller.get(url)
        body = response.get_json()
        assert response.status_code == 200 and body["total"] == expected
        assert all(len(item["occurrences"]) == 5 for item in body["items"])  # 5 Saturdays
        assert all(sum(o["cancelled"] for o in item["occurrences"]) == 2 for item in body["items"])
        assert all(len(item["changes"]) == 1 for item in body["items"])
        sizes.append(len(queries))
    assert sizes[0] == sizes[1], sizes


def test_the_calendar_url_is_the_secret_feed(app, session, caller, troupe):
    first = caller.get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()
    again = caller.get(f"/api/v1/troupes/{troupe.id}/calendar").get_json()
    assert first == again
    secret = session.execute(select(CalendarFeed.secret)).scalar_one()
    assert first["url"] == f"http://localhost/calendar/{secret}.ics"
    assert first["webcal_url"] == f"webcal://localhost/calendar/{secret}.ics"
    # What a phone without a subscription needs, and the page a leader sends to members.
    assert first["download_url"] == f"http://localhost/calendar/{secret}.ics?download=1"
    assert first["share_url"] == f"http://localhost/calendars/{secret}/"
    assert first["reminders"] == {"evening_before": True, "hour_before": True}
    rotated = caller.post(f"/api/v1/troupes/{troupe.id}/calendar/rotate").get_json()
    assert rotated["url"] != first["url"]
    assert rotated["share_url"] != first["share_url"]


def test_times_are_given_with_the_utc_offset_even_at_midnight_utc(app, caller, troupe):
    body = create(
        caller,
        troupe,
        ONE_OFF
        | {"starts_at": "2027-10-16T00:00:00+00:00", "ends_at": "2027-10-16T01:00:00+00:00"},
    )
    assert body["starts_at"] == "2027-10-16T08:00:00+08:00"
    assert datetime.fromisoformat(body["updated_at"]).tzinfo is not None
    assert datetime.fromisoformat(body["updated_at"]).utcoffset() == UTC.utcoffset(None)
