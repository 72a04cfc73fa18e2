"""Intake, certificates and titles on a 390×844 phone and at 1280×800, in Chinese and in
English: a deadline after the first day is refused next to its field and the time zone is a
select of named zones; closing submissions asks on a page of its own that survives a reload;
an unknown certificate says so; a leader's home shows their prize; a certificate has a Print
button. Screenshots go to test-artifacts/issue17/E-*.png."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from festival.awards.services import create_award, publish
from festival.festivals.models import Festival, FestivalStatus
from tests import factories
from tests.browser.sign_in import log_in, new_page

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


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def make(language: str, device: dict):
        context, page = new_page(
            browser, live_server, locale="zh-CN" if language == "zh" else "en-US", **device
        )
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str, language: str, device: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = device["viewport"]
    page.screenshot(
        path=str(ARTIFACTS / f"E-{name}-{size['width']}x{size['height']}-{language}.png"),
        full_page=True,
    )


def fits(page, locator) -> None:
    """Seen whole: inside the page's width, not cut off at the right."""
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert box is not None and box["width"] > 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (box, width)


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_a_deadline_after_the_first_day_is_refused_next_to_the_field(
    open_page, session, office, language, device
):
    factories.make_user(session, role="organizer", organization=office, username="org1")
    session.commit()
    page = open_page(language, device)
    log_in(page, "org1")
    page.goto("/festivals/new")
    zone = page.locator("select[name=timezone]")
    assert zone.input_value() == "Asia/Shanghai"
    chosen = zone.locator("option:checked").inner_text()
    assert "Asia/" not in chosen
    if language == "en":
        assert chosen == "Beijing Time"
    page.locator("input[name=name]").fill("2027年崇川区老年文艺汇演")
    page.locator("input[name=year]").fill("2027")
    page.locator("input[name=starts_on]").fill("2027-05-18")
    page.locator("input[name=ends_on]").fill("2027-05-19")
    page.locator("input[name=submission_deadline]").fill("2027-05-25T17:00")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    error = page.locator("#submission_deadline-error")
    error.scroll_into_view_if_needed()
    assert error.is_visible()
    fits(page, error)
    if language == "en":
        assert "must be on or before the first day of the festival" in error.inner_text()
    assert session.execute(select(Festival)).first() is None
    shot(page, "festival-form-deadline", language, device)


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_closing_submissions_asks_on_its_own_page_that_survives_a_reload(
    open_page, session, office, organizer, festival, language, device
):
    page = open_page(language, device)
    log_in(page, organizer.username)
    page.goto(f"/festivals/{festival.id}")
    intake = page.locator("#intake")
    intake.scroll_into_view_if_needed()
    assert intake.is_visible()
    shot(page, "festival-intake", language, device)
    close = intake.locator(f"a[href='/festivals/{festival.id}/close-intake']")
    fits(page, close)
    close.click()
    page.wait_for_url(f"**/festivals/{festival.id}/close-intake")
    question = page.locator("#confirm-title")
    if language == "en":
        assert question.inner_text() == f"Close {festival.name} to submissions?"
    response = page.reload()
    assert response.status == 200
    assert question.is_visible()
    yes = page.locator(".confirm-card button[type=submit]")
    fits(page, yes)
    assert yes.bounding_box()["y"] + yes.bounding_box()["height"] <= device["viewport"]["height"]
    shot(page, "close-intake-question", language, device)
    yes.click()
    page.wait_for_url(f"**/festivals/{festival.id}")
    session.expire_all()
    assert session.get(Festival, festival.id).status is FestivalStatus.screening
    assert page.locator("#intake .intake-state").is_visible()


@pytest.mark.parametrize(("language", "device"), SIZES)
def test_an_unknown_certificate_says_so_and_a_leader_sees_their_prize(
    open_page, session, office, organizer, festival, language, device
):
    page = open_page(language, device)
    response = page.goto("/certificates/2026-0009-00042/verify")
    assert response.status == 404
    heading = page.locator("h1")
    assert "2026-0009-00042" in heading.inner_text()
    fits(page, heading)
    fits(page, page.locator("input[name=number]"))
    if language == "en":
        assert heading.inner_text() == "No certificate with the number 2026-0009-00042 exists"
    shot(page, "certificate-not-found", language, device)

    leader = factories.make_user(session, role="leader", username="leader1")
    troupe = factories.make_troupe(session, organization=office, leader=leader, name="夕阳红艺术团")
    program = factories.make_program(
        session, festival=festival, troupe=troupe, title="《金秋欢歌》", actor=organizer
    )
    award = create_award(
        session,
        festival=festival,
        tier="first",
        program_id=program.id,
        actor=organizer,
        now=factories.NOW,
    )
    publish(
        session,
        festival=festival,
        notice_days=0,
        actor=organizer,
        now=datetime.now(UTC) - timedelta(days=1),
    )
    session.commit()
    log_in(page, "leader1")
    prizes = page.locator(".home-prizes")
    prizes.scroll_into_view_if_needed()
    assert prizes.is_visible()
    assert "《金秋欢歌》" in prizes.inner_text() and "《《" not in page.content()
    certificate_link = prizes.locator(f"a[href='/certificates/{award.certificate_number}']")
    fits(page, certificate_link)
    if language == "en":
        assert "First prize" in prizes.inner_text()
    shot(page, "leader-prize", language, device)

    certificate_link.click()
    page.wait_for_url(f"**/certificates/{award.certificate_number}")
    print_button = page.locator("button[data-print]")
    assert print_button.is_visible()
    fits(page, print_button)
    assert "Ctrl" not in page.locator("main").inner_text()
    shot(page, "certificate-print", language, device)
