"""Troupes, people and membership through the JSON API."""

from festival.troupes.models import Membership, Person, Troupe
from tests import factories


def error_of(response) -> dict:
    return response.get_json()["error"]


def test_organizer_creates_a_troupe_under_their_organisation(app, session, api):
    office = factories.make_organization(session)
    leader = factories.make_user(session, role="leader")
    caller = api.as_user(factories.make_user(session, role="organizer", organization=office))
    response = caller.post(
        "/api/v1/troupes",
        json={"name": "Red Maple", "organization_id": office.id, "leader_id": leader.id},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "name": "Red Maple",
        "kind": "troupe",
        "organization_id": office.id,
        "leader_id": leader.id,
        "member_count": 0,
    }
    assert session.get(Troupe, body["id"]).leader_id == leader.id


def test_organizer_cannot_create_a_troupe_under_another_organisation_tree(app, session, api):
    city = factories.make_organization(session, level="city")
    elsewhere = factories.make_organization(
        session, parent=factories.make_organization(session, level="city")
    )
    caller = api.as_user(factories.make_user(session, role="organizer", organization=city))
    response = caller.post(
        "/api/v1/troupes", json={"name": "Red Maple", "organization_id": elsewhere.id}
    )
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert session.query(Troupe).count() == 0


def test_a_leader_creates_a_troupe_and_leads_it_whatever_leader_id_says(app, session, api):
    office = factories.make_organization(session)
    leader = factories.make_user(session, role="leader")
    other = factories.make_user(session, role="leader")
    caller = api.as_user(leader)
    response = caller.post(
        "/api/v1/troupes",
        json={
            "name": "Silver Cranes",
            "organization_id": office.id,
            "kind": "team",
            "leader_id": other.id,
        },
    )
    assert response.status_code == 201
    assert response.get_json()["leader_id"] == leader.id
    assert response.get_json()["kind"] == "team"
    assert session.get(Troupe, response.get_json()["id"]).leader_id == leader.id


def test_a_leader_lists_only_their_own_troupes(app, session, api):
    leader = factories.make_user(session, role="leader")
    mine = factories.make_troupe(session, leader=leader)
    factories.make_troupe(session, leader=factories.make_user(session, role="leader"))
    factories.make_troupe(session)
    body = api.as_user(leader).get("/api/v1/troupes").get_json()
    assert [t["id"] for t in body["items"]] == [mine.id] and body["total"] == 1


def test_a_leader_gets_404_for_another_leaders_troupe(app, session, api):
    leader = factories.make_user(session, role="leader")
    theirs = factories.make_troupe(session, leader=factories.make_user(session, role="leader"))
    mine = factories.make_troupe(session, leader=leader)
    factories.make_person(session, troupe=mine)
    caller = api.as_user(leader)
    response = caller.get(f"/api/v1/troupes/{theirs.id}")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    own = caller.get(f"/api/v1/troupes/{mine.id}")
    assert own.status_code == 200 and own.get_json()["member_count"] == 1


def test_troupes_filter_by_kind_and_organisation(app, session, api):
    city = factories.make_organization(session, level="city")
    district = factories.make_organization(session, parent=city)
    troupe = factories.make_troupe(session, organization=city, kind="troupe")
    team = factories.make_troupe(session, organization=district, kind="team")
    district_troupe = factories.make_troupe(session, organization=district, kind="troupe")
    caller = api.as_user(factories.make_user(session, role="organizer", organization=city))

    def ids(query: str) -> set[int]:
        response = caller.get(f"/api/v1/troupes?{query}")
        assert response.status_code == 200
        return {t["id"] for t in response.get_json()["items"]}

    assert ids("") == {troupe.id, team.id, district_troupe.id}
    assert ids("kind=team") == {team.id}
    assert ids(f"organization_id={district.id}") == {team.id, district_troupe.id}
    assert ids(f"kind=troupe&organization_id={district.id}") == {district_troupe.id}
    assert caller.get("/api/v1/troupes?kind=band").status_code == 400
    assert caller.get("/api/v1/troupes?organization_id=x").status_code == 400


