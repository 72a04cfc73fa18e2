"""Judges' comments (点评) through the JSON API: a judge saves one with the scores and reads
their own on the sheet; the program's JSON gives them to its organizers, and to the troupe's
leader once the festival is published, never who wrote them."""

import json

import pytest

from festival.judging.models import Score, ScoreComment
from tests.checks import refusal, row_count
from tests.judging.test_comments import Commented


@pytest.fixture
def world(session):
    return Commented(session)


def put_scores(api, world, judge, body):
    return api.as_user(judge).put(
        f"/api/v1/rounds/{world.rounds[0].id}/scores/{world.programs[0].id}", json=body
    )


def test_a_judge_saves_a_comment_and_reads_only_their_own_on_the_sheet(session, api, world):
    first, second = world.judges
    response = put_scores(
        api, world, first, {"scores": {"艺术表现": 80}, "comment": " 很有感染力 "}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["comment"] == "很有感染力"
    put_scores(api, world, second, {"scores": {"艺术表现": 70}, "comment": "乙的意见"})
    sheet = api.as_user(first).get(f"/api/v1/rounds/{world.rounds[0].id}/sheet").get_json()
    assert [item["comment"] for item in sheet["items"]] == ["很有感染力", ""]
    # Without ``comment`` the comment stays; with "" it goes.
    assert put_scores(api, world, first, {"scores": {"艺术表现": 81}}).status_code == 200
    assert row_count(session, ScoreComment) == 2
    assert (
        put_scores(api, world, first, {"scores": {"艺术表现": 81}, "comment": ""}).status_code
        == 200
    )
    assert row_count(session, ScoreComment, ScoreComment.judge_id == first.id) == 0


def test_a_comment_over_500_characters_is_refused_and_nothing_is_stored(session, api, world):
    response = put_scores(
        api, world, world.judges[0], {"scores": {"艺术表现": 80}, "comment": "好" * 501}
    )
    error = refusal(response, 422, "validation_error")
    assert error["fields"] == {"comment": ["Use at most 500 characters."]}
    assert row_count(session, Score) == 0 and row_count(session, ScoreComment) == 0


def test_the_leader_gets_the_comments_in_the_programs_json_only_once_published(session, api, world):
    judge = world.judges[0]
    judge.display_name = "王评委"
    world.save(judge, comment="动作整齐")
    session.commit()
    url = f"/api/v1/programs/{world.programs[0].id}"
    before = api.as_user(world.leader).get(url)
    assert before.status_code == 200 and "comments" not in before.get_json()
    world.publish()
    body = api.as_user(world.leader).get(url).get_json()
    assert body["comments"] == [
        {"round_id": world.rounds[0].id, "round_name": "初选", "text": "动作整齐"}
    ]
    text = json.dumps(body, ensure_ascii=False)
    assert "王评委" not in text and judge.username not in text
    refusal(api.as_user(world.other_leader).get(url), 404, "not_found")


def test_the_festivals_organizer_sees_the_comments_before_publication(session, api, world):
    world.save(world.judges[0], comment="建议放慢节奏")
    session.commit()
    body = api.as_user(world.organizer).get(f"/api/v1/programs/{world.programs[0].id}").get_json()
    assert [c["text"] for c in body["comments"]] == ["建议放慢节奏"]
    other = api.as_user(world.organizer).get(f"/api/v1/programs/{world.programs[1].id}")
    assert other.get_json()["comments"] == []
