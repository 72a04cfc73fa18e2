"""The published award list grouped by category (issue 18): one heading per category, its
tiers best first, organisation awards last; the CSV and Excel in the same order with the
category as a column; the same number of queries for few and many awards. And the
organizer's allocation form: by category, a tier as a percentage, a minimum score."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from festival.awards import services
from festival.awards.models import Award
from tests import factories
from tests.awards.test_allocation_by_category import World
from tests.checks import row_count as count

NOW = factories.NOW
EN = {"Accept-Language": "en"}


def published(session, marks, office="城区文化馆") -> World:
    world = World(session, marks, office)
    world.allocate([("first", 1), ("second", 1), ("third", 10)], by_category=True)
    services.create_award(
        session,
        festival=world.festival,
        tier="organization",
        organization_id=world.office.id,
        title="优秀组织奖",
        actor=world.organizer,
        now=NOW,
    )
    services.publish(session, festival=world.festival, actor=world.organizer, now=NOW)
    session.commit()
    return world


def test_the_public_list_has_a_heading_per_category_then_its_tiers(app, session, client):
    world = published(session, {"舞蹈": ["90", "80", "70"], "歌舞": ["95", "85"]})
    html = client.get(f"/festivals/{world.festival.slug}/awards", headers=EN).get_data(as_text=True)
    headings = re.findall(r'<h2 class="award-group-head"[^>]*>([^<]+)</h2>', html)
    assert headings == ["舞蹈", "歌舞", "Other awards"]
    sections = re.findall(r'data-(category|tier)="([^"]*)"', html)
    assert sections == [
        ("category", "舞蹈"),
        ("tier", "first"),
        ("tier", "second"),
        ("tier", "third"),
        ("category", "歌舞"),
        ("tier", "first"),
        ("tier", "second"),
        ("category", ""),
        ("tier", "organization"),
    ]
    titles = re.findall(r'<cite class="program-title">《([^》]+)》</cite>', html)
    assert titles == ["舞蹈1", "舞蹈2", "舞蹈3", "歌舞1", "歌舞2"]
    assert html.rindex("歌舞2") < html.index("Other awards") < html.index("优秀组织奖")


def test_the_spreadsheets_follow_the_grouped_order_with_the_category_column(app, session, client):
    world = published(session, {"舞蹈": ["90", "80"], "歌舞": ["95", "85"]})
    body = client.get(f"/festivals/{world.festival.slug}/awards.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    category = rows[0].index("类别")
    assert [(r[category], r[0]) for r in rows[1:]] == [
        ("舞蹈", "一等奖"),
        ("舞蹈", "二等奖"),
        ("歌舞", "一等奖"),
        ("歌舞", "二等奖"),
        ("", "组织奖"),
    ]
    xlsx = client.get(f"/festivals/{world.festival.slug}/awards.xlsx").get_data()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [row for row in sheet.iter_rows(values_only=True)]
    assert [r[category] or "" for r in cells[1:]] == ["舞蹈", "舞蹈", "歌舞", "歌舞", ""]


@pytest.mark.parametrize("page", ["", ".csv"])
def test_the_grouped_list_costs_the_same_queries_for_few_and_many_awards(
    app, session, client, count_queries, page
):
    counts = []
    for size in (2, 8):
        marks = {"舞蹈": [str(90 - i) for i in range(size)], "歌舞": ["95"]}
        world = published(session, marks, office=f"文化馆{size}")
        url = f"/festivals/{world.festival.slug}/awards{page}"
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def allocation_form(round_id, **fields):
    data = {"round_id": round_id, "grouping": "by_category", "min_score": ""}
    for index in range(5):
        data[f"tiers-{index}-count"] = ""
        data[f"tiers-{index}-percent"] = ""
        data[f"tiers-{index}-min_score"] = ""
    data.update(fields)
    return data


def test_the_organizer_previews_by_category_with_a_percentage_then_saves(app, session, client):
    world = World(session, {"舞蹈": ["90", "80", "70", "60", "50"], "歌舞": ["88", "77"]})
    session.commit()
    client.login(world.organizer.username)
    manage = client.get(f"/festivals/{world.festival.id}/awards/manage", headers=EN)
    html = manage.get_data(as_text=True)
    assert re.search(r'name="grouping" type="radio" value="by_category"', html)
    assert 'name="tiers-0-percent"' in html
    assert 'name="min_score"' in html
    form = allocation_form(
        world.round.id, **{"tiers-0-percent": "40", "tiers-1-count": "1", "min_score": "75"}
    )
    preview = client.post_form(f"/festivals/{world.festival.id}/awards/preview", form, headers=EN)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    page = preview.get_data(as_text=True)
    dance, song = (
        page.index('class="manage-category-head">舞蹈'),
        page.index('class="manage-category-head">歌舞'),
    )
    assert (
        dance < page.index("《舞蹈1》") < page.index("《舞蹈2》") < song < page.index("《歌舞1》")
    )
    assert "《舞蹈3》" not in page and "《歌舞2》" not in page and "Vacant" in page
    assert 'name="tiers-0-percent" value="40' in page and 'value="by_category"' in page
    assert count(session, Award) == 0
    saved = client.post_form(f"/festivals/{world.festival.id}/awards/allocate", form, headers=EN)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    awards = session.query(Award).order_by(Award.id).all()
    assert [(a.tier.value, a.program.title) for a in awards] == [
        ("first", "舞蹈1"),
        ("first", "舞蹈2"),
        ("second", "歌舞1"),  # 《舞蹈3》 scores 70, below 75: the dance second prize is vacant
    ]
    assert all(a.category_id == a.program.category_id for a in awards)


def test_a_tier_with_a_count_and_a_percentage_is_refused_on_its_row(app, session, client):
    world = World(session, {"舞蹈": ["90", "80"]})
    session.commit()
    client.login(world.organizer.username)
    form = allocation_form(world.round.id, **{"tiers-1-count": "1", "tiers-1-percent": "50"})
    response = client.post_form(f"/festivals/{world.festival.id}/awards/preview", form, headers=EN)
    assert response.status_code == 422
    assert "Give Second prize either a number of awards or a share, not both." in (
        response.get_data(as_text=True)
    )
