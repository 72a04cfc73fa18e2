"""The public award pages over HTTP: the list, its spreadsheets, certificates and their
verification; nothing before publication, to anyone; the demo's city and province lists."""

import csv
import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from festival.awards.models import Award
from festival.awards.services import create_award, publish, unpublish
from festival.core.clock import utcnow
from festival.festivals.models import Festival, FestivalStatus
from festival.public.queries import chinese_date
from festival.public.views import qr_svg
from festival.web.labels import AWARD_TIER
from festival.web.templating import zoned_datetime
from tests import factories

HEADER = ["奖项", "奖项名称", "节目", "团体", "单位", "类别", "得分", "证书编号"]


class AwardTable(HTMLParser):
    """The rows of the award list page: (tier, recipient, title, troupe, organisation,
    category, score, certificate number), in page order."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.tier = None
        self.cell: list[str] | None = None
        self.row: list[str] | None = None
        self.title_span = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-tier" in attrs:
            self.tier = attrs["data-tier"]
        elif tag == "tr" and "data-certificate" in attrs:
            self.row = [self.tier]
        elif self.row is not None and tag in ("th", "td"):
            self.cell = []
        elif self.row is not None and tag == "span" and "award-title" in attrs.get("class", ""):
            self.title_span = True

    def handle_endtag(self, tag):
        if tag == "span" and self.title_span:
            self.title_span = False
        elif tag in ("th", "td") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        if self.title_span:
            self.row.append(("title", data.strip()))
        elif self.cell is not None:
            self.cell.append(data)


def page_rows(html: str) -> list[dict]:
    parser = AwardTable()
    parser.feed(html)
    rows = []
    for row in parser.rows:
        titles = [item[1] for item in row if isinstance(item, tuple)]
        cells = [item for item in row if not isinstance(item, tuple)]
        tier, recipient, troupe, organization, category, score, number = cells
        title = titles[0] if titles else ""
        recipient = recipient.removesuffix(title).strip()
        rows.append(
            {
                "tier": tier,
                "recipient": recipient,
                "title": title,
                "troupe": troupe,
                "organization": organization,
                "category": category,
                "score": score,
                "certificate": number,
            }
        )
    return rows


def awarded_festival(
    session,
    *,
    awards: int = 3,
    published: bool = True,
    notice_days: int = 0,
    published_at=None,
    title: str = "",
    status: str = "screening",
    suffix: str = "",
):
    """A city festival with ``awards`` third prizes to programs and an organisation award."""
    city = factories.make_organization(session, name=f"南通市老龄办{suffix}", level="city")
    district = factories.make_organization(session, name=f"崇川区老龄办{suffix}", parent=city)
    festival = factories.make_festival(
        session, organization=city, level="city", name=f"首届南通市老年特色文化艺术节{suffix}"
    )
    organizer = factories.make_user(session, role="organizer", organization=city)
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=district)
    for index in range(awards):
        program = factories.make_program(
            session, festival=festival, troupe=troupe, title=f"节目{index + 1}", performers=1
        )
        create_award(
            session,
            festival=festival,
            tier="third",
            program_id=program.id,
            title=title if index == 0 else "",
            actor=organizer,
            now=factories.NOW,
        )
    festival.status = FestivalStatus(status)
    create_award(
        session,
        festival=festival,
        tier="organization",
        organization_id=district.id,
        title="优秀组织奖",
        actor=organizer,
        now=factories.NOW,
    )
    if published:
        publish(
            session,
            festival=festival,
            notice_days=notice_days,
            actor=organizer,
            now=published_at or utcnow() - timedelta(days=30),
        )
    session.commit()
    return festival


def public_urls(session, festival) -> dict[str, str]:
    number = (
        session.execute(
            select(Award.certificate_number)
            .where(Award.festival_id == festival.id)
            .order_by(Award.id)
        )
        .scalars()
        .first()
    )
    return {
        "list": f"/festivals/{festival.slug}/awards",
        "csv": f"/festivals/{festival.slug}/awards.csv",
        "xlsx": f"/festivals/{festival.slug}/awards.xlsx",
        "print": f"/festivals/{festival.slug}/awards?print=1",
        "certificate": f"/certificates/{number}",
        "verify": f"/certificates/{number}/verify",
    }


@pytest.mark.parametrize("viewer", ["anonymous", "leader", "organizer"])
def test_nothing_is_public_before_publication(app, session, client, viewer):
    festival = awarded_festival(session, published=False)
    if viewer == "organizer":
        organizer = factories.make_user(
            session, role="organizer", organization=festival.organization
        )
        session.commit()
        client.login(organizer.username)
    elif viewer == "leader":
        leader = factories.make_user(session, role="leader")
        session.commit()
        client.login(leader.username)
    for name, url in public_urls(session, festival).items():
        assert client.get(url).status_code == 404, name
    page = client.get(f"/festivals/{festival.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/awards" not in html and "节目1" not in html


def test_a_draft_festival_has_no_public_page(app, session, client):
    festival = factories.make_festival(session, status="draft")
    session.commit()
    assert client.get(f"/festivals/{festival.slug}").status_code == 404
    assert client.get("/festivals/no-such-festival").status_code == 404
    assert client.get("/festivals/no-such-festival/awards").status_code == 404
    assert client.get("/certificates/2026-0000-00000").status_code == 404
    assert client.get("/certificates/2026-0000-00000/verify").status_code == 404


def test_the_numeric_festival_url_still_reaches_the_festival_page(app, session, client):
    festival = awarded_festival(session)
    old = client.get(f"/festivals/{festival.id}", headers={"Accept-Language": "en"})
    assert old.status_code == 200
    assert "Minimum performer age" in old.get_data(as_text=True)  # festivals.show, not ours
    assert f'href="/festivals/{festival.slug}/awards"' in client.get(
        f"/festivals/{festival.slug}"
    ).get_data(as_text=True)


def test_unpublishing_during_the_notice_period_takes_every_page_down(app, session, client):
    festival = awarded_festival(session, notice_days=7, published_at=utcnow())
    urls = public_urls(session, festival)
    assert all(client.get(url).status_code == 200 for url in urls.values())
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    unpublish(session, festival=session.get(Festival, festival.id), actor=organizer, now=utcnow())
    session.commit()
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name


@pytest.mark.parametrize("viewer", ["anonymous", "leader"])
def test_the_published_list_shows_every_award_by_tier(app, session, client, viewer):
    festival = awarded_festival(session, title="舞蹈类节目三等奖")
    if viewer == "leader":
        leader = factories.make_user(session, role="leader")
        session.commit()
        client.login(leader.username)
    response = client.get(f"/festivals/{festival.slug}/awards")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert festival.name in html and "南通市老龄办" in html
    rows = page_rows(html)
    assert [row["tier"] for row in rows] == ["third"] * 3 + ["organization"]
    assert rows[0]["recipient"] == "《节目1》" and rows[0]["title"] == "舞蹈类节目三等奖"
    assert rows[0]["troupe"] == "万年表歌舞团" and rows[0]["organization"] == "崇川区老龄办"
    assert rows[0]["category"] == "舞蹈"
    assert rows[-1] == {
        **rows[-1],
        "recipient": "崇川区老龄办",
        "title": "优秀组织奖",
        "troupe": "",
        "organization": "崇川区老龄办",
    }
    assert html.index('data-tier="third"') < html.index('data-tier="organization"')
    for url in public_urls(session, festival).values():
        assert client.get(url).status_code == 200, url
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\ssrc=)", html)


def test_the_banner_says_under_public_notice_until_the_date(app, session, client):
    festival = awarded_festival(session, notice_days=7, published_at=utcnow())
    html = client.get(
        f"/festivals/{festival.slug}/awards", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "is-notice" in html and "is-final" not in html
    with app.test_request_context(headers={"Accept-Language": "en"}):
        until = zoned_datetime(session.get(Festival, festival.id).notice_until, "Asia/Shanghai")
    banner = re.search(r'<p class="notice-banner is-notice".*?</p>', html, re.S).group(0)
    assert f"Under public notice until {until} (公示)" in banner
    page = client.get(f"/festivals/{festival.slug}", headers={"Accept-Language": "en"})
    assert f"Under public notice until {until}" in page.get_data(as_text=True)


def test_after_the_notice_period_the_results_are_final(app, session, client):
    festival = awarded_festival(session, notice_days=7, published_at=utcnow() - timedelta(days=8))
    html = client.get(
        f"/festivals/{festival.slug}/awards", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    # Since issue 19 the organizer makes them final after the period.
    assert "is-ended" in html and "is-notice" not in html and "is-final" not in html
    festival.status, festival.finalized_at = FestivalStatus.final, utcnow()
    session.commit()
    html = client.get(
        f"/festivals/{festival.slug}/awards", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "is-final" in html and "is-notice" not in html and "The results are final" in html


def test_xlsx_and_csv_hold_the_rows_of_the_page(app, session, client):
    festival = awarded_festival(session, awards=4)
    rows = page_rows(client.get(f"/festivals/{festival.slug}/awards").get_data(as_text=True))
    response = client.get(f"/festivals/{festival.slug}/awards.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert len(values) == len(rows) + 1
    for row, cells in zip(rows, values[1:], strict=True):
        tier_label, title, program, troupe, organization, category, score, number = cells
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            assert tier_label == str(AWARD_TIER[row["tier"]])
        assert (title or "") == row["title"]
        assert (f"《{program}》" if program else organization) == row["recipient"]
        assert (troupe or "", organization, category or "") == (
            row["troupe"],
            row["organization"],
            row["category"],
        )
        assert ("" if score is None else f"{score:.2f}") == row["score"]
        assert number == row["certificate"]
    csv_response = client.get(f"/festivals/{festival.slug}/awards.csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    assert csv_response.content_type.startswith("text/csv")
    assert "attachment;" in csv_response.headers["Content-Disposition"]
    csv_rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert csv_rows[0] == HEADER
    assert [r[7] for r in csv_rows[1:]] == [row["certificate"] for row in rows]


def test_a_title_that_looks_like_a_formula_is_neutralised_in_exports(app, session, client):
    festival = awarded_festival(session, title='=HYPERLINK("http://evil")')
    sheet = load_workbook(
        io.BytesIO(client.get(f"/festivals/{festival.slug}/awards.xlsx").data)
    ).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert not any(isinstance(t, str) and t.startswith("=") for t in titles)
    text = client.get(f"/festivals/{festival.slug}/awards.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


@pytest.mark.parametrize("page", ["list", "csv", "xlsx", "certificate", "verify"])
def test_public_pages_cost_the_same_queries_for_3_and_30_awards(
    app, session, client, count_queries, page
):
    small = awarded_festival(session, awards=3, suffix="（小）")
    large = awarded_festival(session, awards=30, suffix="（大）")
    counts = []
    for festival in (small, large):
        url = public_urls(session, festival)[page]
        client.get(url)  # warm up
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # the verify page adds the path: a query per level and its results and awards
    assert counts[0] <= (9 if page == "verify" else 3), counts


def test_a_certificate_names_recipient_tier_issuer_date_and_carries_a_qr_code(app, session, client):
    festival = awarded_festival(
        session, title="舞蹈类节目三等奖", published_at=utcnow() - timedelta(days=30)
    )
    urls = public_urls(session, festival)
    response = client.get(urls["certificate"])
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    number = urls["certificate"].rsplit("/", 1)[1]
    assert number in html and festival.name in html and "南通市老龄办" in html
    assert "万年表歌舞团" in html and "《节目1》" in html and "舞蹈类节目三等奖" in html
    published = session.get(Festival, festival.id).published_at
    assert chinese_date(published.astimezone(ZoneInfo("Asia/Shanghai")).date()) in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert "style=" not in svg and 'class="qr"' in svg
    verify_url = f"http://localhost/certificates/{number}/verify"
    assert svg == str(qr_svg(verify_url)), "the QR code encodes the verify URL"
    assert verify_url in html
    assert 'style="' not in html and not re.search(r"<script(?![^>]*\ssrc=)", html)


def test_the_qr_code_is_inline_svg_without_style_attributes():
    import segno

    url = "http://example.org/certificates/2026-0001-00001/verify"
    svg = str(qr_svg(url))
    assert svg.startswith("<svg") and "style" not in svg and "<?xml" not in svg
    assert svg == segno.make(url, error="m").svg_inline(
        omitsize=True, svgclass="qr", lineclass=None, border=2
    )


def test_verify_page_confirms_the_certificate_and_shows_the_path(app, session, client):
    festival = awarded_festival(session)
    html = client.get(public_urls(session, festival)["verify"]).get_data(as_text=True)
    assert "万年表歌舞团《节目1》" in html and festival.name in html
    assert "program-path" in html and 'aria-current="step"' in html


def test_chinese_dates_are_written_as_on_official_documents():
    assert chinese_date(date(2026, 6, 22)) == "二〇二六年六月二十二日"
    assert chinese_date(date(2026, 10, 1)) == "二〇二六年十月一日"
    assert chinese_date(date(2030, 12, 30)) == "二〇三〇年十二月三十日"
    assert chinese_date(date(2026, 11, 10)) == "二〇二六年十一月十日"


def demo_festivals(app, session) -> dict[str, Festival]:
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    return {f.level.value: f for f in session.execute(select(Festival)).scalars() if f.year == 2026}


def test_demo_city_list_has_the_six_programs_and_the_organisation_award(app, session, client):
    city = demo_festivals(app, session)["city"]
    rows = page_rows(client.get(f"/festivals/{city.slug}/awards").get_data(as_text=True))
    by_tier: dict[str, list[dict]] = {}
    for row in rows:
        by_tier.setdefault(row["tier"], []).append(row)
    assert [row["recipient"] for row in by_tier["second"]] == ["《和谐大家园》"]
    assert len(by_tier["third"]) == 2 and len(by_tier["excellence"]) == 3
    [organization] = by_tier["organization"]
    assert organization["recipient"] == "通州区老龄工作委员会办公室"
    assert organization["title"] == "优秀组织奖"
    assert list(by_tier) == ["second", "third", "excellence", "organization"]


def test_demo_province_list_has_the_dance_second_prize_and_the_path(app, session, client):
    province = demo_festivals(app, session)["province"]
    html = client.get(f"/festivals/{province.slug}/awards").get_data(as_text=True)
    [row] = page_rows(html)
    assert row["tier"] == "second" and row["recipient"] == "《和谐大家园》"
    assert row["category"] == "舞蹈"  # the dance category's second prize, by allocation
    verify = client.get(f"/certificates/{row['certificate']}/verify").get_data(as_text=True)
    levels = re.findall(r'data-level="(\w+)"', verify)
    assert levels == ["district", "city", "province"]
    assert "二等奖" in verify and "<dd>舞蹈</dd>" in verify
    # The district never published its screening: its ranks stay off the public page.
    district_step = verify.split('data-level="district"')[1].split('data-level="city"')[0]
    assert "path-rounds" not in district_step
