"""The year in review's page and its Word and Excel copies through HTTP (issue 24 (c)): who may
open them, what they show for recorded data and for an empty year, a constant number of
queries, the downloads read back, and the links that lead to the page."""

import io
import re
from datetime import UTC, datetime
from urllib.parse import unquote

import openpyxl
import pytest
from docx import Document

from festival.programs.services import withdraw_program
from festival.review import figures
from festival.review import views as review_views
from tests import factories
from tests.review.sample_b import sample_review
from tests.review.world_a import event

EN = {"Accept-Language": "en"}
YEAR = 2026
SATURDAYS = "FREQ=WEEKLY;BYDAY=SA;COUNT=10"


@pytest.fixture
def tree(session):
    """A city over two districts; under the first district a street office. An organizer of
    each, an administrator, a troupe leader and a judge."""
    city = factories.make_organization(session, level="city", name="南通市老龄办")
    district = factories.make_organization(
        session, level="district", name="通州区老龄办", parent=city
    )
    sibling = factories.make_organization(
        session, level="district", name="崇川区老龄办", parent=city
    )
    street = factories.make_organization(session, level="other", name="金沙街道", parent=district)
    users = {
        "admin": factories.make_user(session, role="admin", username="admin1"),
        "organizer": factories.make_user(
            session, role="organizer", organization=district, username="district1"
        ),
        "parent_organizer": factories.make_user(
            session, role="organizer", organization=city, username="city1"
        ),
        "child_organizer": factories.make_user(
            session, role="organizer", organization=street, username="street1"
        ),
        "sibling_organizer": factories.make_user(
            session, role="organizer", organization=sibling, username="sibling1"
        ),
        "leader": factories.make_user(session, role="leader", username="leader1"),
        "judge": factories.make_user(session, role="judge", username="judge1"),
    }
    session.commit()
    return {"city": city, "district": district, "sibling": sibling, "street": street}, users


def page_url(organization_id: int, year: int = YEAR, suffix: str = "") -> str:
    return f"/organizations/{organization_id}/years/{year}{suffix}"


def record_year(session, district, admin, *, festivals: int = 1, prefix: str = "通州区"):
    """``festivals`` festivals of the district in 2026, each with two programs (one of them
    withdrawn); a tai chi team of the district that trains on Saturdays from 3 January."""
    team = factories.make_troupe(session, name="太极拳展示队", organization=district, kind="team")
    for number in range(festivals):
        festival = factories.make_festival(
            session, organization=district, name=f"{prefix}老年文艺汇演{number + 1}"
        )
        factories.make_program(session, festival=festival, troupe=team, title=f"太极扇{number}")
        gone = factories.make_program(session, festival=festival, troupe=team)
        withdraw_program(session, program=gone, actor=admin, now=factories.NOW)
    first = datetime(2026, 1, 3, 9, 0)
    event(session, admin, team, "每周集中训练", "training", first, hours=2, rule=SATURDAYS)
    session.commit()
    return team


@pytest.mark.parametrize("suffix", ["", ".docx", ".xlsx"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 200),
        ("organizer", 200),
        ("parent_organizer", 200),
        ("child_organizer", 403),
        ("sibling_organizer", 403),
        ("leader", 403),
        ("judge", 403),
    ],
)
def test_only_admins_and_organizers_of_the_organisation_or_above_open_it(
    client, tree, role, status, suffix
):
    organizations, users = tree
    client.login(users[role].username)

    response = client.get(page_url(organizations["district"].id, suffix=suffix))

    assert response.status_code == status


@pytest.mark.parametrize("suffix", ["", ".docx", ".xlsx"])
def test_anonymous_visitors_are_sent_to_log_in(client, tree, suffix):
    organizations, _users = tree

    response = client.get(page_url(organizations["district"].id, suffix=suffix))

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("year", [1999, 2101])
def test_a_year_outside_the_festivals_range_is_not_found(client, tree, year):
    organizations, users = tree
    client.login(users["admin"].username)

    assert client.get(page_url(organizations["district"].id, year)).status_code == 404
    assert client.get(page_url(organizations["district"].id, year, ".docx")).status_code == 404


def test_an_unknown_organisation_is_not_found(client, tree):
    _organizations, users = tree
    client.login(users["admin"].username)

    assert client.get(page_url(999999)).status_code == 404
    assert client.get(page_url(999999, suffix=".xlsx")).status_code == 404


