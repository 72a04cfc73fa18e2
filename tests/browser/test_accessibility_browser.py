"""axe-core and the checks of tests/browser/accessibility.py over the main pages of the demo,
as each kind of user sees them: an anonymous visitor, troupe leaders, an organizer and a judge;
in Chinese on a computer and in English on a phone. Also: the keyboard's focus is visible, and
a field refused on submission says so (aria-invalid) and names its message (aria-describedby).
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.awards.models import Award
from festival.festivals.models import Festival
from festival.judging.models import Round
from festival.programs.models import Program
from festival.troupes.models import Troupe
from tests.browser.accessibility import assert_focus_ring_after_tabs, page_problems
from tests.browser.sign_in import DEMO_PASSWORD, log_in, new_page

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def demo_pages(app, session) -> dict[str | None, list[str]]:
    """The demo's main pages by the user who opens them (None: nobody logged in)."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    festivals = {(f.year, f.level.value): f for f in session.execute(select(Festival)).scalars()}
    district, city = festivals[(2026, "district")], festivals[(2026, "city")]
    troupes = {t.name: t.id for t in session.execute(select(Troupe)).scalars()}
    dance, taichi = troupes["万年表歌舞团"], troupes["太极拳展示队"]
    first_round = (
        session.execute(
            select(Round).where(Round.festival_id == district.id).order_by(Round.position)
        )
        .scalars()
        .first()
    )
    program = (
        session.execute(
            select(Program).where(Program.festival_id == district.id, Program.troupe_id == dance)
        )
        .scalars()
        .first()
    )
    certificate = (
        session.execute(select(Award.certificate_number).where(Award.festival_id == city.id))
        .scalars()
        .first()
    )
    return {
        None: [
            "/",
            "/login",
            "/festivals",
            f"/festivals/{city.slug}",
            f"/festivals/{city.slug}/awards",
            f"/certificates/{certificate}",
            f"/certificates/{certificate}/verify",
            f"/festivals/{district.slug}/calendar",
        ],
        "leader": [
            "/",
            f"/troupes/{dance}",
            f"/festivals/{district.id}",
            f"/festivals/{district.id}/programs",
            f"/programs/{program.id}",
            f"/troupes/{dance}/calendar",
        ],
        "taichi": [
            f"/troupes/{taichi}/schedule?month=2026-10&view=month",
            f"/troupes/{taichi}/schedule?month=2026-10&view=agenda",
            f"/troupes/{taichi}/attendance",
            f"/troupes/{taichi}/events/new",
        ],
        "district": [
            "/",
            f"/festivals/{district.id}",
            f"/festivals/{district.id}/programs",
            f"/festivals/{district.id}/dashboard",
            f"/festivals/{district.id}/rounds",
            f"/rounds/{first_round.id}",
            f"/rounds/{first_round.id}/results",
            f"/festivals/{district.id}/awards/manage",
            f"/festivals/{district.id}/schedule?month=2026-10&view=month",
            "/audit",
        ],
        "judge1": [
            "/",
            "/judging",
            f"/rounds/{first_round.id}/sheet",
            f"/rounds/{first_round.id}/results",
        ],
    }


@pytest.mark.parametrize(
    ("locale", "lang", "device"),
    [
        pytest.param("zh-CN", "zh-CN", DESKTOP, id="zh"),
        pytest.param("en-US", "en", PHONE, id="en-phone"),
    ],
)
def test_the_demo_pages_pass_axe_for_every_kind_of_user(
    browser, live_server, app, session, locale, lang, device
):
    pages = demo_pages(app, session)
    problems = []
    for username, urls in pages.items():
        context, page = new_page(browser, live_server, locale=locale, **device)
        try:
            if username:
                log_in(page, username, DEMO_PASSWORD)
            for url in urls:
                response = page.goto(url)
                assert response.ok, f"{username} {url}: {response.status}"
                problems += [
                    f"{username or 'anonymous'} {url}: {problem}"
                    for problem in page_problems(page, lang=lang)
                ]
        finally:
            context.close()
    assert not problems, "\n".join(problems)


def test_focus_is_visible_and_a_refused_field_names_its_error(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    assert assert_focus_ring_after_tabs(page, 1)["text"] == "跳到正文"  # the skip link
    assert assert_focus_ring_after_tabs(page, 1)["tag"] == "A"  # on the red header
    page.goto("/login")
    # The username field takes the focus by itself; browsers apply autofocus a moment after
    # the page loads, so wait for it before pressing Tab (CI once tabbed first).
    expect(page.locator("#username")).to_be_focused()
    assert assert_focus_ring_after_tabs(page, 1)["tag"] == "INPUT"  # after the username
    assert float(page.evaluate("getComputedStyle(document.body).fontSize")[:-2]) >= 18

    page.locator("#username").fill("somebody")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    password = page.locator("#password")
    expect(password).to_have_attribute("aria-invalid", "true")
    described = password.get_attribute("aria-describedby").split()
    assert "password-error" in described
    error = page.locator("#password-error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    # The field that was right is not marked.
    assert page.locator("#username").get_attribute("aria-invalid") in (None, "false")
    assert page_problems(page, lang="zh-CN") == []
