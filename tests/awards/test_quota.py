"""Sending quotas (service and HTTP tests): a festival takes at most ``recommendation_quota``
recommended programs from each sending organisation; one more is refused with 409
``quota_exceeded`` and a message naming the quota and the organisation, also when two
recommendations arrive at the same moment."""

import html

import pytest
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.awards import recommendations
from festival.core.errors import QuotaExceeded, ValidationFailed
from festival.festivals import services as festivals
from festival.festivals.models import Festival
from festival.judging import services as judging
from festival.programs.models import Program
from festival.programs.services import withdraw_program
from tests import factories
from tests.api.test_rounds_http import World as ApiWorld
from tests.checks import refusal as error_of
from tests.concurrency import at_once
from tests.judging.test_services import World as ScreenedWorld

NOW = factories.NOW
EN = {"Accept-Language": "en"}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def recommended_into(session, festival) -> int:
    return session.execute(
        select(func.count()).select_from(Program).where(Program.festival_id == festival.id)
    ).scalar_one()


def city_with_quota(session, quota, **kwargs):
    city = factories.make_festival(session, level="city", name="市老年文艺汇演", **kwargs)
    city.recommendation_quota = quota
    session.flush()
    return city


@pytest.fixture
def advanced_world(session):
    """Four programs of one district festival, three of them advanced: three programs of the
    same office that may be recommended."""
    world = ScreenedWorld(session, advance_count=3)
    for i, program in enumerate(world.programs):
        world.score_everyone(program, 50 - i, 30)
    world.close()
    return world


def recommend(session, world, program, target):
    return recommendations.recommend_program(
        session, program=program, target=target, category_id=None, actor=world.admin, now=NOW
    )


# The rule, with a session


def test_recommend_refuses_one_more_than_the_quota_naming_it_and_the_office(
    session, advanced_world, english_messages
):
    world = advanced_world
    city = city_with_quota(session, 2)
    recommend(session, world, world.programs[0], city)
    recommend(session, world, world.programs[1], city)
    with pytest.raises(QuotaExceeded) as refused:
        recommend(session, world, world.programs[2], city)
    assert refused.value.code == "quota_exceeded" and refused.value.status == 409
    office = world.festival.organization.name
    assert str(refused.value.message) == (
        f"{office} may send at most 2 programs to 市老年文艺汇演 and has recommended 2 already."
    )
    assert recommended_into(session, city) == 2


def test_the_quota_counts_each_sending_organisation_apart(session, advanced_world):
    world = advanced_world
    city = city_with_quota(session, 1)
    recommend(session, world, world.programs[0], city)
    other_district = factories.make_festival(session)
    other = factories.make_program(session, festival=other_district)
    other.status = other.status.advanced
    session.flush()
    recommend(session, world, other, city)  # another office: its own quota of one
    assert recommended_into(session, city) == 2
    assert recommendations.quota_use(session, source=world.festival, target=city) == (1, 1)


def test_a_withdrawn_recommendation_frees_its_place(session, advanced_world):
    world = advanced_world
    city = city_with_quota(session, 1)
    first = recommend(session, world, world.programs[0], city)
    withdraw_program(session, program=first, actor=world.admin, now=NOW)
    recommend(session, world, world.programs[1], city)
    assert recommendations.quota_use(session, source=world.festival, target=city) == (1, 1)


def test_no_quota_means_no_limit(session, advanced_world):
    world = advanced_world
    city = city_with_quota(session, None)
    for program in world.programs[:3]:
        recommend(session, world, program, city)
    assert recommended_into(session, city) == 3
    assert recommendations.quota_use(session, source=world.festival, target=city) is None


@pytest.mark.parametrize("quota", [0, -1, 10_001])
def test_update_festival_refuses_a_quota_that_is_not_a_positive_number(session, quota):
    festival = factories.make_festival(session, level="city")
    admin = factories.make_user(session, role="admin")
    values = {
        field: getattr(festival, field)
        for field in (
            "name",
            "year",
            "starts_on",
            "ends_on",
            "submission_deadline",
            "timezone",
            "min_performer_age",
            "description",
        )
    }
    with pytest.raises(ValidationFailed) as refused:
        festivals.update_festival(
            session,
            festival=festival,
            **values,
            recommendation_quota=quota,
            actor=admin,
            now=NOW,
        )
    assert set(refused.value.fields) == {"recommendation_quota"}
    assert festival.recommendation_quota is None


def test_two_recommendations_at_the_same_moment_stay_within_the_quota(app, session, api):
    """Each is alone within the quota; the second waits for the first's lock on the festival,
    then counts its program and is refused."""
    world = ApiWorld(session, api)
    round_ = world.make_round()
    world.score_the_standard_field()
    judging.close_round(
        session,
        round_=round_,
        advance_program_ids=[p.id for p in world.programs[:2]],
        actor=world.organizer,
        now=NOW,
    )
    city = city_with_quota(session, 1)
    session.commit()
    city_id, organizer_id = city.id, world.organizer.id
    program_ids = [p.id for p in world.programs[:2]]

    def recommending(program_id):
        def work(session):
            return recommendations.recommend_program(
                session,
                program=session.get(Program, program_id),
                target=session.get(Festival, city_id),
                category_id=None,
                actor=session.get(User, organizer_id),
                now=NOW,
            ).id

        return work

    first, second = at_once(
        app, recommending(program_ids[0]), recommending(program_ids[1]), method="POST"
    )
    assert isinstance(first, int)
    assert isinstance(second, QuotaExceeded)
    session.expire_all()
    assert recommended_into(session, session.get(Festival, city_id)) == 1


