"""The tai chi team's schedule in a real browser: the month view shows the 24 October
exhibition, a session is moved through the pages, and the feed URL on the subscribe page is
what calendar apps accept."""

import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.troupes.models import Troupe
from tests.browser.sign_in import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_leader_sees_the_exhibition_in_october_moves_a_session_and_subscribes(
    page, app, session, live_server, ical_check, width
):
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    troupe_id = session.execute(select(Troupe.id).where(Troupe.name == "太极拳展示队")).scalar_one()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "taichi", DEMO_PASSWORD)

    page.goto(f"/troupes/{troupe_id}/schedule?month=2026-10&view=month")
    page.screenshot(path=str(ARTIFACTS / f"schedule-october-{width}.png"), full_page=True)
    october_24 = page.locator("td.day", has=page.locator(".day-label", has_text="10月24日"))
    assert october_24.count() == 1
    assert "千名老人太极拳展示" in october_24.inner_text()
    assert "09:00" in october_24.inner_text()

    # Move the 31 October training to the afternoon: from the list, to its session, to the form.
    page.goto(f"/troupes/{troupe_id}/schedule?month=2026-10&view=agenda")
    page.locator(".agenda-day", has_text="10月31日").locator("a", has_text="每周集中训练").click()
    page.locator("#session-2026-10-31 .session-actions a[href$='/occurrences/2026-10-31']").click()
    page.fill("input[name=start_time]", "15:00")
    page.fill("input[name=end_time]", "17:00")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/events/*")

    page.goto(f"/troupes/{troupe_id}/calendar")
    page.screenshot(path=str(ARTIFACTS / f"schedule-subscribe-{width}.png"), full_page=True)
    assert page.locator(".subscribe-qr svg").count() == 1
    webcal = page.locator("a.subscribe-button").get_attribute("href")
    feed_url = page.locator("#feed-url").input_value()
    assert webcal == "webcal://" + feed_url.split("://", 1)[1]
    with urllib.request.urlopen(feed_url) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    occurrences = ical_check(body, "2026-10-24", "2026-11-01")
    assert ("2026-10-24 09:00", "2026-10-24 11:30", "千名老人太极拳展示") in occurrences
    assert ("2026-10-31 15:00", "2026-10-31 17:00", "每周集中训练") in occurrences
    assert not any(o[0] == "2026-10-31 09:00" and o[2] == "每周集中训练" for o in occurrences)
