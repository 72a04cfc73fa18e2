"""Live scoring through HTTP: confirming and reopening a score, the live state with its ETag
(an unchanged poll is a 304 costing one query), who may read it, and the two pages."""

import pytest

from festival.judging.models import ScoreConfirmation
from tests.checks import refusal, row_count
from tests.performance.live_world import LiveWorld

MARKS = [("50", "30"), ("55", "35.5"), ("40", "20"), ("58", "39"), ("45.25", "33")]


@pytest.fixture
def world(session):
    return LiveWorld(session)


def url(world, program=None, tail=""):
    return f"/api/v1/rounds/{world.round.id}/scores/{(program or world.programs[0]).id}{tail}"


def live_url(world):
    return f"/api/v1/rounds/{world.round.id}/live"


def put(api, world, judge, art, stage):
    return api.put(url(world), json={"scores": {"艺术表现": art, "舞台效果": stage}})


def test_confirm_refuses_an_incomplete_score_then_confirms_twice_the_same(session, api, world):
    judge = api.as_user(world.judges[0])
    error = refusal(judge.post(url(world, tail="/confirm")), 422, "validation_error")
    assert "艺术表现" in error["message"] and "舞台效果" in error["message"]
    assert put(judge, world, world.judges[0], 50, 30).status_code == 200
    first = judge.post(url(world, tail="/confirm"))
    assert first.status_code == 200, first.get_json()
    second = judge.post(url(world, tail="/confirm"))
    assert second.status_code == 200 and second.get_json() == first.get_json()
    assert row_count(session, ScoreConfirmation) == 1


def test_a_save_after_confirming_is_409_score_locked_until_the_organizer_reopens(
    session, api, world
):
    judge = api.as_user(world.judges[0])
    put(judge, world, world.judges[0], 50, 30)
    judge.post(url(world, tail="/confirm"))
    refusal(put(judge, world, world.judges[0], 51, 30), 409, "score_locked")
    body = {"judge_id": world.judges[0].id, "reason": "评委按错了"}
    refusal(judge.delete(url(world, tail="/confirm"), json=body), 403, "forbidden")
    organizer = api.as_user(world.organizer)
    refusal(
        organizer.delete(url(world, tail="/confirm"), json={**body, "reason": " "}),
        422,
        "validation_error",
    )
    reopened = organizer.delete(url(world, tail="/confirm"), json=body)
    assert reopened.status_code == 200, reopened.get_json()
    assert row_count(session, ScoreConfirmation) == 0
    assert put(judge, world, world.judges[0], 51, 30).status_code == 200
    refusal(organizer.delete(url(world, tail="/confirm"), json=body), 404, "not_found")


def test_only_the_assigned_judge_confirms(api, world, session):
    refusal(api.as_user(world.organizer).post(url(world, tail="/confirm")), 403, "forbidden")
    refusal(api.post(url(world, tail="/confirm")), 401, "unauthorized")


def test_live_hides_the_totals_until_all_confirmed_then_gives_the_rules_score(api, world):
    judges = [api.as_user(j) for j in world.judges]
    organizer = api.as_user(world.organizer)
    for judge, (art, stage) in zip(judges, MARKS, strict=True):
        put(judge, world, None, art, stage)
    for judge in judges[:4]:
        judge.post(url(world, tail="/confirm"))
    body = organizer.get(live_url(world)).get_json()
    assert (body["confirmed"], body["judges"]) == (4, 5)
    assert "totals" not in body and "score" not in body
    assert judges[4].get(live_url(world)).get_json()["you_confirmed"] is False
    judges[4].post(url(world, tail="/confirm"))
    body = organizer.get(live_url(world)).get_json()
    assert body["score"] == "82.92"  # (80 + 90.5 + 78.25) / 3, 60 and 97 dropped
    assert body["dropped"] == [{"judge": 3, "total": "60.00"}, {"judge": 4, "total": "97.00"}]
    assert [t["total"] for t in body["totals"]] == ["80.00", "90.50", "60.00", "97.00", "78.25"]
    assert "评委姓名" not in str(body)
    assert judges[4].get(live_url(world)).get_json()["you_confirmed"] is True


def test_an_unchanged_poll_is_a_304_costing_one_query(api, world, session, count_queries):
    world.round.screen_public = True
    session.commit()
    first = api.get(live_url(world))
    assert first.status_code == 200 and first.headers["ETag"]
    etag = first.headers["ETag"]
    with count_queries() as queries:
        again = api.get(live_url(world), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    assert len(queries) == 1, queries
    judge = api.as_user(world.judges[0])
    put(judge, world, None, 50, 30)
    judge.post(url(world, tail="/confirm"))
    changed = api.get(live_url(world), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["confirmed"] == 1
    world.on_stage(world.programs[1], when=world.round.created_at.replace(year=2031))
    moved = api.get(live_url(world), headers={"If-None-Match": changed.headers["ETag"]})
    assert moved.status_code == 200 and moved.get_json()["on_stage"]["position"] == 2


def test_an_organizers_poll_costs_the_same_queries_whatever_the_judges(
    api, world, session, count_queries
):
    from festival.judging import services
    from tests import factories

    organizer = api.as_user(world.organizer)

    def poll_costs():
        first = organizer.get(live_url(world))
        with count_queries() as full:
            organizer.get(live_url(world))
        with count_queries() as unchanged:
            answer = organizer.get(
                live_url(world), headers={"If-None-Match": first.headers["ETag"]}
            )
        assert answer.status_code == 304
        return len(full), len(unchanged)

    small = poll_costs()
    for _ in range(6):
        judge = factories.make_user(session, role="judge")
        services.assign_judge(
            session, round_=world.round, user_id=judge.id, actor=world.organizer, now=factories.NOW
        )
    session.commit()
    assert poll_costs() == small


def test_the_live_state_is_for_the_round_unless_its_screen_is_public(api, world, session):
    refusal(api.get(live_url(world)), 401, "unauthorized")
    stranger = api.as_user(world.programs[0].troupe.leader or world.organizer)
    if stranger.token and world.programs[0].troupe.leader:
        refusal(stranger.get(live_url(world)), 404, "not_found")
    assert api.as_user(world.judges[0]).get(live_url(world)).status_code == 200
    world.round.screen_public = True
    session.commit()
    body = api.get(live_url(world)).get_json()
    assert body["on_stage"]["title"] == "黄河0" and "you_confirmed" not in body
    refusal(api.get("/api/v1/rounds/999999/live"), 404, "not_found")


def test_the_tablet_is_the_judges_and_the_screen_public_only_when_set(client, world, session):
    client.login(world.judges[0].username)
    tablet = client.get(f"/rounds/{world.round.id}/live/judge")
    assert tablet.status_code == 200
    assert 'id="live-judge"' in tablet.get_data(as_text=True)
    assert client.get(f"/rounds/{world.round.id}/screen").status_code == 200
    client.get("/logout")
    client.post_form("/logout")
    assert client.get(f"/rounds/{world.round.id}/screen").status_code in (302, 401)
    world.round.screen_public = True
    session.commit()
    assert client.get(f"/rounds/{world.round.id}/screen").status_code == 200
    client.login(world.organizer.username)
    assert client.get(f"/rounds/{world.round.id}/live/judge").status_code == 404
    setup = client.get(f"/rounds/{world.round.id}").get_data(as_text=True)
    assert f"/rounds/{world.round.id}/screen" in setup
    assert f"/rounds/{world.round.id}/live/judge" in setup
