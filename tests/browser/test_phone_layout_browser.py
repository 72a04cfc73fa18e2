"""The demo on a 390×844 phone and at 1280×800, in Chinese and in English: a refused form
opens at an error summary that has the focus and links to each field; the header is one short
row on a phone whose menu opens and leads on; no table cuts a column off without a visible
sign; on a phone the public award list is a stack of cards."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.festivals.models import Festival
from festival.judging.models import Round
from festival.troupes.models import Troupe
from tests.browser.sign_in import DEMO_PASSWORD, log_in, new_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue17"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SIZES = [
    pytest.param("zh", PHONE, id="zh-phone"),
    pytest.param("en", PHONE, id="en-phone"),
    pytest.param("zh", DESKTOP, id="zh-desktop"),
    pytest.param("en", DESKTOP, id="en-desktop"),
]

# Whether every table of the page is whole in view or says that it goes on: for each table,
# its scrolling box (the table itself when it scrolls on its own), whether the table is wider
# than the box, and whether a sign of it is seen (the hint above, the box's shaded edge).
TABLES = """() => [...document.querySelectorAll('main table')].map((table) => {
  const box = table.closest('.table-scroll') || table;
  const style = getComputedStyle(box);
  const scrolls = ['auto', 'scroll'].includes(style.overflowX);
  const hidden = scrolls ? box.scrollWidth - box.clientWidth > 1 :
    table.getBoundingClientRect().right > document.documentElement.clientWidth + 1;
  const hint = box.previousElementSibling;
  const hintShown = !!hint && hint.classList.contains('table-scroll-hint') &&
    hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).display !== 'none';
  const edge = parseFloat(getComputedStyle(box).borderRightWidth) > 0 ||
    getComputedStyle(box).maskImage !== 'none';
  return {cls: table.className, name: (table.getAttribute('aria-label') || box.getAttribute('aria-label') ||
                 table.querySelector('th') && table.querySelector('th').textContent || '').trim(),
          hidden, scrolls, hintShown, edge, focusable: box.tabIndex >= 0,
          label: box.getAttribute('aria-label') || box.getAttribute('aria-labelledby')};
})"""


def demo(app, session) -> dict:
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    festivals = {(f.year, f.level.value): f for f in session.execute(select(Festival)).scalars()}
    district, city = festivals[(2026, "district")], festivals[(2026, "city")]
    first_round = (
        session.execute(
            select(Round).where(Round.festival_id == district.id).order_by(Round.position)
        )
        .scalars()
        .first()
    )
    dance = session.execute(select(Troupe).where(Troupe.name == "万年表歌舞团")).scalar_one()
    return {
        "district": district.id,
        "city_slug": city.slug,
        "open": festivals[(2027, "district")].id,
        "round": first_round.id,
        "dance": dance.id,
    }


def browse(browser, live_server, language: str, device: dict):
    locale = "en-US" if language == "en" else "zh-CN"
    return new_page(browser, live_server, locale=locale, **device)


def shot(page, name: str, language: str, device: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = "phone" if device is PHONE else "desktop"
    page.screenshot(path=str(ARTIFACTS / f"b-{name}-{size}-{language}.png"))


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 200) <= height


def assert_error_summary(page, fields: list[str], language: str) -> None:
    """The summary is in view with the focus, lists a link per field, and each link moves the
    focus to its field with the field's label in view."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert summary.get_attribute("role") == "alert"
    assert in_view(page, summary), summary.bounding_box()
    if language == "en":
        expect(summary.locator("h2")).to_have_text("There is a problem")
    links = summary.locator("a")
    targets = [link.get_attribute("href") for link in links.all()]
    assert targets[: len(fields)] == [f"#{field}" for field in fields], targets
    for field in fields:
        page.evaluate("window.scrollTo(0, 0)")
        summary.locator(f'a[href="#{field}"]').click()
        control = page.locator(f"#{field}")
        expect(control).to_be_focused()
        assert in_view(page, control), (field, control.bounding_box())
        label = page.locator(f'label[for="{field}"]')
        if label.count():
            assert in_view(page, label), (field, label.bounding_box())


def open_menu(page, device: dict) -> None:
    """On a phone the navigation hides behind the menu button; elsewhere it is in view."""
    button = page.locator(".site-menu > summary")
    if device is PHONE:
        expect(page.get_by_role("navigation", name=page.evaluate(MENU_NAME))).to_be_hidden()
        button.click()
    else:
        expect(button).to_be_hidden()


