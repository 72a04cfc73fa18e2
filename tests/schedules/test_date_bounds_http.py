"""Dates outside the years 2000 to 2100 through the schedule's pages, its API and its feeds
(HTTP tests): refused with a message next to the field (422), never a server error, and a
row outside them that is stored anyway never breaks a calendar feed."""

from datetime import UTC, datetime, timedelta

import pytest

from festival.schedules import feeds, services
from festival.schedules.models import Event, EventCancellation, EventKind, EventOverride
from tests import factories
from tests.checks import refusal, row_count
from tests.schedules.test_feed_http import subscription_path

EN = {"Accept-Language": "en"}
ZONE = "Asia/Shanghai"
MESSAGE = "Enter a date from 2000-01-01 to 2100-12-31."
HOSTILE = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=1000"
EDGES = [
    ("0001-01-01T00:00:00", "0001-01-01T01:00:00"),
    ("0001-01-01T00:00:00+14:00", "0001-01-01T01:00:00+14:00"),
    ("1999-12-31T22:00:00", "1999-12-31T23:00:00"),
    ("2101-01-01T09:00:00", "2101-01-01T10:00:00"),
    ("9999-12-31T22:00:00", "9999-12-31T23:00:00"),
    ("9999-12-31T22:00:00-08:00", "9999-12-31T23:00:00-08:00"),
]


