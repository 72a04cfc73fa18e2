"""The sound desk in Chromium at 1280×800: every track is fetched ahead ("3 / 3 loaded"),
space plays, → moves to the next program, and with the network cut the next track still
plays from the copy fetched ahead. Screenshots go to test-artifacts/issue25/E-*.png."""

from pathlib import Path

import pytest

from tests.browser.sign_in import log_in, new_page
from tests.media.sound_desk_world_e import make_mp3s, sound_day

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue25"
PLAYING = "() => { const a = document.querySelector('[data-player]'); return !a.paused && a.currentTime > 0.2; }"


@pytest.fixture(scope="module")
def mp3s(tmp_path_factory):
    return make_mp3s(tmp_path_factory.mktemp("desk-mp3s"), seconds=3)


@pytest.fixture
def desk(browser, live_server):
    context, page = new_page(browser, live_server, viewport={"width": 1280, "height": 800})
    yield context, page
    context.close()


def current_title(page) -> str:
    return page.locator(".sound-desk-row.is-current").get_attribute("data-title")


def test_tracks_load_ahead_and_play_on_after_the_network_drops(
    desk, session, festival, organizer, mp3s
):
    context, page = desk
    round_, programs, _ = sound_day(
        session, festival=festival, organizer=organizer, mp3s=mp3s, without=(2,)
    )
    log_in(page, organizer.username)
    # While the tracks are still on their way, the page must not claim they are all loaded.
    held: list = []
    released = []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/media/**", hold)
    page.goto(f"/rounds/{round_.id}/sound-desk")
    page.wait_for_function("() => document.querySelector('[data-loaded-count]') !== null")
    assert not page.locator("[data-loaded-all]").is_visible()
    released.append(True)
    for route in held:
        route.continue_()
    loaded = page.locator("[data-loaded]")
    page.wait_for_function(
        "() => document.querySelector('[data-loaded]').innerText.startsWith('3 / 3 loaded')"
    )
    assert "the show goes on" in loaded.inner_text()
    for name in ("play", "stop", "next"):
        box = page.locator(f"[data-{name}]").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    assert page.locator(".sound-desk-row.no-track").count() == 1
    assert "No track" in page.locator(".sound-desk-row.no-track").inner_text()
    assert current_title(page) == f"《{programs[0].title}》"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "E-sound-desk-1280x800.png"), full_page=True)

    page.keyboard.press("Space")
    page.wait_for_function(PLAYING)
    assert page.evaluate("document.querySelector('[data-player]').src").startswith("blob:")
    assert page.locator("[data-play]").inner_text() == "Pause"
    page.screenshot(path=str(ARTIFACTS / "E-sound-desk-playing-1280x800.png"))
    page.keyboard.press("Space")  # pauses
    assert page.evaluate("document.querySelector('[data-player]').paused")

    page.keyboard.press("ArrowRight")
    assert current_title(page) == f"《{programs[1].title}》"
    assert page.evaluate("document.querySelector('[data-player]').paused")

    context.set_offline(True)
    page.keyboard.press("Space")
    page.wait_for_function(PLAYING)
    assert page.evaluate("document.querySelector('[data-player]').src").startswith("blob:")

    page.keyboard.press("ArrowRight")  # the program that plays live
    assert current_title(page) == f"《{programs[2].title}》"
    assert page.locator("[data-note]").inner_text() == "No track for this program."
    assert page.locator("[data-play]").is_disabled()
    page.keyboard.press("ArrowRight")
    page.locator("[data-play]").click()
    page.wait_for_function(PLAYING)
    page.locator("[data-stop]").click()
    assert page.evaluate("document.querySelector('[data-player]').currentTime") == 0
