"""The running order through HTTP and its services: POST /api/v1/rounds/{id}/draw, PUT and GET
/api/v1/rounds/{id}/order, the organizer's order page (draw, up and down, publish), the
festival's public page and its calendar feed."""

import random
import re

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.core.errors import RoundClosed
from festival.judging import services
from festival.judging.models import Round, RoundStatus
from festival.performance import order
from tests import factories
from tests.checks import refusal

NOW = factories.NOW
EN = {"Accept-Language": "en"}
CRITERIA = [{"name": "art", "max_score": 10, "weight": 1}]


class Day:
    """A festival with two categories, twelve programs (six in each) entered in one blind or
    open round, one judge of the round, its organizer and an outsider."""

    def __init__(self, session, api, *, blind=False):
        self.session = session
        self.festival = factories.make_festival(session)
        self.organizer = factories.make_user(
            session, role="organizer", organization=self.festival.organization
        )
        self.judge = factories.make_user(session, role="judge")
        self.outsider = factories.make_user(session, role="organizer")
        dance, song = self.festival.categories
        self.programs = [
            factories.make_program(
                session,
                festival=self.festival,
                category=dance if n % 2 else song,
                title=f"节目{n:02d}",
            )
            for n in range(12)
        ]
        self.round = services.create_round(
            session,
            festival=self.festival,
            name="决赛",
            aggregation="mean",
            criteria=CRITERIA,
            is_blind=blind,
            actor=self.organizer,
            now=NOW,
        )
        services.assign_judge(
            session, round_=self.round, user_id=self.judge.id, actor=self.organizer, now=NOW
        )
        services.add_entries(
            session,
            round_=self.round,
            program_ids=[p.id for p in self.programs],
            actor=self.organizer,
            now=NOW,
        )
        session.commit()
        self.ids = sorted(p.id for p in self.programs)
        self.by_category = [
            sorted(p.id for p in self.programs if p.category_id == c.id) for c in (dance, song)
        ]
        self.api = api
        self.as_organizer = api.as_user(self.organizer)

    def draw(self, **body):
        return self.as_organizer.post(f"/api/v1/rounds/{self.round.id}/draw", json=body)


@pytest.fixture
def day(session, api):
    return Day(session, api)


def repeat(seed, ids, categories=None):
    """The method the page documents, written again here."""
    rng = random.Random(seed)
    if categories is None:
        ids = sorted(ids)
        rng.shuffle(ids)
        return ids
    out = []
    for group in categories:
        group = sorted(group)
        rng.shuffle(group)
        out += group
    return out


def test_a_draw_with_a_seed_gives_the_documented_order_and_is_audited(day, session):
    response = day.draw(seed="festival-2026")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["seed"] == "festival-2026"
    assert [i["program_id"] for i in body["items"]] == repeat("festival-2026", day.ids)
    assert [i["position"] for i in body["items"]] == list(range(1, 13))
    assert set(body["items"][0]) == {
        "position",
        "program_id",
        "title",
        "troupe_name",
        "category_name",
    }
    again = day.draw(seed="festival-2026").get_json()
    assert again == body
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "draw_order").order_by(AuditEntry.id)
    ).all()
    assert len(entries) == 2
    assert entries[0].changes["seed"] == "festival-2026"
    assert entries[0].changes["order"] == repeat("festival-2026", day.ids)


def test_a_draw_without_a_seed_makes_one_and_by_category_keeps_categories_together(day):
    body = day.draw(group_by_category=True).get_json()
    assert re.fullmatch(r"[0-9a-f]{16}", body["seed"])
    order_ids = [i["program_id"] for i in body["items"]]
    assert order_ids == repeat(body["seed"], [], day.by_category)
    assert sorted(order_ids[:6]) == day.by_category[0]


def test_set_order_by_hand_names_what_is_missing_duplicated_or_unknown(day, session):
    day.draw(seed="s")
    path = f"/api/v1/rounds/{day.round.id}/order"
    wrong = day.ids[:10] + [day.ids[0], 999999]
    error = refusal(
        day.as_organizer.put(path, json={"program_ids": wrong}), 422, "validation_error"
    )
    text = " ".join(error["fields"]["program_ids"])
    assert str(day.ids[10]) in text and str(day.ids[11]) in text and "999999" in text
    wanted = list(reversed(day.ids))
    response = day.as_organizer.put(path, json={"program_ids": wanted})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["seed"] == "s"
    assert [i["program_id"] for i in body["items"]] == wanted
    assert body["items"][0]["checked_in"] is False
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "set_running_order")
    ).one()
    assert audit.changes["order"] == wanted and audit.changes["by_hand"] is True
    session.expire_all()
    rows = order.running_order(session, day.round.id)
    assert order.changed_by_hand(session, session.get(Round, day.round.id), rows)


def test_who_may_draw_and_read_the_order(day, api, client):
    path = f"/api/v1/rounds/{day.round.id}"
    assert client.post(f"{path}/draw", json={}).status_code == 401
    refusal(api.as_user(day.judge).post(f"{path}/draw", json={}), 403, "forbidden")
    refusal(api.as_user(day.outsider).post(f"{path}/draw", json={}), 404, "not_found")
    refusal(day.as_organizer.post("/api/v1/rounds/999999/draw", json={}), 404, "not_found")
    refusal(day.draw(seed="x" * 65), 422, "validation_error")
    day.draw(seed="s")
    assert client.get(f"{path}/order").status_code == 401
    refusal(api.as_user(day.outsider).get(f"{path}/order"), 404, "not_found")
    judge_view = api.as_user(day.judge).get(f"{path}/order")
    assert judge_view.status_code == 200
    assert judge_view.get_json()["items"][0]["troupe_name"] is not None
    order.publish_order(day.session, round_=day.round, published=True, actor=day.organizer, now=NOW)
    day.session.commit()
    public = client.get(f"{path}/order")
    assert public.status_code == 200
    assert [i["program_id"] for i in public.get_json()["items"]] == repeat("s", day.ids)


