"""The objection pages: the link and the counts on the public award list (never names), the
public form with CSRF and its receipt, the closed page after the notice period, and the
organizer's queue with its decisions."""

import re

from sqlalchemy import select

from festival.notice.models import Objection, ObjectionStatus
from tests import factories
from tests.notice.world import noticed_festival

EN = {"Accept-Language": "en"}
FORM = {
    "name": "张秀英",
    "phone": "138 0000 1234",
    "organization": "崇川区老年大学",
    "award_id": "",
    "text": "第一名的节目超时了。",
}


def form_url(festival) -> str:
    return f"/festivals/{festival.slug}/objections/new"


def send(client, festival, **fields):
    return client.post_form(form_url(festival), {**FORM, **fields}, headers=EN)


def test_the_public_list_links_the_form_during_the_notice_period(session, client):
    world = noticed_festival(session)
    html = client.get(f"/festivals/{world.festival.slug}/awards", headers=EN).get_data(as_text=True)
    assert form_url(world.festival) in html
    assert "Objections received: 0; decided: 0." in html


def test_the_form_offers_the_lists_awards_and_states_the_rules(session, client):
    world = noticed_festival(session)
    response = client.get(form_url(world.festival), headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{world.award.id}"' in html
    assert "《茉莉花》" in html
    assert "The award list as a whole" in html
    assert "real name" in html and "seen only by the organiser" in html
    assert 'name="csrf_token"' in html


def test_an_objection_sent_shows_its_reference_large(session, client):
    world = noticed_festival(session)
    response = send(client, world.festival, award_id=str(world.award.id))
    assert response.status_code == 302, response.get_data(as_text=True)
    receipt = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    objection = session.execute(select(Objection)).scalar_one()
    assert objection.award_id == world.award.id
    assert objection.name == "张秀英"
    assert re.search(
        rf'class="objection-reference">\s*{re.escape(objection.reference)}\s*<', receipt
    )
    assert "What happens next" in receipt


def test_the_form_refuses_a_post_without_its_csrf_token(session, client):
    world = noticed_festival(session)
    response = client.post(form_url(world.festival), data=FORM, headers=EN)
    assert response.status_code == 400
    assert session.execute(select(Objection.id)).first() is None


def test_bad_fields_come_back_on_the_form(session, client):
    world = noticed_festival(session)
    response = send(client, world.festival, phone="12", text=" ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html and 'id="text-error"' in html
    assert session.execute(select(Objection.id)).first() is None


def test_the_sixth_from_one_address_in_an_hour_is_429(session, client):
    world = noticed_festival(session)
    for _ in range(5):
        assert send(client, world.festival).status_code == 302
    response = send(client, world.festival)
    assert response.status_code == 429
    assert "within an hour" in response.get_data(as_text=True)


def test_after_the_notice_period_the_form_says_when_it_ended(session, client):
    world = noticed_festival(session, days_left=-1)
    response = client.get(form_url(world.festival), headers=EN)
    assert response.status_code == 409
    assert "The notice period ended on" in response.get_data(as_text=True)
    assert send(client, world.festival).status_code == 409
    html = client.get(f"/festivals/{world.festival.slug}/awards", headers=EN).get_data(as_text=True)
    assert form_url(world.festival) not in html
    assert "Objections received: 0; decided: 0." in html


def test_an_unpublished_list_has_no_form(session, client):
    world = noticed_festival(session)
    festival = world.festival
    festival.status, festival.published_at = "screening", None
    session.commit()
    assert client.get(form_url(festival)).status_code == 404


def test_the_public_counts_never_name_who_objected(session, client, count_queries):
    world = noticed_festival(session)
    send(client, world.festival)
    send(client, world.festival, name="李桂兰", phone="139 1111 2222")
    objection = session.execute(select(Objection).limit(1)).scalar_one()
    objection.status = ObjectionStatus.rejected
    objection.reply = "计时无误"
    session.commit()
    slug = world.festival.slug
    client.get(f"/festivals/{slug}/awards")  # warm: what a first request sets up once
    with count_queries() as few:
        html = client.get(f"/festivals/{slug}/awards", headers=EN).get_data(as_text=True)
    assert "Objections received: 2; decided: 1." in html
    for private in ("张秀英", "李桂兰", "138 0000 1234", "计时无误", "老年大学"):
        assert private not in html
    send(client, world.festival, name="王芳")
    with count_queries() as more:
        client.get(f"/festivals/{slug}/awards", headers=EN)
    assert len(few) == len(more)


def test_the_queue_shows_open_ones_first_with_a_decision_form(session, client, count_queries):
    world = noticed_festival(session)
    send(client, world.festival, award_id=str(world.award.id))
    send(client, world.festival, name="李桂兰")
    first = session.execute(select(Objection).order_by(Objection.id)).scalars().first()
    first_id = first.id
    client.login(world.organizer.username)
    queue = f"/festivals/{world.festival.id}/objections"
    response = client.post_form(
        f"/objections/{first_id}/decision",
        {f"o{first_id}-outcome": "rejected", f"o{first_id}-reply": "经复核，计时无误。"},
        headers=EN,
    )
    assert response.status_code == 302
    with count_queries() as few:
        html = client.get(queue, headers=EN).get_data(as_text=True)
    assert html.index("李桂兰") < html.index("张秀英")  # the open one first
    assert "138 0000 1234" in html and "崇川区老年大学" in html
    assert "经复核，计时无误。" in html
    assert "《茉莉花》" in html
    assert html.count('class="objection-decide"') == 1
    again = client.post_form(
        f"/objections/{first_id}/decision",
        {f"o{first_id}-outcome": "upheld", f"o{first_id}-reply": "再议"},
        headers=EN,
    )
    assert again.status_code == 409
    for _ in range(3):
        send(client, world.festival, name="王芳")
    with count_queries() as more:
        client.get(queue, headers=EN)
    assert len(few) == len(more)


def test_a_decision_without_a_reply_comes_back_with_the_error(session, client):
    world = noticed_festival(session)
    send(client, world.festival)
    objection_id = session.execute(select(Objection.id)).scalar_one()
    client.login(world.organizer.username)
    response = client.post_form(
        f"/objections/{objection_id}/decision", {f"o{objection_id}-outcome": "upheld"}
    )
    assert response.status_code == 422
    assert f'id="o{objection_id}-reply-error"' in response.get_data(as_text=True)
    assert session.get(Objection, objection_id).status is ObjectionStatus.open


def test_the_queue_is_for_the_festivals_organizers_only(session, client):
    world = noticed_festival(session)
    send(client, world.festival)
    objection_id = session.execute(select(Objection.id)).scalar_one()
    stranger = factories.make_user(
        session, role="organizer", organization=factories.make_organization(session)
    )
    session.commit()
    assert client.get(f"/festivals/{world.festival.id}/objections").status_code == 302
    client.login(stranger.username)
    assert client.get(f"/festivals/{world.festival.id}/objections").status_code == 403
    response = client.post_form(
        f"/objections/{objection_id}/decision",
        {f"o{objection_id}-outcome": "upheld", f"o{objection_id}-reply": "好"},
    )
    assert response.status_code == 403


def test_the_organizers_award_page_links_the_queue(session, client):
    world = noticed_festival(session)
    client.login(world.organizer.username)
    html = client.get(f"/festivals/{world.festival.id}/awards/manage").get_data(as_text=True)
    assert f"/festivals/{world.festival.id}/objections" in html
