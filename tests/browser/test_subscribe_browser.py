"""The subscribe page and the members' share page on a phone and a desktop, in Chinese and
English: the https link with a working copy button, the .ics file, the steps; the share page
logged out. Screenshots go to test-artifacts/issue17/c-*.png."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from festival.schedules.models import CalendarFeed
from tests import factories
from tests.browser import sign_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue17"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


@pytest.fixture
def leader_team(session):
    leader = factories.make_user(session, role="leader", username="taichi")
    troupe = factories.make_troupe(session, name="太极拳展示队", kind="team", leader=leader)
    session.commit()
    return troupe, leader


def new_page(browser, live_server, size, language):
    width, height = SIZES[size]
    context, page = sign_in.new_page(
        browser,
        live_server,
        locale="zh-CN",
        viewport={"width": width, "height": height},
        permissions=["clipboard-read", "clipboard-write"],
        accept_downloads=True,
    )
    if language == "en":
        page.goto("/language/en?next=/")
    return context, page


def assert_fits(page, selector):
    """The element is shown, inside the viewport's width, and at least 44 px tall."""
    box = page.locator(selector).first.bounding_box()
    width = page.viewport_size["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert box["height"] >= 44, box


def copy_and_check(page, field, language):
    button = page.locator(f"button[data-copy-from='{field}']")
    assert button.is_visible()
    assert_fits(page, f"#{field}")
    assert_fits(page, f"button[data-copy-from='{field}']")
    button.click()
    status = page.locator(f"#{field}-copied")
    status.wait_for(state="visible")
    assert status.get_attribute("aria-live") == "polite"
    if language == "en":
        expect(status).to_have_text(re.compile(r"^Copied\. "))
    else:
        expect(status).not_to_have_text("")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.locator(f"#{field}").input_value()
    return copied


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_leader_copies_the_link_downloads_the_file_and_members_open_the_share_page(
    browser, app, session, live_server, leader_team, size, language
):
    troupe, leader = leader_team
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, live_server, size, language)
    sign_in.log_in(page, leader.username)

    page.goto(f"/troupes/{troupe.id}/calendar")
    page.screenshot(path=str(ARTIFACTS / f"c-subscribe-{size}-{language}.png"), full_page=True)
    feed_url = copy_and_check(page, "feed-url", language)
    assert feed_url.startswith("http") and feed_url.endswith(".ics")
    secret = session.query(CalendarFeed.secret).filter_by(troupe_id=troupe.id).scalar()
    assert feed_url.endswith(f"/calendar/{secret}.ics")
    share_url = copy_and_check(page, "share-url", language)
    assert share_url.endswith(f"/calendars/{secret}/")

    assert_fits(page, "a.download-button")
    with page.expect_download() as download:
        page.locator("a.download-button").click()
    assert download.value.suggested_filename == "太极拳展示队.ics"
    assert Path(download.value.path()).read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert page.locator(".subscribe-qr svg.qr").is_visible()
    context.close()

    # A member, never logged in, opens the page the leader shared.
    context, member = new_page(browser, live_server, size, language)
    response = member.goto(share_url)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "太极拳展示队" in member.locator("h1").inner_text()
    xiaomi = member.locator("details", has=member.locator("summary", has_text="MIUI"))
    xiaomi.locator("summary").click()
    assert xiaomi.locator("ol li").first.is_visible()
    member.screenshot(path=str(ARTIFACTS / f"c-share-{size}-{language}.png"), full_page=True)
    assert copy_and_check(member, "feed-url", language) == feed_url
    assert_fits(member, "a.download-button")
    assert member.locator(".subscribe-qr svg.qr").is_visible()
    if language == "en":
        assert member.get_by_role("link", name="Download the calendar file (.ics)").is_visible()
    context.close()
