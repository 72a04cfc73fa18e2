"""Twelve troupes check in on an organizer's phone (390×844): each tick posts without
reloading the page, the count climbs to "12 / 12" and the list of missing troupes empties;
an undo puts a troupe back on it. Screenshots go to test-artifacts/issue20/B-*.png."""

from pathlib import Path

import pytest

from tests.browser.sign_in import log_in, new_page
from tests.performance.day_world import entry, make_day

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue20"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(browser, live_server):
    context, page = new_page(browser, live_server, **PHONE)
    yield page
    context.close()


def test_twelve_troupes_check_in_on_a_phone(phone, session, festival, organizer):
    round_, programs = make_day(session, festival=festival, organizer=organizer, programs=12)
    log_in(phone, organizer.username)
    phone.goto(f"/rounds/{round_.id}/checkin")
    phone.evaluate("window.notReloaded = true")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "B-checkin-start-390x844.png"), full_page=True)
    count = phone.locator("[data-count]")
    missing = phone.locator("[data-missing] li")
    assert count.inner_text() == "Checked in 0 / 12"
    assert missing.count() == 12

    for done, program in enumerate(programs, start=1):
        tick = phone.locator(f'button.checkin-tick[data-program="{program.id}"]')
        box = tick.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 390  # big, on the screen
        tick.tap()
        phone.wait_for_function(
            "text => document.querySelector('[data-count]').innerText === text",
            arg=f"Checked in {done} / 12",
        )
        assert missing.count() == 12 - done
        undo = phone.locator(f'button.checkin-undo[data-program="{program.id}"]')
        assert undo.is_visible()
        assert undo.evaluate("button => button === document.activeElement")

    assert phone.evaluate("window.notReloaded === true")  # no page load between the ticks
    assert phone.locator("[data-missing-none]").inner_text() == "Every troupe has arrived."
    assert phone.evaluate("document.documentElement.scrollWidth <= 390")
    phone.screenshot(path=str(ARTIFACTS / "B-checkin-done-390x844.png"), full_page=True)
    assert all(entry(session, round_, p).checked_in_at is not None for p in programs)

    phone.locator(f'button.checkin-undo[data-program="{programs[3].id}"]').tap()
    phone.wait_for_function(
        "() => document.querySelector('[data-count]').innerText === 'Checked in 11 / 12'"
    )
    assert phone.locator("[data-missing] li").all_inner_texts() == ["4. Troupe 09"]
    assert entry(session, round_, programs[3]).checked_in_at is None