@pytest.fixture
def team(session, login_as):
    """A logged-in leader's team with one member and a weekly training on Saturdays."""
    leader = login_as("leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    factories.make_person(session, name="孙秀英", troupe=troupe)
    training = services.create_event(
        session,
        troupe=troupe,
        zone=ZONE,
        actor=leader,
        now=factories.NOW,
        details=services.EventDetails(
            title="每周训练",
            kind="training",
            starts_at=datetime(2027, 5, 1, 9),
            ends_at=datetime(2027, 5, 1, 11),
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=6",
        ),
    )
    session.commit()
    return troupe, leader, training


def event_body(starts_at: str, ends_at: str, **kwargs) -> dict:
    return {
        "title": "排练",
        "kind": "rehearsal",
        "starts_at": starts_at,
        "ends_at": ends_at,
        **kwargs,
    }


# The API


@pytest.mark.parametrize(("starts_at", "ends_at"), EDGES)
def test_an_event_at_either_end_of_time_is_refused_with_422(session, api, team, starts_at, ends_at):
    troupe, leader, _ = team
    response = api.as_user(leader).post(
        f"/api/v1/troupes/{troupe.id}/events", json=event_body(starts_at, ends_at)
    )
    error = refusal(response, 422, "validation_error")
    assert error["fields"] == {"starts_at": [MESSAGE], "ends_at": [MESSAGE]}
    assert row_count(session, Event) == 1


def test_the_first_and_last_days_in_range_are_accepted_and_the_days_around_them_refused(
    session, api, team
):
    troupe, leader, _ = team
    caller = api.as_user(leader)
    for starts_at, ends_at in [
        ("1999-12-31T23:00:00", "2000-01-01T01:00:00"),
        ("2100-12-31T23:00:00", "2101-01-01T00:30:00"),
    ]:
        response = caller.post(
            f"/api/v1/troupes/{troupe.id}/events", json=event_body(starts_at, ends_at)
        )
        assert refusal(response, 422, "validation_error")["fields"] != {}
    for starts_at, ends_at in [
        ("2000-01-01T00:00:00", "2000-01-01T01:00:00"),
        ("2100-12-31T22:00:00", "2100-12-31T23:59:00"),
    ]:
        response = caller.post(
            f"/api/v1/troupes/{troupe.id}/events", json=event_body(starts_at, ends_at)
        )
        assert response.status_code == 201, response.get_json()


def test_changing_an_event_to_year_9999_is_refused(session, api, team):
    _, leader, training = team
    response = api.as_user(leader).patch(
        f"/api/v1/events/{training.id}", json={"starts_at": "9999-12-31T22:00:00"}
    )
    assert refusal(response, 422, "validation_error")["fields"] == {"starts_at": [MESSAGE]}


def test_a_festival_event_at_year_1_is_refused(session, api, festival, organizer):
    response = api.as_user(organizer).post(
        f"/api/v1/festivals/{festival.id}/events",
        json=event_body("0001-01-01T09:00:00", "0001-01-01T10:00:00", public=True),
    )
    assert refusal(response, 422, "validation_error")["fields"]["starts_at"] == [MESSAGE]


def test_the_rule_that_took_seconds_to_accept_is_refused_with_422(session, api, team):
    troupe, leader, _ = team
    response = api.as_user(leader).post(
        f"/api/v1/troupes/{troupe.id}/events",
        json=event_body("2027-01-04T09:00:00", "2027-01-04T10:00:00", rrule=HOSTILE),
    )
    error = refusal(response, 422, "validation_error")
    assert "first session must itself fall on the repeat" in error["fields"]["rrule"][0]
    on_its_day = api.as_user(leader).post(
        f"/api/v1/troupes/{troupe.id}/events",
        json=event_body("2044-02-29T09:00:00", "2044-02-29T10:00:00", rrule=HOSTILE),
    )
    assert "at most 10 years" in refusal(on_its_day, 422, "validation_error")["fields"]["rrule"][0]
    assert row_count(session, Event) == 1


def test_a_repeat_until_either_end_of_time_is_refused_with_422(session, api, team):
    troupe, leader, _ = team
    for rrule in [
        "FREQ=DAILY;UNTIL=00010101T000000",
        "FREQ=DAILY;UNTIL=99991231",
        "FREQ=DAILY;UNTIL=99991231T235959Z",
    ]:
        response = api.as_user(leader).post(
            f"/api/v1/troupes/{troupe.id}/events",
            json=event_body("2027-05-01T09:00:00", "2027-05-01T10:00:00", rrule=rrule),
        )
        assert list(refusal(response, 422, "validation_error")["fields"]) == ["rrule"]


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_cancelling_changing_and_taking_attendance_of_a_day_out_of_range_is_refused(
    session, api, team, day
):
    _, leader, training = team
    caller = api.as_user(leader)
    cancelled = caller.post(f"/api/v1/events/{training.id}/cancellations", json={"occurrence": day})
    assert refusal(cancelled, 422, "validation_error")["fields"] == {"occurrence": [MESSAGE]}
    several = caller.post(
        f"/api/v1/events/{training.id}/cancellations",
        json={"occurrences": ["2027-05-08", f"{day}T09:00:00"]},
    )
    assert refusal(several, 422, "validation_error")["fields"]["occurrences.1"] == [MESSAGE]
    changed = caller.patch(
        f"/api/v1/events/{training.id}/occurrences/{day}", json={"title": "汇报"}
    )
    assert refusal(changed, 422, "validation_error")["fields"] == {"occurrence": [MESSAGE]}
    attended = caller.put(
        f"/api/v1/events/{training.id}/attendance/{day}", json={"present": [], "absent": []}
    )
    assert refusal(attended, 422, "validation_error")["fields"] == {"occurrence": [MESSAGE]}
    assert row_count(session, EventCancellation) == 0
    assert row_count(session, EventOverride) == 0


@pytest.mark.parametrize("moment", ["9999-12-31T22:00:00", "0001-01-01T00:00:00+14:00"])
def test_moving_a_session_to_either_end_of_time_is_refused(session, api, team, moment):
    _, leader, training = team
    response = api.as_user(leader).patch(
        f"/api/v1/events/{training.id}/occurrences/2027-05-08", json={"starts_at": moment}
    )
    assert refusal(response, 422, "validation_error")["fields"] == {"starts_at": [MESSAGE]}
    assert row_count(session, EventOverride) == 0


@pytest.mark.parametrize(
    "query",
    ["from=0001-01-01", "from=9999-12-31", "to=9999-12-31", "from=0001-01-01&to=0001-01-05"],
)
def test_a_period_out_of_range_in_the_query_string_is_a_400_naming_it(session, api, team, query):
    troupe, leader, _ = team
    caller = api.as_user(leader)
    for path in (f"/api/v1/troupes/{troupe.id}/events", f"/api/v1/troupes/{troupe.id}/attendance"):
        error = refusal(caller.get(f"{path}?{query}"), 400, "bad_request")
        assert MESSAGE in sum(error["fields"].values(), [])


def test_a_boolean_is_not_a_person_id_in_attendance(session, api, team):
    _, leader, training = team
    response = api.as_user(leader).put(
        f"/api/v1/events/{training.id}/attendance/2026-01-03",
        json={"present": [True], "absent": []},
    )
    assert refusal(response, 400, "bad_request")["fields"] == {"present.0": ["Enter a number."]}


# The pages

FORM = {
    "title": "排练",
    "kind": "rehearsal",
    "start_time": "09:00",
    "end_time": "10:00",
    "repeat": "none",
    "interval": "1",
    "ends": "until",
    "until": "",
    "count": "",
}


@pytest.mark.parametrize("field", ["day", "end_day", "until"])
@pytest.mark.parametrize("value", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_the_event_form_refuses_a_date_out_of_range_next_to_the_field(
    client, session, team, field, value
):
    troupe, _, _ = team
    data = {**FORM, "day": "2027-05-01", field: value}
    if field == "until":
        data["repeat"] = "daily"
    response = client.post_form(f"/troupes/{troupe.id}/events/new", data, headers=EN)
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert row_count(session, Event) == 1


def test_a_session_page_of_a_day_out_of_range_is_404_and_restoring_it_422(client, team):
    _, _, training = team
    for day in ["9999-12-31", "0001-01-01"]:
        assert client.get(f"/events/{training.id}/occurrences/{day}").status_code == 404
        assert client.get(f"/events/{training.id}/attendance/{day}").status_code == 404
        restored = client.post_form(f"/events/{training.id}/occurrences/{day}/restore")
        assert restored.status_code == 422


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_moving_a_session_to_a_day_out_of_range_is_refused_on_the_page(client, session, team, day):
    _, _, training = team
    response = client.post_form(
        f"/events/{training.id}/occurrences/2027-05-08",
        {"day": day, "start_time": "09:00", "end_time": "10:00", "title": "每周训练"},
        headers=EN,
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert row_count(session, EventOverride) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_cancelling_a_typed_date_out_of_range_is_refused_on_the_page(client, session, team, day):
    _, _, training = team
    response = client.post_form(f"/events/{training.id}/cancel", {"dates": day}, headers=EN)
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert row_count(session, EventCancellation) == 0


@pytest.mark.parametrize(
    ("first_day", "stops"),
    [
        ("", "9999-12-31 骑岸镇敬老院\n文化馆"),
        ("", "0001-01-01 骑岸镇敬老院"),
        ("9999-12-31", "骑岸镇敬老院"),
        ("", "2100-12-31 骑岸镇敬老院\n文化馆"),
    ],
)
def test_a_tour_with_a_day_out_of_range_is_refused_on_the_page(
    client, session, team, first_day, stops
):
    troupe, _, _ = team
    response = client.post_form(
        f"/troupes/{troupe.id}/tours/new",
        {
            "title": "慰问演出",
            "kind": "performance",
            "start_time": "09:00",
            "end_time": "10:00",
            "first_day": first_day,
            "stops": stops,
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert MESSAGE in response.get_data(as_text=True)
    assert row_count(session, Event) == 1


@pytest.mark.parametrize(
    "query", ["from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-05"]
)
def test_the_attendance_report_of_a_period_out_of_range_says_so(client, team, query):
    troupe, _, _ = team
    response = client.get(f"/troupes/{troupe.id}/attendance?{query}", headers=EN)
    assert response.status_code == 200
    assert MESSAGE in response.get_data(as_text=True)


# The feeds


def store_far_away(session, *, troupe=None, festival=None, at: datetime) -> None:
    """A row the services refuse, as an older version or a hand-made fix could have left it."""
    session.add(
        Event(
            uid=f"far-{at.year}@festival.invalid",
            troupe_id=troupe.id if troupe else None,
            festival_id=festival.id if festival else None,
            title=f"远方{at.year}",
            kind=EventKind.performance,
            starts_at=at,
            ends_at=at + timedelta(hours=1),
            timezone=ZONE,
            location="",
            notes="",
            is_public=True,
            rrule=None,
            series_ends_at=at + timedelta(hours=1),
            sequence=0,
            created_at=factories.NOW,
            updated_at=factories.NOW,
        )
    )
    feeds.touch_feed(
        session,
        troupe_id=troupe.id if troupe else None,
        festival_id=festival.id if festival else None,
        now=factories.NOW,
    )
    session.commit()


@pytest.mark.parametrize(
    "at",
    [
        datetime(9999, 12, 31, 14, tzinfo=UTC),  # 22:00 in Shanghai
        datetime(1, 1, 2, tzinfo=UTC),
    ],
)
def test_a_stored_event_at_either_end_of_time_cannot_break_the_troupe_feed(
    client, session, api, team, at
):
    troupe, leader, _ = team
    path = subscription_path(api, troupe, leader)
    store_far_away(session, troupe=troupe, at=at)
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "SUMMARY:每周训练" in body
    assert "远方" not in body


def test_a_stored_far_future_event_cannot_break_the_festival_feed(
    client, session, api, festival, organizer
):
    caller = api.as_user(organizer)
    assert (
        caller.post(
            f"/api/v1/festivals/{festival.id}/events",
            json=event_body("2026-05-01T09:00:00", "2026-05-01T11:00:00", public=True),
        ).status_code
        == 201
    )
    store_far_away(session, festival=festival, at=datetime(9999, 12, 31, 14, tzinfo=UTC))
    response = client.get(f"/festivals/{festival.slug}/calendar.ics")
    assert response.status_code == 200
    assert "SUMMARY:排练" in response.get_data(as_text=True)
    assert "远方" not in response.get_data(as_text=True)
