"""Check-in and the stage through the JSON API: 201 and idempotent check-ins, 404 for a
program outside the round, 403 for a judge, 401 without a token; the stage set and cleared."""

from festival.judging import services
from tests import factories
from tests.checks import refusal
from tests.performance.day_world import NOW, entry, make_day


def test_check_in_answers_201_and_a_second_time_the_same(api, session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=3)
    client = api.as_user(organizer)
    url = f"/api/v1/rounds/{round_.id}/checkins"
    first = client.post(url, json={"program_id": programs[1].id})
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["program_id"] == programs[1].id and body["checked_in_at"]
    again = client.post(url, json={"program_id": programs[1].id})
    assert again.status_code == 201
    assert again.get_json() == body
    assert entry(session, round_, programs[1]).checked_in_at is not None
    assert entry(session, round_, programs[0]).checked_in_at is None


def test_check_in_refuses_unknown_programs_judges_and_anonymous_callers(
    api, session, festival, organizer
):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=2)
    outsider = factories.make_program(session, festival=festival)
    judge = factories.make_user(session, role="judge")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    session.commit()
    url = f"/api/v1/rounds/{round_.id}/checkins"
    client = api.as_user(organizer)
    refusal(client.post(url, json={"program_id": outsider.id}), 404, "not_found")
    refusal(client.post(url, json={"program_id": 2_000_000}), 404, "not_found")
    refusal(
        client.post("/api/v1/rounds/2000000/checkins", json={"program_id": 1}), 404, "not_found"
    )
    refusal(api.as_user(judge).post(url, json={"program_id": programs[0].id}), 403, "forbidden")
    refusal(api.post(url, json={"program_id": programs[0].id}), 401, "unauthorized")
    assert entry(session, round_, programs[0]).checked_in_at is None


def test_stage_sets_then_null_clears_it(api, session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=3)
    client = api.as_user(organizer)
    url = f"/api/v1/rounds/{round_.id}/stage"
    response = client.post(url, json={"program_id": programs[0].id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "on_stage": {
            "program_id": programs[0].id,
            "title": "Dance 03",
            "troupe_name": "Troupe 03",
            "position": 1,
        }
    }
    response = client.post(url, json={"program_id": None})
    assert response.status_code == 200
    assert response.get_json() == {"on_stage": None}


def test_stage_refuses_a_program_outside_the_round_and_a_judge(api, session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=2)
    outsider = factories.make_program(session, festival=festival)
    judge = factories.make_user(session, role="judge")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    session.commit()
    url = f"/api/v1/rounds/{round_.id}/stage"
    refusal(api.as_user(organizer).post(url, json={"program_id": outsider.id}), 404, "not_found")
    refusal(api.as_user(judge).post(url, json={"program_id": programs[0].id}), 403, "forbidden")
    refusal(api.post(url, json={"program_id": programs[0].id}), 401, "unauthorized")
