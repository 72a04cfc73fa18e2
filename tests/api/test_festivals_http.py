"""Festivals and their categories through the JSON API."""

from datetime import UTC, date, datetime

from festival.festivals.models import Category, Festival, FestivalStatus
from festival.programs.models import ProgramStatus
from tests import factories


def festival_body(organization, **overrides) -> dict:
    return {
        "name": "Golden Autumn",
        "level": "district",
        "organization_id": organization.id,
        "year": 2026,
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-03",
        "submission_deadline": "2026-04-20T18:00:00",
        **overrides,
    }


def organizer_of(session, organization=None):
    organization = organization or factories.make_organization(session)
    return factories.make_user(session, role="organizer", organization=organization)


def error_of(response) -> dict:
    return response.get_json()["error"]


def test_organizer_creates_a_draft_festival_with_defaults(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post("/api/v1/festivals", json=festival_body(office))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "draft" and body["slug"]
    assert body["min_performer_age"] == 60 and body["timezone"] == "Asia/Shanghai"
    assert body["organization_id"] == office.id and body["categories"] == []
    stored = session.get(Festival, body["id"])
    assert stored.status is FestivalStatus.draft and stored.slug == body["slug"]


def test_a_deadline_without_offset_is_read_as_shanghai_local_time(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post("/api/v1/festivals", json=festival_body(office))
    assert response.status_code == 201
    assert datetime.fromisoformat(response.get_json()["submission_deadline"]) == datetime(
        2026, 4, 20, 10, 0, tzinfo=UTC
    )
    assert response.get_json()["submission_deadline"].endswith(("Z", "+00:00"))
    stored = session.get(Festival, response.get_json()["id"])
    assert stored.submission_deadline == datetime(2026, 4, 20, 10, 0, tzinfo=UTC)


def test_a_deadline_without_offset_is_local_time_of_the_festivals_own_zone(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post("/api/v1/festivals", json=festival_body(office, timezone="Asia/Urumqi"))
    assert response.status_code == 201
    assert datetime.fromisoformat(response.get_json()["submission_deadline"]) == datetime(
        2026, 4, 20, 12, 0, tzinfo=UTC
    )


def test_organizer_of_another_organisation_cannot_create_a_festival_for_it(app, session, api):
    elsewhere = factories.make_organization(session)
    caller = api.as_user(organizer_of(session))
    response = caller.post("/api/v1/festivals", json=festival_body(elsewhere))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert session.query(Festival).count() == 0


def test_organizer_creates_a_festival_for_an_organisation_under_theirs(app, session, api):
    city = factories.make_organization(session, level="city")
    district = factories.make_organization(session, parent=city)
    caller = api.as_user(organizer_of(session, city))
    assert caller.post("/api/v1/festivals", json=festival_body(district)).status_code == 201


def test_a_leader_cannot_create_a_festival(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post("/api/v1/festivals", json=festival_body(office))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"


def test_anonymous_cannot_create_a_festival(app, session, api):
    office = factories.make_organization(session)
    session.commit()
    assert api.post("/api/v1/festivals", json=festival_body(office)).status_code == 401


def test_a_festival_ending_before_it_starts_is_422_on_ends_on(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post("/api/v1/festivals", json=festival_body(office, ends_on="2026-04-30"))
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["fields"] == {"ends_on": ["The festival cannot end before it starts."]}
    assert session.query(Festival).count() == 0


def test_an_unknown_time_zone_is_422_on_timezone(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post("/api/v1/festivals", json=festival_body(office, timezone="Asia/Beijing"))
    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["timezone"]
    assert session.query(Festival).count() == 0


def test_festival_fields_of_the_wrong_type_are_400(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    response = caller.post(
        "/api/v1/festivals", json=festival_body(office, year="next", starts_on=20260501)
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
    assert {"year", "starts_on"} <= set(error_of(response)["fields"])


def test_anonymous_lists_only_festivals_that_are_not_drafts(app, session, api):
    draft = factories.make_festival(session, status="draft")
    opened = factories.make_festival(session, status="open")
    announced = factories.make_festival(session, status="announced")
    session.commit()
    response = api.get("/api/v1/festivals")
    assert response.status_code == 200
    body = response.get_json()
    assert {f["id"] for f in body["items"]} == {opened.id, announced.id}
    assert body["total"] == 2 and draft.id not in {f["id"] for f in body["items"]}


def test_an_organizer_also_lists_their_own_drafts_but_not_others(app, session, api):
    office = factories.make_organization(session)
    mine = factories.make_festival(session, organization=office, status="draft")
    factories.make_festival(session, status="draft")
    caller = api.as_user(organizer_of(session, office))
    assert [f["id"] for f in caller.get("/api/v1/festivals").get_json()["items"]] == [mine.id]


def test_festivals_filter_by_level_and_year(app, session, api):
    district_2026 = factories.make_festival(session, level="district")
    city_2026 = factories.make_festival(session, level="city")
    city_2025 = factories.make_festival(session, level="city", starts_on=date(2025, 5, 1))
    session.commit()

    def ids(query: str) -> set[int]:
        return {f["id"] for f in api.get(f"/api/v1/festivals?{query}").get_json()["items"]}

    assert ids("level=district") == {district_2026.id}
    assert ids("level=city") == {city_2026.id, city_2025.id}
    assert ids("year=2025") == {city_2025.id}
    assert ids("level=city&year=2026") == {city_2026.id}
    assert api.get("/api/v1/festivals?level=galaxy").status_code == 400
    assert api.get("/api/v1/festivals?year=soon").status_code == 400


def test_a_draft_is_404_to_anonymous_and_200_with_counts_to_its_organizer(app, session, api):
    office = factories.make_organization(session)
    draft = factories.make_festival(session, organization=office, status="draft")
    organizer = organizer_of(session, office)
    session.commit()
    hidden = api.get(f"/api/v1/festivals/{draft.id}")
    assert hidden.status_code == 404
    assert error_of(hidden)["code"] == "not_found"
    seen = api.as_user(organizer).get(f"/api/v1/festivals/{draft.id}")
    assert seen.status_code == 200
    assert seen.get_json()["program_counts"] == {s.value: 0 for s in ProgramStatus}


def test_a_festival_counts_its_programs_per_status(app, session, api):
    festival = factories.make_festival(session)
    factories.make_program(session, festival=festival)
    withdrawn = factories.make_program(session, festival=festival)
    withdrawn.status = ProgramStatus.withdrawn
    session.commit()
    body = api.get(f"/api/v1/festivals/{festival.id}").get_json()
    assert body["program_counts"]["submitted"] == 1
    assert body["program_counts"]["withdrawn"] == 1
    assert [c["name"] for c in body["categories"]] == ["舞蹈", "歌舞"]


def test_opening_needs_a_category_then_opens_once(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(organizer_of(session, office))
    festival_id = caller.post("/api/v1/festivals", json=festival_body(office)).get_json()["id"]
    empty = caller.post(f"/api/v1/festivals/{festival_id}/open")
    assert empty.status_code == 422
    assert list(error_of(empty)["fields"]) == ["categories"]
    assert session.get(Festival, festival_id).status is FestivalStatus.draft

    category = caller.post(
        f"/api/v1/festivals/{festival_id}/categories",
        json={"name": "Dance", "max_duration_minutes": 8},
    )
    assert category.status_code == 201
    assert category.get_json()["name"] == "Dance"
    assert category.get_json()["max_duration_minutes"] == 8

    opened = caller.post(f"/api/v1/festivals/{festival_id}/open")
    assert opened.status_code == 200
    assert opened.get_json()["status"] == "open"
    again = caller.post(f"/api/v1/festivals/{festival_id}/open")
    assert again.status_code == 409
    assert error_of(again)["code"] == "conflict"


def test_a_category_name_twice_in_one_festival_is_422(app, session, api):
    office = factories.make_organization(session)
    festival = factories.make_festival(
        session, organization=office, status="draft", categories=("Dance",)
    )
    caller = api.as_user(organizer_of(session, office))
    response = caller.post(f"/api/v1/festivals/{festival.id}/categories", json={"name": "Dance"})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "name": ["This festival has a category of this name already."]
    }
    assert session.query(Category).filter_by(festival_id=festival.id).count() == 1


def test_a_leader_cannot_add_categories_or_open_a_festival(app, session, api):
    festival = factories.make_festival(session, status="open")
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post(f"/api/v1/festivals/{festival.id}/categories", json={"name": "Opera"})
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert caller.post(f"/api/v1/festivals/{festival.id}/open").status_code == 403
    assert session.query(Category).filter_by(festival_id=festival.id).count() == 2


def test_organizer_of_another_organisation_cannot_add_categories(app, session, api):
    festival = factories.make_festival(session, status="open")
    caller = api.as_user(organizer_of(session))
    response = caller.post(f"/api/v1/festivals/{festival.id}/categories", json={"name": "Opera"})
    assert response.status_code == 403


def test_listing_festivals_costs_the_same_queries_for_3_and_30(app, session, api, count_queries):
    def add(count: int) -> None:
        for _ in range(count):
            factories.make_festival(session)
        session.commit()

    add(3)
    with count_queries() as small:
        assert len(api.get("/api/v1/festivals?per_page=200").get_json()["items"]) == 3
    add(27)
    with count_queries() as large:
        assert len(api.get("/api/v1/festivals?per_page=200").get_json()["items"]) == 30
    assert len(small) > 0
    assert len(large) == len(small)
