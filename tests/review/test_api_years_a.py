"""GET /api/v1/organizations/{id}/years/{year} (HTTP): the body's fields, who may read it, and
the refusals (issue 24 (a))."""

import pytest

from festival.review import figures
from festival.review.summary import summary_texts
from tests import factories
from tests.review import world_a
from tests.review.world_a import YEAR


@pytest.fixture
def world(session):
    return world_a.build_world(session)


def url(organization, year=YEAR) -> str:
    return f"/api/v1/organizations/{organization.id}/years/{year}"


def test_the_body_holds_every_figure_as_api_md_names_it(session, api, world):
    response = api.as_user(world.admin).get(url(world.office))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "organization_id",
        "organization_name",
        "year",
        "festivals_run",
        "programs",
        "results_above",
        "awards_by_level",
        "organization_awards",
        "teams",
        "events",
        "people",
        "summary",
    }
    assert body["organization_id"] == world.office.id
    assert body["organization_name"] == "东城" and body["year"] == YEAR
    assert body["festivals_run"][0] == {
        "festival_id": world.festivals["f1"].id,
        "name": "东城区2026年展演",
        "level": "district",
        "programs": 3,
        "rounds": 1,
        "awards": 2,
    }
    assert body["programs"] == {"prepared": 4, "troupes": 2, "performers": 4, "sent_upward": 2}
    assert body["results_above"][0] == {
        "festival_id": world.festivals["cf"].id,
        "festival_name": "市2026年展演",
        "level": "city",
        "program_id": world.programs["c1"].id,
        "program_title": "p1 春江花月夜",
        "troupe_name": "东城艺术团",
        "category_name": "舞蹈",
        "tier": "second",
    }
    assert [r["tier"] for r in body["results_above"]] == ["second", None, None]
    assert body["awards_by_level"] == {"city": {"second": 1}}
    assert body["organization_awards"] == [
        {
            "festival_id": world.festivals["cf"].id,
            "festival_name": "市2026年展演",
            "level": "city",
            "tier": "organization",
            "title": "优秀组织奖",
        }
    ]
    assert body["teams"][0] == {
        "troupe_id": world.troupes["team"].id,
        "name": "东城太极队",
        "kind": "team",
        "members": 3,
        "sessions": {"training": 9},
        "attendance_rate": 0.8,
    }
    assert body["teams"][1]["attendance_rate"] is None
    assert body["events"] == {
        "by_kind": {"training": 9, "performance": 4, "exhibition": 1, "meeting": 4},
        "performance_venues": 3,
        "exhibitions": [{"title": "书画展", "date": "2026-09-10", "location": "社区中心"}],
    }
    assert body["people"] == {
        "performers": 4,
        "aged_60_plus": 3,
        "age_median": 68.0,
        "age_max": 86,
    }
    assert set(body["summary"]) == {"zh", "en"}
    assert all(isinstance(text, str) for text in body["summary"].values())


def test_a_year_with_nothing_answers_empty_figures(session, api, world):
    response = api.as_user(world.admin).get(url(world.office, 2031))
    assert response.status_code == 200
    body = response.get_json()
    assert body["festivals_run"] == [] and body["teams"] == [] and body["results_above"] == []
    assert body["events"] == {"by_kind": {}, "performance_venues": 0, "exhibitions": []}
    assert body["people"]["age_median"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("organizer of the office", 200),
        ("organizer of the city above", 200),
        ("organizer of the province above", 200),
        ("organizer of the sibling", 403),
        ("organizer of the street office below", 403),
        ("leader", 403),
        ("judge", 403),
    ],
)
def test_who_may_read_the_year_in_review(session, api, world, who, status):
    organization = {
        "organizer of the office": world.office,
        "organizer of the city above": world.city,
        "organizer of the province above": world.province,
        "organizer of the sibling": world.sibling,
        "organizer of the street office below": world.street,
    }.get(who)
    if who == "admin":
        user = world.admin
    elif organization is not None:
        user = factories.make_user(session, role="organizer", organization=organization)
    else:
        user = factories.make_user(session, role=who)
    response = api.as_user(user).get(url(world.office))
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"
        assert "festivals_run" not in response.get_json()


def test_anonymous_callers_must_log_in(session, api, world):
    session.commit()
    response = api.get(url(world.office))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_an_unknown_organisation_is_not_found(session, api, world):
    response = api.as_user(world.admin).get(
        f"/api/v1/organizations/{world.office.id + 999}/years/2026"
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("year", [1999, 2101, 9999])
def test_a_year_outside_2000_to_2100_is_a_bad_request(session, api, world, year):
    response = api.as_user(world.admin).get(url(world.office, year))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert error["fields"] == {"year": ["Choose a year from 2000 to 2100."]}


def test_the_api_serves_what_the_figures_count(session, api, world):
    review = figures.year_in_review(session, organization_id=world.office.id, year=YEAR)
    body = api.as_user(world.admin).get(url(world.office)).get_json()
    assert [t["troupe_id"] for t in body["teams"]] == [t.troupe_id for t in review.teams]
    assert [r["program_id"] for r in body["results_above"]] == [
        r.program_id for r in review.results_above
    ]
    assert body["summary"] == summary_texts(review)
    assert body["summary"]["zh"] and body["summary"]["en"]


def test_the_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/organizations/{organization_id}/years/{year}"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/YearReviewOut"}