# Through the API and the pages


@pytest.fixture
def advanced_api(app, session, api):
    world = ApiWorld(session, api)
    world.make_round()
    world.score_the_standard_field()
    response = world.as_organizer.post(
        f"/api/v1/rounds/{world.round.id}/close",
        json={"advance_program_ids": [p.id for p in world.programs[:2]]},
    )
    assert response.status_code == 200
    return world


def test_patch_festival_sets_and_clears_the_quota(session, api):
    city = factories.make_festival(session, level="city")
    organizer = factories.make_user(session, role="organizer", organization=city.organization)
    session.commit()
    as_organizer = api.as_user(organizer)
    response = as_organizer.patch(f"/api/v1/festivals/{city.id}", json={"recommendation_quota": 3})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["recommendation_quota"] == 3
    assert response.get_json()["name"] == city.name  # the fields not given are kept
    assert api.get(f"/api/v1/festivals/{city.id}").get_json()["recommendation_quota"] == 3
    error = error_of(
        as_organizer.patch(f"/api/v1/festivals/{city.id}", json={"recommendation_quota": 0}),
        422,
        "validation_error",
    )
    assert "recommendation_quota" in error["fields"]
    cleared = as_organizer.patch(
        f"/api/v1/festivals/{city.id}", json={"recommendation_quota": None}
    )
    assert cleared.get_json()["recommendation_quota"] is None
    renamed = as_organizer.patch(f"/api/v1/festivals/{city.id}", json={"name": "新名字"})
    assert renamed.get_json()["name"] == "新名字"


def test_patch_festival_is_for_its_organizers_only(session, api):
    city = factories.make_festival(session, level="city")
    stranger = factories.make_user(session, role="organizer")
    session.commit()
    response = api.as_user(stranger).patch(
        f"/api/v1/festivals/{city.id}", json={"recommendation_quota": 3}
    )
    assert response.status_code in (403, 404)
    assert api.patch(f"/api/v1/festivals/{city.id}", json={}).status_code == 401


def test_recommend_api_answers_409_quota_exceeded(session, advanced_api):
    world = advanced_api
    city = city_with_quota(session, 1)
    session.commit()
    a, b = world.programs[:2]
    first = world.as_organizer.post(
        f"/api/v1/programs/{a.id}/recommend", json={"festival_id": city.id}
    )
    assert first.status_code == 201, first.get_json()
    error = error_of(
        world.as_organizer.post(
            f"/api/v1/programs/{b.id}/recommend",
            json={"festival_id": city.id},
            headers=EN,
        ),
        409,
        "quota_exceeded",
    )
    assert error["message"] == (
        f"{world.office.name} may send at most 1 program to 市老年文艺汇演 and has "
        "recommended 1 already."
    )
    assert recommended_into(session, city) == 1


def test_recommend_page_shows_the_quota_used_and_refuses_one_more(client, session, advanced_api):
    world = advanced_api
    city = city_with_quota(session, 1)
    session.commit()
    a, b = world.programs[:2]
    assert (
        world.as_organizer.post(
            f"/api/v1/programs/{a.id}/recommend", json={"festival_id": city.id}
        ).status_code
        == 201
    )
    client.login(world.organizer.username)
    asked = client.post_form(
        f"/rounds/{world.round.id}/recommend",
        {"program_id": b.id, "festival_id": city.id},
        headers=EN,
    )
    assert (
        f"市老年文艺汇演 takes at most 1 program from each sending organisation; "
        f"{world.office.name} has used 1 of it." in text(asked)
    )
    refused = client.post_form(
        f"/rounds/{world.round.id}/recommend",
        {"program_id": b.id, "festival_id": city.id, "confirm": "yes"},
        headers=EN,
        follow_redirects=True,
    )
    assert "may send at most 1 program to 市老年文艺汇演" in text(refused)
    assert recommended_into(session, city) == 1


def test_festival_page_and_edit_form_show_the_quota(client, session):
    city = factories.make_festival(session, level="city")
    organizer = factories.make_user(session, role="organizer", organization=city.organization)
    session.commit()
    client.login(organizer.username)
    page = text(client.get(f"/festivals/{city.id}", headers=EN))
    assert "Recommendation quota" not in page
    form = text(client.get(f"/festivals/{city.id}/edit", headers=EN))
    assert "Recommendation quota" in form and "Leave empty for no limit." in form
    data = {
        "name": city.name,
        "year": city.year,
        "starts_on": city.starts_on.isoformat(),
        "ends_on": city.ends_on.isoformat(),
        "submission_deadline": "2026-04-20T16:00",
        "timezone": city.timezone,
        "min_performer_age": city.min_performer_age,
        "description": "",
        "recommendation_quota": "3",
    }
    saved = client.post_form(f"/festivals/{city.id}/edit", data, headers=EN)
    assert saved.status_code == 302, text(saved)
    session.expire_all()
    assert session.get(Festival, city.id).recommendation_quota == 3
    page = text(client.get(f"/festivals/{city.id}", headers=EN))
    assert "at most 3 recommended programs from each sending organisation" in page
    data["recommendation_quota"] = "0"
    refused = client.post_form(f"/festivals/{city.id}/edit", data, headers=EN)
    assert refused.status_code == 200
    session.expire_all()
    assert session.get(Festival, city.id).recommendation_quota == 3