MENU_NAME = "() => document.querySelector('.site-nav').getAttribute('aria-label')"


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_a_refused_form_opens_at_a_focused_error_summary_that_links_to_its_fields(
    browser, live_server, app, session, language, device
):
    ids = demo(app, session)
    context, page = browse(browser, live_server, language, device)
    try:
        # The login page, both fields left empty.
        page.goto("/login")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        shot(page, "login-refused", language, device)
        assert_error_summary(page, ["username", "password"], language)
        # A wrong password: a problem of the whole form, listed without a link.
        page.locator("#username").fill("leader")
        page.locator("#password").fill("not the password")
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("#error-summary")).to_be_focused()
        assert page.locator("#error-summary li").count() == 1

        log_in(page, "leader", DEMO_PASSWORD)
        page.goto("/troupes/new")
        page.locator("#name").fill("")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        shot(page, "troupe-refused", language, device)
        assert_error_summary(page, ["name"], language)

        page.goto(f"/festivals/{ids['open']}/programs/new?troupe_id={ids['dance']}")
        page.locator("#title").fill("")
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
        shot(page, "program-refused", language, device)
        assert_error_summary(page, ["title"], language)
    finally:
        context.close()


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_the_header_is_one_short_row_on_a_phone_and_its_menu_leads_on(
    browser, live_server, app, session, language, device
):
    demo(app, session)
    context, page = browse(browser, live_server, language, device)
    try:
        log_in(page, "district", DEMO_PASSWORD)
        page.goto("/")
        header = page.locator(".site-header").bounding_box()
        if device is PHONE:
            assert header["height"] < 100, header
        shot(page, "header", language, device)
        open_menu(page, device)
        nav = page.locator(".site-nav")
        expect(nav).to_be_visible()
        for name in ("lang-switch",):
            expect(page.locator(f".header-tools .{name}")).to_be_visible()
        expect(page.locator(".header-tools button[type=submit]")).to_be_visible()
        if device is PHONE:
            shot(page, "menu-open", language, device)
            # Every entry of the open menu can be pressed: a finger-sized row in view.
            for link in nav.locator("a").all():
                box = link.bounding_box()
                assert box["height"] >= 44 and box["y"] + box["height"] <= 844, box
        links = nav.locator("a")
        target = links.nth(1)  # 艺术节 / Festivals
        href = target.get_attribute("href")
        with page.expect_navigation():
            target.click()
        assert page.url.endswith(href)
        # The language switch in the menu changes the page's language.
        open_menu(page, device)
        before = page.locator("html").get_attribute("lang")
        with page.expect_navigation():
            page.locator(".header-tools .lang-switch").click()
        assert page.locator("html").get_attribute("lang") != before
    finally:
        context.close()


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_no_table_cuts_a_column_off_without_a_sign_and_award_lists_are_cards_on_a_phone(
    browser, live_server, app, session, language, device
):
    ids = demo(app, session)
    context, page = browse(browser, live_server, language, device)
    try:
        page.goto(f"/festivals/{ids['city_slug']}/awards")
        shot(page, "awards", language, device)
        cards = page.locator(".award-table tbody tr")
        assert cards.count() > 3
        if device is PHONE:
            for card in cards.all():
                box = card.bounding_box()
                assert box["width"] <= 390, box
                for cell in (".award-score", ".award-category", ".award-certificate a"):
                    located = card.locator(cell)
                    if located.inner_text().strip():
                        located.scroll_into_view_if_needed()
                        cell_box = located.bounding_box()
                        assert cell_box["x"] >= 0 and cell_box["x"] + cell_box["width"] <= 390
                        expect(located).to_be_visible()
            # Each fact of a card says what it is (its column's heading, shown before it).
            labels = cards.first.evaluate(
                "(row) => [...row.querySelectorAll('td')].filter((td) => td.textContent.trim())"
                ".map((td) => getComputedStyle(td, '::before').content)"
            )
            headings = page.locator(".award-table").first.evaluate(
                "(t) => [...t.querySelectorAll('thead th')].slice(1).map((th) => th.textContent)"
            )
            assert labels == [f'"{heading}"' for heading in headings], labels
            if language == "en":
                assert headings == ["Troupe", "Organisation", "Category", "Score", "Certificate"]
        assert_every_table_whole_or_signed(page, "awards")

        log_in(page, "district", DEMO_PASSWORD)
        for name, url in (
            ("results", f"/rounds/{ids['round']}/results"),
            ("programs", f"/festivals/{ids['district']}/programs"),
            ("troupes", "/troupes"),
            ("audit", "/audit"),
        ):
            page.goto(url)
            page.wait_for_load_state()
            shot(page, name, language, device)
            tables = assert_every_table_whole_or_signed(page, name)
            if name == "results" and device is DESKTOP:
                # At 1280 the ranking with every judge's total and the outcome fits.
                [ranking] = [t for t in tables if "ranking" in t["cls"]]
                assert not ranking["hidden"], ranking
    finally:
        context.close()


def assert_every_table_whole_or_signed(page, where: str) -> list[dict]:
    tables = page.evaluate(TABLES)
    assert tables, f"{where}: no table"
    for table in tables:
        if table["hidden"]:
            assert table["scrolls"], f"{where}: {table} is cut off"
            assert table["hintShown"] and table["edge"], f"{where}: {table} has no visible cue"
            assert table["focusable"] and table["label"], f"{where}: {table} not focusable/named"
    return tables
