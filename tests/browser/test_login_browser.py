"""Logging in through the real login page in headless Chromium."""

from pathlib import Path

import pytest

from tests import factories

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_organizer_logs_in_and_out_through_the_login_page(page, session):
    factories.make_user(session, role="organizer", username="wang", display_name="王主任")
    session.commit()
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto("/")
    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    # Shown once: in the error summary at the top, not a second time inside the form.
    assert page.locator(".error-summary-list").inner_text().strip() == "用户名或密码错误。"
    assert page.get_by_text("用户名或密码错误。").count() == 1

    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    assert "欢迎您，王主任。" in page.locator(".flash").inner_text()
    assert page.get_by_role("navigation").get_by_role("link", name="单位", exact=True).is_visible()
    page.screenshot(path=str(ARTIFACTS / "login-organizer-home.png"), full_page=True)

    page.get_by_role("button", name="退出").click()
    assert "您已退出。" in page.locator(".flash").inner_text()
    assert page.get_by_role("link", name="登录").first.is_visible()


def test_login_page_is_usable_at_phone_size_in_english(browser, live_server, app):
    context = browser.new_context(
        base_url=live_server, locale="en-US", viewport={"width": 390, "height": 844}
    )
    try:
        phone = context.new_page()
        phone.goto("/login")
        assert phone.locator("h1").inner_text() == "Log in"
        font_size = phone.evaluate("getComputedStyle(document.body).fontSize")
        assert float(font_size.removesuffix("px")) >= 18
        box = phone.get_by_role("button", name="Log in").last.bounding_box()
        assert box["height"] >= 44
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "login-phone-en.png"), full_page=True)
    finally:
        context.close()
