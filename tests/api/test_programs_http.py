"""Program submissions through the JSON API: every eligibility rule, edits, withdrawal, lists.

The API reads the real clock, so festivals here are dated relative to today.
"""

from datetime import date, timedelta

import pytest

from festival.audit.models import AuditEntry
from festival.core.clock import utcnow
from festival.festivals.models import FestivalStatus
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.troupes.models import Person
from tests import factories


def starts_on_in_two_months() -> date:
    day = utcnow().date() + timedelta(days=60)
    return day + timedelta(days=1) if (day.month, day.day) == (2, 29) else day


def festival_for(
    session, organization=None, *, status="open", deadline_in=timedelta(days=30), **kwargs
):
    """A festival starting in two months whose deadline is ``deadline_in`` from now."""
    return factories.make_festival(
        session,
        organization=organization,
        status=status,
        starts_on=starts_on_in_two_months(),
        deadline=utcnow() + deadline_in,
        **kwargs,
    )


def born_years_before(day: date, years: int, *, days_later: int = 0) -> date:
    return day.replace(year=day.year - years) + timedelta(days=days_later)


class World:
    """An office running an open festival; a leader's troupe "Red Maple" with two members."""

    def __init__(self, session, api, **festival_kwargs):
        self.session = session
        self.office = factories.make_organization(session)
        self.festival = festival_for(session, self.office, **festival_kwargs)
        self.category = self.festival.categories[0]
        self.organizer = factories.make_user(session, role="organizer", organization=self.office)
        self.leader = factories.make_user(session, role="leader")
        self.troupe = factories.make_troupe(
            session, name="Red Maple", organization=self.office, leader=self.leader
        )
        self.members = [
            factories.make_person(
                session, name=name, troupe=self.troupe, birth_date=date(1950, 3, 3)
            )
            for name in ("Wang Fang", "Li Na")
        ]
        session.commit()
        self.as_leader = api.as_user(self.leader)
        self.as_organizer = api.as_user(self.organizer)
        self.url = f"/api/v1/festivals/{self.festival.id}/programs"

    def body(self, **overrides) -> dict:
        return {
            "title": "Spring Breeze",
            "category_id": self.category.id,
            "troupe_id": self.troupe.id,
            "duration_minutes": 6,
            "performer_ids": [p.id for p in self.members],
            **overrides,
        }

    def submit(self, caller=None, **overrides):
        return (caller or self.as_leader).post(self.url, json=self.body(**overrides))

    def person(
        self, *, name: str = "Zhao Min", birth_date: date = date(1950, 1, 1), member: bool = True
    ):
        person = factories.make_person(
            self.session, name=name, birth_date=birth_date, troupe=self.troupe if member else None
        )
        self.session.commit()
        return person


@pytest.fixture
def world(app, session, api) -> World:
    return World(session, api)


def error_of(response) -> dict:
    return response.get_json()["error"]


def refused(response, status: int = 422) -> dict:
    assert response.status_code == status, response.get_json()
    error = error_of(response)
    assert (
        error["code"]
        == {
            422: "validation_error",
            409: "conflict",
            403: "forbidden",
            404: "not_found",
            400: "bad_request",
        }[status]
    )
    return error


def stored_programs(session) -> int:
    return session.query(Program).count()


# Submitting


def test_a_leader_submits_a_program_for_their_troupe(world, session):
    response = world.submit()
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "submitted" and body["is_late"] is False
    assert body["version"] == 1 and body["title"] == "Spring Breeze"
    assert body["troupe_name"] == "Red Maple" and body["category_name"] == "舞蹈"
    assert body["performer_ids"] == sorted(p.id for p in world.members)
    assert session.get(Program, body["id"]).status is ProgramStatus.submitted


def test_a_performer_who_is_not_a_member_is_named_with_the_troupe(world, session):
    # Someone the leader registered (so may name), who is not in the troupe.
    outsider = session.get(
        Person,
        world.as_leader.post(
            "/api/v1/people", json={"name": "Zhao Min", "birth_date": "1950-01-01"}
        ).get_json()["id"],
    )
    error = refused(world.submit(performer_ids=[world.members[0].id, outsider.id]))
    assert error["fields"] == {"performer_ids": ["Zhao Min is not a member of Red Maple."]}
    assert stored_programs(session) == 0


def test_a_performer_under_age_is_named_with_age_and_shortfall(world, session):
    young = world.person(name="Sun Li", birth_date=born_years_before(world.festival.starts_on, 57))
    error = refused(world.submit(performer_ids=[young.id]))
    [message] = error["fields"]["performer_ids"]
    assert message.startswith("Sun Li is 57 on ")
    assert "3 years under the minimum age of 60" in message
    assert stored_programs(session) == 0