def test_a_blind_rounds_judges_see_no_troupe_names(session, api):
    blind = Day(session, api, blind=True)
    blind.draw(seed="s")
    items = api.as_user(blind.judge).get(f"/api/v1/rounds/{blind.round.id}/order").get_json()
    assert {i["troupe_name"] for i in items["items"]} == {None}
    organizer = blind.as_organizer.get(f"/api/v1/rounds/{blind.round.id}/order").get_json()
    assert None not in {i["troupe_name"] for i in organizer["items"]}


def test_a_closed_rounds_order_is_history(day, session):
    day.draw(seed="s")
    session.get(Round, day.round.id).status = RoundStatus.closed
    session.commit()
    refusal(day.draw(seed="t"), 409, "round_closed")
    refusal(
        day.as_organizer.put(f"/api/v1/rounds/{day.round.id}/order", json={"program_ids": day.ids}),
        409,
        "round_closed",
    )
    with pytest.raises(RoundClosed):
        order.publish_order(session, round_=day.round, published=True, actor=day.organizer, now=NOW)


def test_running_order_is_one_query_and_lists_unplaced_entries_last(day, session, count_queries):
    day.draw(seed="s")
    late = factories.make_program(session, festival=day.festival, title="迟到")
    services.add_entries(
        session, round_=day.round, program_ids=[late.id], actor=day.organizer, now=NOW
    )
    round_id = day.round.id
    session.commit()
    with count_queries() as queries:
        rows = order.running_order(session, round_id)
    assert len(queries) == 1
    assert [r.program_id for r in rows] == [*repeat("s", day.ids), late.id]
    assert rows[-1].position is None


def test_the_order_page_draws_moves_and_publishes_to_the_festival_page_and_feed(
    day, client, session, ical_check
):
    client.login(day.organizer.username)
    page = client.get(f"/rounds/{day.round.id}")
    assert f"/rounds/{day.round.id}/order" in page.get_data(as_text=True)
    response = client.post_form(
        f"/rounds/{day.round.id}/order/draw", {"seed": "abc", "by_category": ""}
    )
    assert response.status_code == 302
    html = client.get(f"/rounds/{day.round.id}/order").get_data(as_text=True)
    drawn = repeat("abc", day.ids)
    assert "abc" in html and "random.Random(seed)" in html
    first, second = drawn[0], drawn[1]
    response = client.post_form(
        f"/rounds/{day.round.id}/order/move", {"program_id": second, "direction": "up"}
    )
    assert response.status_code == 302
    now_order = [r.program_id for r in order.running_order(session, day.round.id)]
    assert now_order[:2] == [second, first]
    html = client.get(f"/rounds/{day.round.id}/order", headers=EN).get_data(as_text=True)
    assert "then changed by hand" in html
    public = client.get(f"/festivals/{day.festival.slug}").get_data(as_text=True)
    assert "节目" not in public.split("Running order")[-1] or "running-order" not in public
    response = client.post_form(
        f"/rounds/{day.round.id}/order/publish",
        {"on": "2026-05-01", "starts": "09:30", "ends": "11:30", "location": "文化宫剧场"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    public = client.get(f"/festivals/{day.festival.slug}").get_data(as_text=True)
    titles = {p.id: p.title for p in day.programs}
    positions = [public.index(f"《{titles[i]}》") for i in now_order]
    assert positions == sorted(positions)
    feed = client.get(f"/festivals/{day.festival.slug}/calendar.ics")
    assert feed.status_code == 200
    text = feed.get_data(as_text=True).replace("\r\n ", "")
    assert "文化宫剧场" in text and f"1. 《{titles[second]}》" in text
    occurrences = ical_check(feed.data, "2026-05-01", "2026-05-02")
    assert len(occurrences) == 1
    # A later change by hand follows into the feed; unpublishing removes the event.
    client.post_form(
        f"/rounds/{day.round.id}/order/move", {"program_id": second, "direction": "down"}
    )
    text = client.get(f"/festivals/{day.festival.slug}/calendar.ics").get_data(as_text=True)
    assert f"1. 《{titles[first]}》" in text.replace("\r\n ", "")
    client.post_form(f"/rounds/{day.round.id}/order/unpublish")
    assert session.scalar(select(Round.order_published).where(Round.id == day.round.id)) is False
    assert order.order_event(session, day.round.id) is None
    public = client.get(f"/festivals/{day.festival.slug}").get_data(as_text=True)
    assert f"《{titles[first]}》" not in public


def test_the_public_page_costs_the_same_queries_with_more_entries(
    day, client, session, count_queries
):
    day.draw(seed="s")
    order.publish_order(session, round_=day.round, published=True, actor=day.organizer, now=NOW)
    session.commit()
    url = f"/festivals/{day.festival.slug}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    more = [factories.make_program(session, festival=day.festival) for _ in range(5)]
    services.add_entries(
        session, round_=day.round, program_ids=[p.id for p in more], actor=day.organizer, now=NOW
    )
    order.draw(session, round_=day.round, seed="s", by_category=False, actor=day.organizer, now=NOW)
    session.commit()
    with count_queries() as many:
        client.get(url)
    assert len(few) == len(many)
