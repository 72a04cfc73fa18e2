"""Every page of the demo, as each role reaches it by following links from the home page:
its <title> is its heading and the site's name; every inner page shows breadcrumbs that lead
back up, and they work; dates read as people write them (2026年10月24日), never 2026-10-24;
no link leads to an error. Loading the demo takes a few seconds, so one test walks every
role."""

import re
from urllib.parse import urlsplit

from festival.demo import DEMO_PASSWORD
from tests.html import Page

SITE = "老年文化艺术节"
# The pages the main menu leads to, and the account pages: no breadcrumbs above them.
TOP_PAGES = {
    "/",
    "/festivals",
    "/troupes",
    "/judging",
    "/admin/organizations",
    "/admin/users",
    "/admin/calendar-days",
    "/audit",
    "/login",
    "/account/password",
}
# The big screen is a kiosk page of its own: no header, no breadcrumbs.
SKIPPED = re.compile(
    r"^/(static|language|logout|calendar|api)/|\.(csv|xlsx|ics|pdf)$|print=1|/screen$"
)
# Enough pages for every kind of page a role reaches, not every program of the demo.
PAGES_PER_ROLE = 70
ROLES = ("anonymous", "district", "city", "leader", "taichi", "judge1", "admin")


def shape(url: str) -> str:
    """A URL with its ids and dates blanked, and its query's keys: one visit per kind of page."""
    parts = urlsplit(url)
    path = re.sub(r"\d[\d-]*", "N", parts.path)
    keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return f"{path}?{'&'.join(keys)}"


def crawl(client, limit: int) -> dict[str, Page]:
    """Follow the internal links from the home page, one URL of each shape."""
    pages: dict[str, Page] = {}
    seen = {shape("/")}
    queue = ["/"]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.mimetype != "text/html":
            continue
        page = Page(response)
        pages[url] = page
        for link in page.links:
            href = link.href.split("#")[0]
            if not href.startswith("/") or SKIPPED.search(href) or shape(href) in seen:
                continue
            seen.add(shape(href))
            queue.append(href)
    return pages


def heading_rule_problems(url: str, page: Page) -> list[str]:
    problems = []
    if url == "/":
        if page.title != SITE:
            problems.append(f"{url}: title {page.title!r}")
        return problems
    expected = f"{page.h1} · {SITE}"
    # The award list is headed like the official document: the festival, then "获奖名单".
    document = f"获奖名单 · {page.h1} · {SITE}"
    if not page.h1:
        problems.append(f"{url}: no heading")
    elif page.title not in (expected, document):
        problems.append(f"{url}: title {page.title!r} is not {expected!r}")
    return problems


# A date in the visible text written for machines: 2026-10-24, 2026/10/24.
RAW_DATE = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b")


def date_problems(url: str, page: Page) -> list[str]:
    """Help under a field may show how to type a date; the import page documents formats."""
    if urlsplit(url).path.endswith("/import"):
        return []
    return [f"{url}: raw date {found!r}" for found in RAW_DATE.findall(page.prose)]


def crumb_problems(client, url: str, page: Page) -> list[str]:
    path = urlsplit(url).path
    if path in TOP_PAGES:
        return []
    if len(page.crumbs) < 2:
        return [f"{url}: breadcrumbs {page.crumbs!r}"]
    problems = []
    if len(page.crumb_links) != len(page.crumbs) - 1:
        problems.append(f"{url}: the last crumb must be this page, the others links")
    for link in page.crumb_links:
        if client.get(link.href).status_code != 200:
            problems.append(f"{url}: crumb {link.text} → {link.href} does not answer 200")
    return problems


def test_every_page_has_its_heading_as_title_working_breadcrumbs_and_readable_dates(app, client):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    problems: list[str] = []
    kinds = 0
    for role in ROLES:
        if role != "anonymous":
            client.login(role, DEMO_PASSWORD)
        pages = crawl(client, PAGES_PER_ROLE)
        kinds += len(pages)
        for url, page in pages.items():
            problems += heading_rule_problems(url, page)
            problems += crumb_problems(client, url, page)
            problems += date_problems(url, page)
        if role != "anonymous":
            client.post_form("/logout")
    assert kinds > 150, kinds
    assert not problems, "\n".join(problems)
