"""Live scoring in real browsers: five judges on their own tablets (two phones at 390×844,
three tablets at 1024×768) score and confirm the program on stage while the big screen shows
the final score within 2 s of the last confirmation; a confirmed score cannot be changed."""

import pytest
from playwright.sync_api import expect

from tests.browser.sign_in import log_in, new_page
from tests.performance.live_world import LiveWorld

pytestmark = pytest.mark.browser

MARKS = [("50", "30"), ("55", "35.5"), ("40", "20"), ("58", "39"), ("45.25", "33")]
SIZES = [(390, 844), (390, 844), (1024, 768), (1024, 768), (1024, 768)]


def logged_in_page(browser, live_server, username, size):
    context, page = new_page(browser, live_server, viewport={"width": size[0], "height": size[1]})
    log_in(page, username)
    return context, page


def test_five_judges_confirm_and_the_screen_shows_the_score_within_two_seconds(
    browser, live_server, app, session
):
    world = LiveWorld(session)
    round_id = world.round.id
    contexts = []
    try:
        context, screen = logged_in_page(
            browser, live_server, world.organizer.username, (1280, 800)
        )
        contexts.append(context)
        screen.goto(f"/rounds/{round_id}/screen")
        expect(screen.locator("#screen-title")).to_have_text("《黄河0》")
        expect(screen.locator("#screen-confirmed")).to_have_text("Judges confirmed 0 / 5")
        tablets = []
        for judge, size in zip(world.judges, SIZES, strict=True):
            context, tablet = logged_in_page(browser, live_server, judge.username, size)
            contexts.append(context)
            tablet.on("dialog", lambda dialog: dialog.accept())
            tablet.goto(f"/rounds/{round_id}/live/judge")
            expect(tablet.locator("#live-title")).to_have_text("《黄河0》")
            tablets.append(tablet)
        for number, (tablet, (art, stage)) in enumerate(zip(tablets, MARKS, strict=True)):
            tablet.get_by_label("艺术表现").fill(art)
            tablet.get_by_label("舞台效果").fill(stage)
            with tablet.expect_response(lambda r: r.url.endswith("/confirm")) as confirmed:
                tablet.get_by_role("button", name="Confirm (final)").click()
            assert confirmed.value.status == 200
            if number < 4:
                expect(screen.locator("#screen-confirmed")).to_have_text(
                    f"Judges confirmed {number + 1} / 5"
                )
                expect(screen.locator("#screen-score")).to_be_hidden()
        # The last confirmation has been answered: the screen has 2 s to show the score.
        expect(screen.locator("#screen-score")).to_have_text("82.92", timeout=2000)
        expect(screen.locator("#screen-confirmed")).to_have_text("Judges confirmed 5 / 5")
        expect(screen.locator("#screen-totals del")).to_have_text(["60.00", "97.00"])
        expect(screen.locator("#screen-totals li")).to_have_count(5)
        assert "评委姓名" not in screen.content()

        first = tablets[0]
        expect(first.locator("#live-locked")).to_be_visible()
        expect(first.get_by_label("艺术表现")).to_be_disabled()
        status = first.evaluate(
            """url => fetch(url, {method: "PUT", credentials: "same-origin",
                 headers: {"Content-Type": "application/json",
                           "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content},
                 body: JSON.stringify({scores: {"艺术表现": 1, "舞台效果": 1}})}).then(r => r.status)""",
            f"/api/v1/rounds/{round_id}/scores/{world.programs[0].id}",
        )
        assert status == 409
        first.reload()
        expect(first.locator("#live-locked")).to_be_visible()
        expect(screen.locator("#screen-score")).to_have_text("82.92")
    finally:
        for context in contexts:
            context.close()
