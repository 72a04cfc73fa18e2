"""Logging a user in through the login page, the first step of most browser tests (those whose
subject is the login itself keep their own steps), and a new browser context on the live
server to do it in."""

from playwright.sync_api import Browser, BrowserContext, Page

from festival.demo.people import DEMO_PASSWORD
from tests import factories

__all__ = ["DEMO_PASSWORD", "log_in", "new_page"]


def new_page(
    browser: Browser, live_server: str, *, locale: str = "en-US", **context_options
) -> tuple[BrowserContext, Page]:
    """A new context on the live server (``viewport``, ``is_mobile`` and the like passed on) and
    a page in it; the caller closes the context."""
    context = browser.new_context(base_url=live_server, locale=locale, **context_options)
    return context, context.new_page()


def log_in(page: Page, username: str, password: str = factories.PASSWORD) -> None:
    """Log in on /login (factories' users by default; the demo's take ``DEMO_PASSWORD``) and
    wait for the home page it leads to."""
    page.goto("/login")
    form = page.locator("main form", has=page.locator("input[name=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/")
