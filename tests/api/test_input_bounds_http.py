"""Dates and numbers outside what the code can hold, and booleans where the contract has
integers, through the JSON API (HTTP tests): a 422 naming the field for a value out of range,
a 400 for a wrong type, and nothing stored."""

import pytest
from sqlalchemy import select

from festival.festivals.models import Festival
from festival.judging.models import Round, Score
from tests import factories
from tests.checks import refusal, row_count
from tests.judging.test_sheet_http import build_round

DATE_MESSAGE = "Enter a date from 2000-01-01 to 2100-12-31."
NUMBER_MESSAGE = "Enter a number with at most 12 digits before the decimal point."
FESTIVAL = {
    "name": "崇川区老年文艺汇演",
    "level": "district",
    "year": 2026,
    "starts_on": "2026-05-01",
    "ends_on": "2026-05-02",
    "submission_deadline": "2026-04-20T16:00:00",
}


@pytest.fixture
def caller(session, api, office):
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()
    return api.as_user(organizer)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_on", "0001-01-01"),
        ("starts_on", "9999-12-31"),
        ("ends_on", "9999-12-31"),
        ("ends_on", "1999-12-31"),
        ("submission_deadline", "0001-01-01T00:00:00"),
        ("submission_deadline", "9999-12-31T23:59:59"),
        ("submission_deadline", "9999-12-31T23:59:59-12:00"),
        ("submission_deadline", "2101-01-01T00:00:00+08:00"),
    ],
)
def test_a_festival_day_or_deadline_at_either_end_of_time_is_refused_with_422(
    session, caller, office, field, value
):
    response = caller.post(
        "/api/v1/festivals", json={**FESTIVAL, "organization_id": office.id, field: value}
    )
    assert refusal(response, 422, "validation_error")["fields"] == {field: [DATE_MESSAGE]}
    assert row_count(session, Festival) == 0


def test_a_festival_on_the_last_day_in_range_is_accepted_and_the_day_after_refused(
    session, caller, office
):
    festival = {
        **FESTIVAL,
        "organization_id": office.id,
        "year": 2100,
        "starts_on": "2100-12-31",
        "submission_deadline": "2000-01-01T00:00:00",
    }
    refused = caller.post("/api/v1/festivals", json={**festival, "ends_on": "2101-01-01"})
    assert refusal(refused, 422, "validation_error")["fields"] == {"ends_on": [DATE_MESSAGE]}
    response = caller.post("/api/v1/festivals", json={**festival, "ends_on": "2100-12-31"})
    assert response.status_code == 201, response.get_json()
    assert row_count(session, Festival) == 1


@pytest.mark.parametrize("value", [True, False, "2026", 2026.0])
def test_a_year_that_is_not_a_json_integer_is_a_400(session, caller, office, value):
    response = caller.post(
        "/api/v1/festivals", json={**FESTIVAL, "organization_id": office.id, "year": value}
    )
    assert refusal(response, 400, "bad_request")["fields"] == {"year": ["Enter a number."]}
    assert row_count(session, Festival) == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/troupes", {"name": "万年青歌舞团", "organization_id": True}, "organization_id"),
        (
            "/api/v1/festivals/{festival}/categories",
            {"name": "戏曲", "max_duration_minutes": True},
            "max_duration_minutes",
        ),
        (
            "/api/v1/festivals/{festival}/programs",
            {
                "title": "和谐大家园",
                "category_id": "{category}",
                "troupe_id": "{troupe}",
                "duration_minutes": True,
                "performer_ids": [],
            },
            "duration_minutes",
        ),
        (
            "/api/v1/festivals/{festival}/programs",
            {
                "title": "和谐大家园",
                "category_id": True,
                "troupe_id": "{troupe}",
                "duration_minutes": 6,
                "performer_ids": [],
            },
            "category_id",
        ),
        (
            "/api/v1/festivals/{festival}/rounds",
            {"name": "初选", "criteria": [], "advance_count": True},
            "advance_count",
        ),
        (
            "/api/v1/festivals/{festival}/awards/allocate",
            {"round_id": 1, "tiers": [{"tier": "first", "count": True}]},
            "tiers.0.count",
        ),
        ("/api/v1/festivals/{festival}/publish", {"notice_days": True}, "notice_days"),
    ],
)
def test_true_is_not_taken_as_the_number_1(session, caller, office, path, body, field):
    festival = factories.make_festival(session, organization=office)
    troupe = factories.make_troupe(session, organization=office)
    session.commit()
    ids = {
        "{festival}": festival.id,
        "{category}": festival.categories[0].id,
        "{troupe}": troupe.id,
    }
    body = {
        name: ids.get(value, value) if isinstance(value, str) else value
        for name, value in body.items()
    }
    response = caller.post(path.format(festival=festival.id), json=body)
    assert refusal(response, 400, "bad_request")["fields"] == {field: ["Enter a number."]}


@pytest.mark.parametrize("value", ["1e30", 1e30, "-1e30", "9999999999999", "1E+999999999"])
def test_a_huge_score_is_refused_with_422_naming_the_criterion(session, api, value):
    round_, programs, (judge,), _ = build_round(session)
    art, layout = round_.criteria
    response = api.as_user(judge).put(
        f"/api/v1/rounds/{round_.id}/scores/{programs[0].id}",
        json={"scores": {str(art.id): value, str(layout.id): 30}},
    )
    error = refusal(response, 422, "validation_error")
    assert error["fields"] == {f"scores.{art.id}": [NUMBER_MESSAGE]}
    assert row_count(session, Score) == 0


@pytest.mark.parametrize("field", ["max_score", "weight"])
def test_a_huge_maximum_or_weight_of_a_criterion_is_refused_with_422(
    session, caller, office, field
):
    festival = factories.make_festival(session, organization=office)
    session.commit()
    criterion = {"name": "艺术表现", "max_score": 60, "weight": 1, field: "1e30"}
    response = caller.post(
        f"/api/v1/festivals/{festival.id}/rounds", json={"name": "初选", "criteria": [criterion]}
    )
    error = refusal(response, 422, "validation_error")
    assert error["fields"] == {f"criteria.0.{field}": [NUMBER_MESSAGE]}
    assert session.execute(select(Round)).first() is None


def test_a_huge_minimum_score_for_an_award_is_refused_with_422(session, caller, office):
    festival = factories.make_festival(session, organization=office)
    session.commit()
    response = caller.post(
        f"/api/v1/festivals/{festival.id}/awards/allocate",
        json={"round_id": 1, "tiers": [{"tier": "first", "count": 1, "min_score": "1e30"}]},
    )
    error = refusal(response, 422, "validation_error")
    assert error["fields"] == {"tiers.0.min_score": [NUMBER_MESSAGE]}