def test_an_organizer_does_not_list_troupes_of_another_organisation(app, session, api):
    factories.make_troupe(session)
    caller = api.as_user(factories.make_user(session, role="organizer"))
    assert caller.get("/api/v1/troupes").get_json()["total"] == 0


def test_post_people_registers_a_person(app, session, api):
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post(
        "/api/v1/people",
        json={
            "name": "王芳",
            "birth_date": "1958-03-12",
            "gender": "female",
            "phone": "13800000000",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "name": "王芳",
        "birth_date": "1958-03-12",
        "gender": "female",
        "phone": "13800000000",
    }
    assert session.get(Person, body["id"]).name == "王芳"


def test_a_judge_cannot_register_people(app, session, api):
    caller = api.as_user(factories.make_user(session, role="judge"))
    response = caller.post("/api/v1/people", json={"name": "X", "birth_date": "1958-03-12"})
    assert response.status_code == 403


def test_adding_a_new_person_as_member_creates_them_and_counts_them(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    caller = api.as_user(leader)
    response = caller.post(
        f"/api/v1/troupes/{troupe.id}/members", json={"name": "李娜", "birth_date": "1960-07-01"}
    )
    assert response.status_code == 201
    assert response.get_json()["name"] == "李娜"
    assert session.get(Membership, (troupe.id, response.get_json()["id"])) is not None
    assert caller.get(f"/api/v1/troupes/{troupe.id}").get_json()["member_count"] == 1


def test_adding_an_existing_person_by_id(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    caller = api.as_user(leader)
    # A person the leader registered (POST /people) and so may link to their troupe.
    person = session.get(
        Person,
        caller.post("/api/v1/people", json={"name": "王芳", "birth_date": "1958-03-12"}).get_json()[
            "id"
        ],
    )
    response = caller.post(f"/api/v1/troupes/{troupe.id}/members", json={"person_id": person.id})
    assert response.status_code == 201
    assert response.get_json()["id"] == person.id
    assert session.query(Person).count() == 1
    assert caller.get(f"/api/v1/troupes/{troupe.id}").get_json()["member_count"] == 1


def test_adding_a_member_needs_a_person_id_or_name_and_birth_date(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    caller = api.as_user(leader)
    url = f"/api/v1/troupes/{troupe.id}/members"
    neither = caller.post(url, json={})
    assert neither.status_code == 422
    assert list(error_of(neither)["fields"]) == ["person_id"]
    no_birth_date = caller.post(url, json={"name": "李娜"})
    assert no_birth_date.status_code == 422
    assert list(error_of(no_birth_date)["fields"]) == ["birth_date"]
    unknown = caller.post(url, json={"person_id": 999999})
    assert unknown.status_code == 404
    assert session.query(Person).count() == 0 and session.query(Membership).count() == 0


def test_adding_the_same_person_twice_is_409(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    person = factories.make_person(session, troupe=troupe)
    response = api.as_user(leader).post(
        f"/api/v1/troupes/{troupe.id}/members", json={"person_id": person.id}
    )
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "conflict" and "person_id" in error["fields"]
    assert person.name in error["message"]
    assert session.query(Membership).count() == 1


def test_a_leader_cannot_add_a_person_of_another_leaders_troupe(app, session, api):
    leader = factories.make_user(session, role="leader")
    mine = factories.make_troupe(session, leader=leader)
    theirs = factories.make_troupe(session, leader=factories.make_user(session, role="leader"))
    person = factories.make_person(session, troupe=theirs)
    response = api.as_user(leader).post(
        f"/api/v1/troupes/{mine.id}/members", json={"person_id": person.id}
    )
    assert response.status_code == 404
    assert session.get(Membership, (mine.id, person.id)) is None


def test_one_person_may_be_in_two_troupes(app, session, api):
    organizer = factories.make_user(session, role="organizer")
    office = organizer.organization
    first = factories.make_troupe(session, organization=office)
    second = factories.make_troupe(session, organization=office)
    person = factories.make_person(session, troupe=first)
    response = api.as_user(organizer).post(
        f"/api/v1/troupes/{second.id}/members", json={"person_id": person.id}
    )
    assert response.status_code == 201
    assert session.query(Membership).filter_by(person_id=person.id).count() == 2


def test_a_leader_may_add_their_member_to_their_second_troupe(app, session, api):
    leader = factories.make_user(session, role="leader")
    first = factories.make_troupe(session, leader=leader)
    second = factories.make_troupe(session, leader=leader)
    person = factories.make_person(session, troupe=first)
    response = api.as_user(leader).post(
        f"/api/v1/troupes/{second.id}/members", json={"person_id": person.id}
    )
    assert response.status_code == 201


def test_a_leader_cannot_add_members_to_another_leaders_troupe(app, session, api):
    theirs = factories.make_troupe(session, leader=factories.make_user(session, role="leader"))
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post(
        f"/api/v1/troupes/{theirs.id}/members", json={"name": "X", "birth_date": "1950-01-01"}
    )
    assert response.status_code == 404
    assert session.query(Person).count() == 0


def test_members_are_listed_by_name_in_pages(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    for name in ("E", "C", "A", "D", "B"):
        factories.make_person(session, name=name, troupe=troupe)
    caller = api.as_user(leader)
    first = caller.get(f"/api/v1/troupes/{troupe.id}/members?per_page=2").get_json()
    third = caller.get(f"/api/v1/troupes/{troupe.id}/members?per_page=2&page=3").get_json()
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    assert [p["name"] for p in first["items"]] == ["A", "B"]
    assert [p["name"] for p in third["items"]] == ["E"]
    assert caller.get(f"/api/v1/troupes/{troupe.id}/members?per_page=201").status_code == 400


def test_deleting_a_member_is_204_and_the_person_stays(app, session, api):
    leader = factories.make_user(session, role="leader")
    troupe = factories.make_troupe(session, leader=leader)
    person = factories.make_person(session, troupe=troupe)
    caller = api.as_user(leader)
    response = caller.delete(f"/api/v1/troupes/{troupe.id}/members/{person.id}")
    assert response.status_code == 204
    assert session.get(Membership, (troupe.id, person.id)) is None
    assert session.get(Person, person.id) is not None
    assert caller.get(f"/api/v1/troupes/{troupe.id}").get_json()["member_count"] == 0
    assert caller.delete(f"/api/v1/troupes/{troupe.id}/members/{person.id}").status_code == 404


def test_wrong_types_are_400_with_the_fields_named(app, session, api):
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post(
        "/api/v1/troupes", json={"name": ["Red Maple"], "organization_id": "first"}
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_request"
    assert set(error["fields"]) == {"name", "organization_id"}
    person = caller.post("/api/v1/people", json={"name": "X", "birth_date": "yesterday"})
    assert person.status_code == 400
    assert set(error_of(person)["fields"]) == {"birth_date"}
    assert session.query(Troupe).count() == 0 and session.query(Person).count() == 0


def test_a_troupe_name_of_121_characters_is_422_and_nothing_is_stored(app, session, api):
    office = factories.make_organization(session)
    caller = api.as_user(factories.make_user(session, role="leader"))
    response = caller.post(
        "/api/v1/troupes", json={"name": "x" * 121, "organization_id": office.id}
    )
    # A value of the right type that breaks a rule is a 422, not a 400.
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "validation_error"
    assert error["fields"] == {"name": ["Use at most 120 characters."]}
    assert session.query(Troupe).count() == 0
    ok = caller.post("/api/v1/troupes", json={"name": "x" * 120, "organization_id": office.id})
    assert ok.status_code == 201


def test_listing_troupes_costs_the_same_queries_for_3_and_30(app, session, api, count_queries):
    organizer = factories.make_user(session, role="organizer")
    caller = api.as_user(organizer)

    def add(count: int) -> None:
        for _ in range(count):
            troupe = factories.make_troupe(
                session,
                organization=organizer.organization,
                leader=factories.make_user(session, role="leader"),
            )
            factories.make_person(session, troupe=troupe)
        session.commit()

    add(3)
    with count_queries() as small:
        body = caller.get("/api/v1/troupes?per_page=200").get_json()
        assert len(body["items"]) == 3 and {t["member_count"] for t in body["items"]} == {1}
    add(27)
    with count_queries() as large:
        assert len(caller.get("/api/v1/troupes?per_page=200").get_json()["items"]) == 30
    assert len(small) > 0
    assert len(large) == len(small)