def test_the_page_shows_the_recorded_year(client, session, tree):
    organizations, users = tree
    district = organizations["district"]
    record_year(session, district, users["admin"])
    client.login(users["organizer"].username)

    response = client.get(page_url(district.id), headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>通州区老龄办 · 2026 year in review · " in html
    assert "<h1>通州区老龄办 · 2026 year in review</h1>" in html
    assert "通州区老年文艺汇演1" in html  # the festival run
    assert "太极拳展示队" in html  # the team with its sessions
    figures_block = re.search(r'<ul class="dash-stats review-figures">(.*?)</ul>', html, re.S)
    assert figures_block, html
    numbers = dict(
        (label.strip(), int(number))
        for number, label in re.findall(
            r'dash-stat-number">(\d+)</span><span class="review-figure-label">([^<]+)<',
            figures_block.group(1),
        )
    )
    assert numbers["Festivals run"] == 1
    assert numbers["Programs prepared"] == 1  # the withdrawn one is not counted
    assert numbers["Sessions and events held"] == 10
    assert 'id="chart-sessions"' in html and 'role="img"' in html
    assert page_url(district.id, suffix=".docx") in html
    assert page_url(district.id, suffix=".xlsx") in html
    # The year picker: the years around it and the ones with records, as plain links.
    assert f'href="{page_url(district.id, 2025)}"' in html
    assert f'href="{page_url(district.id, 2027)}"' in html
    assert '<span class="year-current" aria-current="page">2026</span>' in html


@pytest.fixture
def sampled(monkeypatch):
    """The figures' service answers with the sample year for any organisation."""
    monkeypatch.setattr(
        figures,
        "year_in_review",
        lambda session, *, organization_id, year: sample_review(organization_id, year=year),
    )


def test_the_page_shows_the_figures_report_tables_and_charts(client, tree, sampled):
    organizations, users = tree
    district = organizations["district"]
    client.login(users["parent_organizer"].username)

    html = client.get(page_url(district.id), headers=EN).get_data(as_text=True)

    # The results above with their tiers, the office's own award, the team's attendance.
    assert "《和谐大家园》" in html
    assert html.count("Excellence award") >= 3
    assert "优秀组织奖" in html
    assert "90 %" in html
    # The awards by level and tier: a chart, and a table beside it for screen readers.
    assert 'id="chart-awards"' in html
    crosstab = re.search(
        r'<table class="dash-chart-data review-crosstab">(.*?)</table>', html, re.S
    )
    assert crosstab and "Province" in crosstab.group(1) and "City" in crosstab.group(1)
    assert 'id="chart-attendance"' in html
    assert "October 24, 2026" in html  # the exhibition, its date as people write it
    # The report's paragraphs, from the summary.
    assert '<section class="card review-report"' in html


def test_an_empty_year_says_so_in_one_sentence_without_zeros(client, tree):
    organizations, users = tree
    client.login(users["admin"].username)

    response = client.get(page_url(organizations["district"].id, 2019), headers=EN)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nothing was recorded for 通州区老龄办 in 2019" in html
    assert "dash-stat" not in html
    assert "<table" not in html
    assert ".docx" not in html


def test_the_page_costs_the_same_queries_for_one_and_ten_festivals(
    client, session, tree, count_queries
):
    organizations, users = tree
    client.login(users["parent_organizer"].username)
    counts = []
    for organization, festivals in ((organizations["district"], 1), (organizations["sibling"], 10)):
        record_year(
            session, organization, users["admin"], festivals=festivals, prefix=str(festivals)
        )
        url = page_url(organization.id)
        client.get(url)  # warm up
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_word_document_reads_back_with_the_title_and_chinese_file_name(
    client, session, tree, sampled
):
    organizations, users = tree
    district = organizations["district"]
    client.login(users["organizer"].username)

    response = client.get(page_url(district.id, suffix=".docx"))

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    disposition = response.headers["Content-Disposition"]
    assert f'filename="year-in-review-{district.id}-2026.docx"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("通州区老龄办")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "通州区老龄办" in text
    assert "和谐大家园" in text


def test_the_workbook_reads_back_with_the_tables(client, session, tree):
    organizations, users = tree
    district = organizations["district"]
    record_year(session, district, users["admin"])
    client.login(users["admin"].username)

    response = client.get(page_url(district.id, suffix=".xlsx"))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert (
        f'filename="year-in-review-{district.id}-2026.xlsx"'
        in (response.headers["Content-Disposition"])
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
    cells = {
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }
    assert "通州区老年文艺汇演1" in cells
    assert "太极拳展示队" in cells


@pytest.fixture
def today(monkeypatch):
    """The site's clock at 7 December 2026."""
    monkeypatch.setattr(review_views, "utcnow", lambda: datetime(2026, 12, 7, 8, 0, tzinfo=UTC))


def test_the_home_page_leads_an_organizer_to_this_years_review(client, tree, today):
    organizations, users = tree
    client.login(users["organizer"].username)

    html = client.get("/", headers=EN).get_data(as_text=True)

    assert f'href="{page_url(organizations["district"].id, 2026)}"' in html
    assert "2026 year in review" in html


def test_the_current_year_is_the_offices_year_not_utcs(client, tree, monkeypatch):
    """At 01:00 on 1 January in Beijing it is still 31 December in UTC: the new year's review."""
    organizations, users = tree
    monkeypatch.setattr(review_views, "utcnow", lambda: datetime(2026, 12, 31, 17, 0, tzinfo=UTC))
    client.login(users["organizer"].username)

    html = client.get("/").get_data(as_text=True)

    assert f'href="{page_url(organizations["district"].id, 2027)}"' in html


def test_the_organisations_page_links_the_reviews_its_viewer_may_read(client, tree, today):
    organizations, users = tree
    client.login(users["organizer"].username)

    html = client.get("/admin/organizations").get_data(as_text=True)

    assert f'href="{page_url(organizations["district"].id)}"' in html
    assert f'href="{page_url(organizations["street"].id)}"' in html
    assert f'href="{page_url(organizations["city"].id)}"' not in html
    assert f'href="{page_url(organizations["sibling"].id)}"' not in html


def test_every_link_on_the_page_answers(client, session, tree):
    organizations, users = tree
    district = organizations["district"]
    record_year(session, district, users["admin"])
    client.login(users["parent_organizer"].username)

    html = client.get(page_url(district.id)).get_data(as_text=True)

    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    links = set(re.findall(r'href="(/[^"]*)"', main))
    assert len(links) >= 7, links  # crumbs, two years, two downloads, festival, team
    for link in links:
        assert client.get(link).status_code == 200, link