def test_a_performer_who_turns_60_on_the_first_day_is_eligible(world):
    sixty = world.person(birth_date=born_years_before(world.festival.starts_on, 60))
    assert world.submit(performer_ids=[sixty.id]).status_code == 201


def test_a_performer_who_turns_60_the_day_after_the_first_day_is_not(world):
    almost = world.person(birth_date=born_years_before(world.festival.starts_on, 60, days_later=1))
    error = refused(world.submit(performer_ids=[almost.id]))
    [message] = error["fields"]["performer_ids"]
    assert message.startswith("Zhao Min is 59 on ") and "1 year under" in message


def test_a_duration_over_the_category_maximum_names_both_numbers(world, session):
    error = refused(world.submit(duration_minutes=9))
    assert error["fields"] == {
        "duration_minutes": ["9 minutes is longer than the 8 minutes allowed in 舞蹈."]
    }
    assert stored_programs(session) == 0


def test_a_category_of_another_festival_is_refused_on_category_id(world, session):
    other = festival_for(session)
    session.commit()
    error = refused(world.submit(category_id=other.categories[0].id))
    assert error["fields"] == {"category_id": ["Choose one of this festival's categories."]}


def test_after_the_deadline_a_leader_is_refused_on_deadline(app, session, api):
    world = World(session, api, deadline_in=-timedelta(hours=1))
    error = refused(world.submit())
    assert list(error["fields"]) == ["deadline"]
    assert error["fields"]["deadline"][0].startswith("The submission deadline")
    assert stored_programs(session) == 0


def test_after_the_deadline_an_organizer_still_submits_and_the_program_is_late(app, session, api):
    world = World(session, api, deadline_in=-timedelta(hours=1))
    response = world.submit(world.as_organizer)
    assert response.status_code == 201
    assert response.get_json()["is_late"] is True
    assert session.get(Program, response.get_json()["id"]).is_late is True


def test_the_same_title_twice_from_one_troupe_is_refused_ignoring_case(world, session):
    assert world.submit(title="Spring Breeze").status_code == 201
    error = refused(world.submit(title="SPRING breeze"))
    assert list(error["fields"]) == ["title"]
    assert "Red Maple has already submitted" in error["fields"]["title"][0]
    assert stored_programs(session) == 1


def test_another_troupe_may_use_the_same_title(world, session, api):
    assert world.submit(title="Spring Breeze").status_code == 201
    other = factories.make_troupe(session, organization=world.office, leader=world.leader)
    person = factories.make_person(session, troupe=other)
    session.commit()
    response = world.submit(title="Spring Breeze", troupe_id=other.id, performer_ids=[person.id])
    assert response.status_code == 201
    assert stored_programs(session) == 2


def test_a_festival_in_draft_refuses_submissions(app, session, api):
    world = World(session, api, status="draft")
    error = refused(world.submit(world.as_organizer))
    assert list(error["fields"]) == ["festival_id"]
    # A leader cannot even see a draft.
    assert world.submit().status_code == 404
    assert stored_programs(session) == 0


def test_a_festival_in_screening_refuses_submissions(app, session, api):
    world = World(session, api, status="screening")
    assert list(refused(world.submit())["fields"]) == ["festival_id"]


def test_a_leader_cannot_submit_for_another_leaders_troupe(world, session):
    theirs = factories.make_troupe(
        session, organization=world.office, leader=factories.make_user(session, role="leader")
    )
    person = factories.make_person(session, troupe=theirs)
    session.commit()
    refused(world.submit(troupe_id=theirs.id, performer_ids=[person.id]), 403)
    assert stored_programs(session) == 0


def test_an_organizer_of_another_organisation_cannot_submit(world, session, api):
    stranger = api.as_user(factories.make_user(session, role="organizer"))
    refused(world.submit(stranger), 403)


def test_anonymous_cannot_submit(world, api):
    assert api.post(world.url, json=world.body()).status_code == 401


def test_every_problem_is_reported_at_once_and_nothing_is_stored(world, session):
    assert world.submit(title="Spring Breeze").status_code == 201
    audit_before = session.query(AuditEntry).count()
    outsider = world.person(member=False)
    error = refused(
        world.submit(title="spring breeze", duration_minutes=30, performer_ids=[outsider.id])
    )
    assert set(error["fields"]) == {"title", "duration_minutes", "performer_ids"}
    assert stored_programs(session) == 1
    assert session.query(ProgramPerformer).count() == 2
    assert session.query(AuditEntry).count() == audit_before


