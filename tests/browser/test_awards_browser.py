"""The published award list of the demo city festival in a real browser, as an anonymous
visitor: tiers, the organisation award, the .xlsx download, a certificate, and 404s for a
festival whose results are not published."""

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from festival.festivals.models import Festival
from festival.web.labels import AWARD_TIER

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def demo_festivals(app, session) -> dict[str, Festival]:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return {(f.year, f.level.value): f for f in session.execute(select(Festival)).scalars()}


def tier_rows(page, tier: str) -> list[list[str]]:
    rows = page.locator(f'section[data-tier="{tier}"] tbody tr')
    return [
        [" ".join(cell.split()) for cell in row.locator("th, td").all_inner_texts()]
        for row in rows.all()
    ]


def test_anonymous_visitor_reads_downloads_and_prints_the_city_award_list(
    page, app, session, tmp_path
):
    festivals = demo_festivals(app, session)
    city, district = festivals[(2026, "city")], festivals[(2026, "district")]
    next_year = festivals[(2027, "district")]
    ARTIFACTS.mkdir(exist_ok=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/festivals/{city.slug}")
    page.locator(".awards-callout a.button").click()
    page.wait_for_url(f"**/festivals/{city.slug}/awards")
    assert page.locator("h1").inner_text() == city.name
    assert page.locator(".notice-banner.is-final").count() == 1

    second = tier_rows(page, "second")
    assert len(second) == 1 and second[0][0] == "《和谐大家园》"
    assert second[0][1] == "万年表歌舞团"
    assert len(tier_rows(page, "third")) == 2
    assert len(tier_rows(page, "excellence")) == 3
    [organization] = tier_rows(page, "organization")
    assert organization[0].startswith("通州区老龄工作委员会办公室")
    assert "优秀组织奖" in organization[0]
    # The city awards by category: a heading per category, its tiers under it, the
    # organisation award last.
    groups = page.locator("section[data-category]")
    assert [groups.nth(i).get_attribute("data-category") for i in range(groups.count())] == [
        "歌舞",
        "舞蹈",
        "戏曲",
        "器乐",
        "朗诵",
        "",
    ]
    assert page.locator("h2.award-group-head").all_inner_texts()[:5] == [
        "歌舞",
        "舞蹈",
        "戏曲",
        "器乐",
        "朗诵",
    ]
    tiers = page.locator("section[data-tier]")
    order = ["second", "third", "third", "excellence", "excellence", "excellence", "organization"]
    assert [tiers.nth(i).get_attribute("data-tier") for i in range(tiers.count())] == order
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        labels = [str(AWARD_TIER[t]) for t in order]
    headings = page.locator("section[data-tier] h3").all_inner_texts()
    assert [re.sub(r"\s*（\d+）$", "", h) for h in headings] == labels
    page.screenshot(path=str(ARTIFACTS / "awards-city-list.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "awards-city-list-print.png"), full_page=True)
    assert not page.locator(".site-header").is_visible()
    page.emulate_media(media="null")  # "screen" would stay on and make page.pdf() ignore print.css

    with page.expect_download() as download_info:
        page.locator(".awards-actions a", has_text=".xlsx").click()
    download = download_info.value
    assert download.suggested_filename.endswith("获奖名单.xlsx")
    target = tmp_path / "awards.xlsx"
    download.save_as(target)
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    shown = page.locator("tr[data-certificate]")
    assert [row[7] for row in rows] == [
        shown.nth(i).get_attribute("data-certificate") for i in range(shown.count())
    ]
    assert [row[2] for row in rows[:6]] == [
        text.strip("《》") for text in page.locator("cite.program-title").all_inner_texts()
    ]
    assert rows[0][2] == "和谐大家园" and rows[-1][4] == "通州区老龄工作委员会办公室"

    page.locator("tr[data-certificate] a").first.click()
    page.wait_for_url("**/certificates/*")
    assert "万年表歌舞团" in page.locator(".certificate-recipient").inner_text()
    assert "《和谐大家园》" in page.locator(".certificate-body").inner_text()
    assert page.locator(".certificate-qr svg").count() == 1
    assert page.locator(".issued-on").inner_text() == "二〇二六年六月二十二日"
    page.screenshot(path=str(ARTIFACTS / "awards-certificate.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (ARTIFACTS / "awards-certificate.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the certificate fits one page"

    verify_url = page.locator(".certificate-verify-link a").get_attribute("href")
    page.goto(verify_url)
    assert "万年表歌舞团《和谐大家园》" in page.locator("h1").inner_text()
    assert page.locator(".path-step").count() == 3

    for festival in (district, next_year):
        for suffix in ("/awards", "/awards.xlsx", "/awards.csv"):
            response = page.request.get(f"/festivals/{festival.slug}{suffix}")
            assert response.status == 404, (festival.name, suffix)
