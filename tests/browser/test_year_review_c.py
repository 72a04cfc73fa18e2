"""The year in review's page in Chromium (issue 24 (c)): in Chinese and English, on a phone
(390 px) and a computer (1280 px), axe-core clean, no sideways scrolling, the charts drawn;
printed, it leaves the navigation, the year picker and the download buttons off the paper.
Screenshots go to test-artifacts/issue24/c-*.png."""

from pathlib import Path

import pytest

from festival.review import figures
from tests import factories
from tests.browser.accessibility import page_problems
from tests.browser.sign_in import log_in, new_page
from tests.review.sample_b import sample_review
from tests.review.test_pages_c import record_year

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue24"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture
def district(session):
    city = factories.make_organization(session, level="city", name="南通市老龄办")
    district = factories.make_organization(
        session, level="district", name="南通市通州区老龄工作委员会办公室", parent=city
    )
    factories.make_user(session, role="organizer", organization=district, username="tongzhou")
    session.commit()
    return district


def open_page(browser, live_server, size: str, language: str, url: str):
    width, height = SIZES[size]
    context, page = new_page(
        browser, live_server, locale="zh-CN", viewport={"width": width, "height": height}
    )
    log_in(page, "tongzhou")
    if language == "en":
        page.goto("/language/en?next=/")
    response = page.goto(url)
    assert response.ok, response.status
    return context, page


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_year_in_review_reads_well_and_passes_axe(
    browser, live_server, session, district, monkeypatch, size, language
):
    monkeypatch.setattr(
        figures,
        "year_in_review",
        lambda session, *, organization_id, year: sample_review(
            organization_id, name=district.name, year=year
        ),
    )
    context, page = open_page(
        browser, live_server, size, language, f"/organizations/{district.id}/years/2026"
    )
    try:
        assert page.locator("h1").inner_text().startswith(district.name)
        for chart in ("#chart-awards", "#chart-sessions", "#chart-attendance"):
            assert page.locator(chart).is_visible(), chart
        # The downloads are large links, whole on the screen.
        download = page.locator("a.review-download").first
        box = download.bounding_box()
        assert box["height"] >= 48 and box["x"] + box["width"] <= SIZES[size][0]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"c-{size}-{language}.png"), full_page=True)
        problems = page_problems(page, lang="en" if language == "en" else "zh-CN")
        assert not problems, "\n".join(problems)

        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()
        assert not page.locator(".year-picker").is_visible()
        assert not page.locator("a.review-download").first.is_visible()
        assert page.locator(".review-report").is_visible()
    finally:
        context.close()


def test_the_recorded_year_and_an_empty_one_pass_axe(browser, live_server, session, district):
    admin = factories.make_user(session, role="admin")
    record_year(session, district, admin)
    context, page = open_page(
        browser, live_server, "phone", "zh", f"/organizations/{district.id}/years/2026"
    )
    try:
        assert page.locator("#chart-sessions").is_visible()
        problems = page_problems(page, lang="zh-CN")
        page.locator(".year-picker a", has_text="2025").click()
        page.wait_for_url("**/years/2025")
        assert page.locator(".review-empty").is_visible()
        problems += page_problems(page, lang="zh-CN")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
