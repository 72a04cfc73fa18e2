"""The objection endpoints over HTTP: anyone raises one during the notice period (201, then
409 notice_closed; 422 per field; 429 past the rate limit); only the festival's organizers
list and decide them (a second decision is 409)."""

from datetime import timedelta

from festival.core.clock import utcnow
from festival.festivals.models import Festival
from tests import factories
from tests.notice.world import noticed_festival

BODY = {"name": "张秀英", "phone": "13800001234", "text": "第一名的节目超时了。"}


def url(festival_id: int) -> str:
    return f"/api/v1/festivals/{festival_id}/objections"


def test_anyone_raises_an_objection_and_gets_a_reference(session, api):
    world = noticed_festival(session)
    response = api.post(url(world.festival.id), json={**BODY, "award_id": world.award.id})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "reference"}
    assert body["reference"].startswith("YY-")


def test_after_the_notice_period_it_is_notice_closed(session, api):
    world = noticed_festival(session, days_left=-1)
    response = api.post(url(world.festival.id), json=BODY)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "notice_closed"


def test_bad_fields_are_422_by_field(session, api):
    world = noticed_festival(session)
    response = api.post(
        url(world.festival.id),
        json={"name": " ", "phone": "12", "text": "", "program_id": 999999},
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "phone", "text", "program_id"}
    assert api.post(url(world.festival.id), json={"name": "张"}).status_code == 400


def test_the_sixth_in_an_hour_from_one_address_is_429(session, api):
    world = noticed_festival(session)
    for _ in range(5):
        assert api.post(url(world.festival.id), json=BODY).status_code == 201
    response = api.post(url(world.festival.id), json=BODY)
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "too_many_requests"
    assert "hour" in error["message"]
    other = api.post(
        url(world.festival.id), json=BODY, environ_base={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 201


def test_a_draft_or_missing_festival_is_404(session, api):
    world = noticed_festival(session)
    festival = session.get(Festival, world.festival.id)
    festival.status = "draft"
    session.commit()
    assert api.post(url(festival.id), json=BODY).status_code == 404
    assert api.post(url(festival.id + 1000), json=BODY).status_code == 404


def test_only_the_organizers_list_and_decide(session, api):
    world = noticed_festival(session)
    objection_id = api.post(url(world.festival.id), json=BODY).get_json()["id"]
    stranger = factories.make_user(
        session, role="organizer", organization=factories.make_organization(session)
    )
    leader = factories.make_user(session, role="leader")
    session.commit()
    decision = f"/api/v1/objections/{objection_id}/decision"
    answer = {"outcome": "rejected", "reply": "经复核，计时无误。"}
    assert api.get(url(world.festival.id)).status_code == 401
    assert api.post(decision, json=answer).status_code == 401
    for user in (stranger, leader):
        caller = api.as_user(user)
        assert caller.get(url(world.festival.id)).status_code == 403
        assert caller.post(decision, json=answer).status_code == 403
    organizer = api.as_user(world.organizer)
    assert organizer.post("/api/v1/objections/999999/decision", json=answer).status_code == 404


def test_the_organizer_lists_and_decides_once(session, api, count_queries):
    world = noticed_festival(session)
    first = api.post(url(world.festival.id), json={**BODY, "award_id": world.award.id})
    api.post(
        url(world.festival.id),
        json={**BODY, "program_id": world.other_program.id, "organization": "老年大学"},
    )
    organizer = api.as_user(world.organizer)
    objection_id = first.get_json()["id"]
    decision = f"/api/v1/objections/{objection_id}/decision"
    assert organizer.post(decision, json={"outcome": "maybe", "reply": "x"}).status_code == 422
    assert organizer.post(decision, json={"outcome": "upheld", "reply": " "}).status_code == 422
    response = organizer.post(decision, json={"outcome": "upheld", "reply": "已更正。"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["reply"], body["id"]) == ("upheld", "已更正。", objection_id)
    assert body["decided_at"] is not None
    again = organizer.post(decision, json={"outcome": "rejected", "reply": "再议"})
    assert again.status_code == 409
    listing = organizer.get(url(world.festival.id)).get_json()
    assert listing["total"] == 2
    # open ones first
    assert [item["status"] for item in listing["items"]] == ["open", "upheld"]
    assert set(listing["items"][0]) == {
        "id",
        "reference",
        "status",
        "award_id",
        "program_id",
        "name",
        "phone",
        "organization",
        "text",
        "reply",
        "created_at",
        "decided_at",
    }
    assert listing["items"][0]["phone"] == "13800001234"
    assert listing["items"][0]["program_id"] == world.other_program.id
    with count_queries() as few:
        organizer.get(url(world.festival.id))
    for _ in range(5):
        api.post(url(world.festival.id), json=BODY, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    with count_queries() as many:
        assert organizer.get(url(world.festival.id)).get_json()["total"] == 7
    assert len(few) == len(many)


def test_the_openapi_document_describes_the_objection_endpoints(api):
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/festivals/{festival_id}/objections"]
    assert "get" in paths["/api/v1/festivals/{festival_id}/objections"]
    assert "post" in paths["/api/v1/objections/{objection_id}/decision"]


def test_the_window_is_the_festivals_notice_until(session, api):
    world = noticed_festival(session)
    festival = session.get(Festival, world.festival.id)
    festival.notice_until = utcnow() - timedelta(seconds=1)
    session.commit()
    assert api.post(url(festival.id), json=BODY).status_code == 409