def test_problems_are_reported_in_chinese_when_asked(world, session):
    outsider = world.person(member=False)
    response = world.as_leader.post(
        world.url,
        json=world.body(duration_minutes=30, performer_ids=[outsider.id]),
        headers={"Accept-Language": "zh"},
    )
    error = refused(response)
    assert set(error["fields"]) == {"duration_minutes", "performer_ids"}
    assert stored_programs(session) == 0


def test_a_wrongly_typed_submission_is_400(world, session):
    error = refused(world.submit(performer_ids="all of them", duration_minutes="long"), 400)
    assert {"performer_ids", "duration_minutes"} <= set(error["fields"])


def test_an_unknown_performer_is_named_by_number(world, session):
    error = refused(world.submit(performer_ids=[world.members[0].id, 999999]))
    assert error["fields"] == {"performer_ids": ["There is no person with number 999999."]}


def test_an_organizer_in_time_submits_a_program_that_is_not_late(world):
    response = world.submit(world.as_organizer)
    assert response.status_code == 201 and response.get_json()["is_late"] is False


# Editing and withdrawing


def submitted(world) -> dict:
    response = world.submit()
    assert response.status_code == 201
    return response.get_json()


def test_a_leader_edits_title_and_performers_before_screening(world, session):
    program = submitted(world)
    newcomer = world.person()
    response = world.as_leader.patch(
        f"/api/v1/programs/{program['id']}",
        json={
            "title": "Autumn Moon",
            "performer_ids": [world.members[0].id, newcomer.id],
            "version": 1,
        },
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["title"] == "Autumn Moon" and body["version"] == 2
    assert body["performer_ids"] == sorted([world.members[0].id, newcomer.id])
    stored = session.get(Program, program["id"])
    assert stored.title == "Autumn Moon" and stored.version == 2


def test_an_edit_with_a_stale_version_is_409(world, session):
    program = submitted(world)
    url = f"/api/v1/programs/{program['id']}"
    assert world.as_leader.patch(url, json={"title": "First", "version": 1}).status_code == 200
    error = refused(world.as_leader.patch(url, json={"title": "Second", "version": 1}), 409)
    assert error["code"] == "conflict"
    assert session.get(Program, program["id"]).title == "First"


def test_an_edit_that_breaks_a_rule_is_422_and_changes_nothing(world, session):
    program = submitted(world)
    outsider = world.person(member=False)
    error = refused(
        world.as_leader.patch(
            f"/api/v1/programs/{program['id']}",
            json={"title": "Autumn Moon", "duration_minutes": 9, "performer_ids": [outsider.id]},
        )
    )
    assert set(error["fields"]) == {"duration_minutes", "performer_ids"}
    stored = session.get(Program, program["id"])
    assert (stored.title, stored.duration_minutes, stored.version) == ("Spring Breeze", 6, 1)
    assert sorted(p.person_id for p in stored.performers) == program["performer_ids"]


def test_an_edit_to_a_title_the_troupe_used_already_is_422(world, session):
    first = submitted(world)
    second = world.submit(title="Autumn Moon").get_json()
    error = refused(
        world.as_leader.patch(f"/api/v1/programs/{second['id']}", json={"title": "spring BREEZE"})
    )
    assert list(error["fields"]) == ["title"]
    assert session.get(Program, second["id"]).title == "Autumn Moon"
    same = world.as_leader.patch(f"/api/v1/programs/{first['id']}", json={"title": "SPRING BREEZE"})
    assert same.status_code == 200 and same.get_json()["title"] == "SPRING BREEZE"


def test_an_edit_to_a_category_of_another_festival_is_422(world, session):
    program = submitted(world)
    other = festival_for(session)
    session.commit()
    error = refused(
        world.as_leader.patch(
            f"/api/v1/programs/{program['id']}", json={"category_id": other.categories[0].id}
        )
    )
    assert list(error["fields"]) == ["category_id"]
    assert session.get(Program, program["id"]).category_id == world.category.id


def test_after_the_deadline_a_leader_can_no_longer_edit_but_an_organizer_can(app, session, api):
    world = World(session, api, deadline_in=-timedelta(hours=1))
    program = world.submit(world.as_organizer).get_json()
    url = f"/api/v1/programs/{program['id']}"
    refused(world.as_leader.patch(url, json={"title": "Autumn Moon"}), 409)
    edited = world.as_organizer.patch(url, json={"title": "Autumn Moon"})
    assert edited.status_code == 200 and edited.get_json()["title"] == "Autumn Moon"


def test_withdrawing_marks_the_program_withdrawn_and_it_can_no_longer_change(world, session):
    program = submitted(world)
    url = f"/api/v1/programs/{program['id']}"
    response = world.as_leader.post(f"{url}/withdraw")
    assert response.status_code == 200
    assert response.get_json()["status"] == "withdrawn"
    assert session.get(Program, program["id"]).status is ProgramStatus.withdrawn
    refused(world.as_leader.patch(url, json={"title": "Autumn Moon"}), 409)
    refused(world.as_leader.post(f"{url}/withdraw"), 409)
    assert session.get(Program, program["id"]).title == "Spring Breeze"


def test_withdrawing_with_a_stale_version_is_409(world):
    program = submitted(world)
    url = f"/api/v1/programs/{program['id']}"
    assert world.as_leader.patch(url, json={"title": "First"}).status_code == 200
    refused(world.as_leader.post(f"{url}/withdraw", json={"version": 1}), 409)


def test_once_screening_starts_a_program_can_no_longer_be_edited_or_withdrawn(world, session):
    program = submitted(world)
    world.festival.status = FestivalStatus.screening
    session.commit()
    url = f"/api/v1/programs/{program['id']}"
    refused(world.as_leader.patch(url, json={"title": "Autumn Moon"}), 409)
    refused(world.as_leader.post(f"{url}/withdraw"), 409)
    refused(world.as_organizer.patch(url, json={"title": "Autumn Moon"}), 409)
    session.expire_all()
    stored = session.get(Program, program["id"])
    assert stored.title == "Spring Breeze" and stored.status is ProgramStatus.submitted


def test_another_leader_cannot_see_or_edit_a_program(world, session, api):
    program = submitted(world)
    stranger = api.as_user(factories.make_user(session, role="leader"))
    url = f"/api/v1/programs/{program['id']}"
    assert stranger.get(url).status_code == 404
    refused(stranger.patch(url, json={"title": "Mine now"}), 404)
    refused(stranger.post(f"{url}/withdraw"), 404)
    assert session.get(Program, program["id"]).title == "Spring Breeze"


# Listing


def test_a_leader_lists_only_their_troupes_programs(world, session):
    mine = submitted(world)
    factories.make_program(session, festival=world.festival)
    session.commit()
    leader_view = world.as_leader.get(world.url).get_json()
    assert [p["id"] for p in leader_view["items"]] == [mine["id"]]
    assert leader_view["total"] == 1
    assert world.as_organizer.get(world.url).get_json()["total"] == 2


def test_programs_filter_by_status_category_and_troupe(world, session):
    mine = submitted(world)
    other_troupe = factories.make_troupe(session, organization=world.office)
    second_category = world.festival.categories[1]
    theirs = factories.make_program(
        session, festival=world.festival, troupe=other_troupe, category=second_category
    )
    withdrawn = factories.make_program(session, festival=world.festival, troupe=other_troupe)
    withdrawn.status = ProgramStatus.withdrawn
    session.commit()

    def ids(query: str) -> set[int]:
        response = world.as_organizer.get(f"{world.url}?{query}")
        assert response.status_code == 200
        return {p["id"] for p in response.get_json()["items"]}

    assert ids("status=submitted") == {mine["id"], theirs.id}
    assert ids("status=withdrawn") == {withdrawn.id}
    assert ids(f"category_id={second_category.id}") == {theirs.id}
    assert ids(f"troupe_id={other_troupe.id}") == {theirs.id, withdrawn.id}
    assert ids(f"troupe_id={other_troupe.id}&status=submitted") == {theirs.id}
    refused(world.as_organizer.get(f"{world.url}?status=lost"), 400)
    refused(world.as_organizer.get(f"{world.url}?troupe_id=x"), 400)


def test_more_than_200_programs_per_page_is_400(world):
    error = refused(world.as_organizer.get(f"{world.url}?per_page=201"), 400)
    assert "per_page" in error["fields"]
    assert world.as_organizer.get(f"{world.url}?per_page=200").status_code == 200


def test_anonymous_cannot_list_programs(world, api):
    assert api.get(world.url).status_code == 401


@pytest.mark.parametrize("role", ["organizer", "leader"])
def test_listing_programs_costs_the_same_queries_for_3_and_30(
    app, session, api, count_queries, role
):
    office = factories.make_organization(session)
    festival = festival_for(session, office)
    leader = factories.make_user(session, role="leader")
    caller = api.as_user(
        factories.make_user(session, role="organizer", organization=office)
        if role == "organizer"
        else leader
    )
    url = f"/api/v1/festivals/{festival.id}/programs?per_page=200"

    def add(count: int) -> None:
        for _ in range(count):
            troupe = factories.make_troupe(session, organization=office, leader=leader)
            factories.make_program(session, festival=festival, troupe=troupe)
        session.commit()

    add(3)
    with count_queries() as small:
        assert len(caller.get(url).get_json()["items"]) == 3
    add(27)
    with count_queries() as large:
        assert len(caller.get(url).get_json()["items"]) == 30
    assert len(small) > 0
    assert len(large) == len(small), large
