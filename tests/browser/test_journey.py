"""A festival from start to finish in a real browser, on an empty database, only through the
pages: an administrator sets up the office and the accounts; the organizer creates the festival
with its categories and opens it; a troupe leader registers two troupes with their members and
submits three programs (one first refused as too long); the organizer starts a round with
weighted criteria and five judges; each judge scores on their score sheet; the organizer closes
the round, allocates the awards and publishes them; an anonymous visitor reads the award list
and downloads it as .xlsx; the leader puts the troupe's rehearsal on a phone through the
calendar feed.

Every page on the way passes axe-core (no serious or critical violation) and the checks of
tests/browser/accessibility.py, speaks the journey's language, and is saved as a full-page
screenshot under test-artifacts/journey/<variant>/. The journey runs in Chinese, in English,
and in Chinese on a phone."""

import re
import shutil
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask_babel import gettext, ngettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from festival.core.clock import utcnow
from festival.web.labels import AWARD_TIER
from tests import factories
from tests.browser.accessibility import (
    assert_focus_ring_after_tabs,
    finish_checks,
    start_checks,
)

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "journey"
PASSWORD = "journey-2026-pass"

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

OFFICE = "崇川区老龄办"
FESTIVAL = "崇川区第三届老年文艺汇演"
ACCOUNTS = [  # username, name, role; judges have no office
    ("wang", "王主任", "organizer"),
    ("zhang", "张团长", "leader"),
    *[(f"judge{n}", f"评委{name}老师", "judge") for n, name in enumerate("陈刘孙周吴", 1)],
]
JUDGES = [account for account in ACCOUNTS if account[2] == "judge"]
CATEGORIES = [("舞蹈", 8), ("声乐", 6)]
TROUPES = {
    "夕阳红舞蹈队": [("王秀英", "1952-03-14", "female"), ("李桂兰", "1955-08-02", "female")],
    "银龄合唱团": [("张建国", "1950-11-20", "male")],
}
PROGRAMS = [  # title, troupe, category, minutes, performers
    ("夕阳红", "夕阳红舞蹈队", "舞蹈", 6, ["王秀英 (1952)", "李桂兰 (1955)"]),
    ("和谐大家园", "夕阳红舞蹈队", "舞蹈", 7, ["王秀英 (1952)"]),
    ("茉莉花", "银龄合唱团", "声乐", 5, ["张建国 (1950)"]),
]
ROUND = "初赛"
CRITERIA = [("艺术表现", "10", "6"), ("舞台效果", "10", "4")]  # name, maximum, weight
SCORES = {  # judge → program → a score per criterion
    "judge1": {"夕阳红": ("7", "7.5"), "和谐大家园": ("8.5", "8"), "茉莉花": ("9.5", "9")},
    "judge2": {"夕阳红": ("7.5", "7"), "和谐大家园": ("8", "8.5"), "茉莉花": ("9", "9.5")},
    "judge3": {"夕阳红": ("8", "7"), "和谐大家园": ("9", "8"), "茉莉花": ("10", "9")},
    "judge4": {"夕阳红": ("6.5", "7"), "和谐大家园": ("8", "8"), "茉莉花": ("9", "8.5")},
    "judge5": {"夕阳红": ("7", "6"), "和谐大家园": ("7.5", "8.5"), "茉莉花": ("8.5", "9")},
}
# Trimmed means of the judges' totals (6 × 艺术表现 + 4 × 舞台效果), highest and lowest dropped:
# 茉莉花 (93, 92, 88) → 91.00; 和谐大家园 (83, 82, 80) → 81.67; 夕阳红 (72, 73, 67) → 70.67.
RANKING = [("茉莉花", "91.00"), ("和谐大家园", "81.67"), ("夕阳红", "70.67")]
PRIZES = [("first", "茉莉花"), ("second", "和谐大家园"), ("third", "夕阳红")]
REHEARSAL = ("彩排", "14:00", "16:30", "区文化馆")


def without_count(heading: str) -> str:
    """A heading without its count: "二等奖 （2）" → "二等奖", "Second prize (2)" → "Second prize"."""
    return re.sub(r"\s*[(（]\d+[)）]$", "", heading)


def judge_total(scores: tuple[str, ...]) -> str:
    total = sum(
        Decimal(score) * Decimal(weight)
        for score, (_name, _max, weight) in zip(scores, CRITERIA, strict=True)
    )
    return f"{total:.2f}"


class Journey:
    """The browsers of everyone on the journey, in one language and on one kind of device;
    each step they see is checked and photographed."""

    def __init__(self, browser, base_url: str, app, language: str, device: dict, folder: Path):
        self.browser, self.base_url, self.app, self.device = browser, base_url, app, device
        self.locale = "zh-CN" if language == "zh" else "en-US"
        self.lang = "zh-CN" if language == "zh" else "en"
        self.folder = folder
        self.number = 0
        self.contexts = []
        self.script_errors: list[str] = []  # a CSP refusal or an exception in our scripts

    # The words of the pages, in the journey's language, from the app's own catalog.
    def t(self, message: str, **values) -> str:
        with self.app.test_request_context(headers={"Accept-Language": self.locale}):
            return gettext(message, **values)

    def nt(self, singular: str, plural: str, num: int, **values) -> str:
        with self.app.test_request_context(headers={"Accept-Language": self.locale}):
            return ngettext(singular, plural, num, **values)

    def tier(self, tier: str) -> str:
        with self.app.test_request_context(headers={"Accept-Language": self.locale}):
            return str(AWARD_TIER[tier])

    def browse(self):
        context = self.browser.new_context(
            base_url=self.base_url, locale=self.locale, **self.device
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and self.script_errors.append(message.text)
            ),
        )
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def press(self, target) -> None:
        """A finger on a phone, the mouse elsewhere."""
        if self.device.get("has_touch"):
            target.tap()
        else:
            target.click()

    def go(self, page, target) -> None:
        """Press a link or a button that loads another page, and wait for it."""
        with page.expect_navigation(wait_until="load"):
            self.press(target)

    def step(self, page, name: str, heading: str | None = None) -> None:
        """One page on the way: saved, then its heading and its accessibility checked."""
        self.number += 1
        where = f"{self.number:02d}-{name}"
        start_checks(page)  # axe works while the screenshot is taken
        page.screenshot(path=str(self.folder / f"{where}.png"), full_page=True)
        if heading is not None:
            expect(page.locator("h1")).to_have_text(heading)
        problems = finish_checks(page, lang=self.lang)
        assert not problems, f"step {where} ({page.url}):\n" + "\n".join(problems)

    def flashed(self, page, message: str) -> None:
        expect(page.locator(".flash-success")).to_contain_text(message)

    def open_menu(self, page) -> None:
        """On a phone the menu folds away behind its button: open it first."""
        button = page.locator(".site-menu > summary")
        if button.is_visible() and not page.locator(".site-menu[open]").count():
            self.press(button)

    def menu(self, page, label: str):
        self.open_menu(page)
        return page.get_by_role("navigation", name=self.t("Main menu")).get_by_role(
            "link", name=label, exact=True
        )

    def crumb(self, page, name: str):
        return page.locator(".breadcrumbs").get_by_role("link", name=name, exact=True)

    def button(self, page, name: str, scope=None):
        return (scope or page.locator("main")).get_by_role("button", name=name, exact=True)

    def log_in(self, username: str, name: str, *, from_home: bool = False, then: str = ""):
        """Log in on the login page (reached from the home page, or by a link that leads on
        to ``then`` afterwards)."""
        page = self.browse()
        if from_home:
            page.goto("/")
            self.step(page, "home", self.t("Elderly Arts Festival"))
            self.open_menu(page)
            self.go(page, page.locator(".header-tools").get_by_role("link", name=self.t("Log in")))
        else:
            page.goto(f"/login?next={then}" if then else "/login")
        self.step(page, f"{username}-login", self.t("Log in"))
        page.get_by_label(self.t("Username"), exact=True).fill(username)
        page.get_by_label(self.t("Password"), exact=True).fill(PASSWORD)
        self.go(page, self.button(page, self.t("Log in")))
        self.flashed(page, self.t("Welcome, %(name)s.", name=name))
        if not then:
            self.step(page, f"{username}-home", self.t("Elderly Arts Festival"))
        return page


@pytest.fixture
def journey(request, browser, live_server, app, language, device):
    folder = ARTIFACTS / request.node.callspec.id
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    journey = Journey(browser, live_server, app, language, device, folder)
    yield journey
    journey.close()


@pytest.mark.parametrize(
    ("language", "device"),
    [
        pytest.param("zh", DESKTOP, id="zh"),
        pytest.param("en", DESKTOP, id="en"),
        pytest.param("zh", PHONE, id="zh-phone"),
    ],
)
def test_a_festival_from_the_first_account_to_the_published_awards_and_a_phone_calendar(
    journey, session, ical_check, tmp_path, language, device
):
    j, t = journey, journey.t
    if language == "zh":  # the catalog is compiled: the pages really are Chinese
        assert t("Screening rounds") != "Screening rounds"
    # The first administrator comes from the command line (flask create-user); the rest is pages.
    factories.make_user(
        session, role="admin", username="admin", display_name="系统管理员", password=PASSWORD
    )
    session.commit()
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    starts_on, deadline = today + timedelta(days=60), today + timedelta(days=30)
    rehearsal_day = today + timedelta(days=7)

    # --- the administrator: the office and everyone's accounts -------------------------------
    admin = j.log_in("admin", "系统管理员", from_home=True)
    # The keyboard's place is seen: on the skip link, then on the red header.
    assert assert_focus_ring_after_tabs(admin, 1)["text"] == t("Skip to content")
    assert assert_focus_ring_after_tabs(admin, 1)["tag"] == "A"
    j.go(admin, j.menu(admin, t("Organisations")))
    j.step(admin, "admin-organisations", t("Organisations"))
    admin.get_by_label(t("Name"), exact=True).fill(OFFICE)
    admin.get_by_label(t("Level"), exact=True).select_option("district")
    j.go(admin, j.button(admin, t("Create organisation")))
    j.flashed(admin, t("Organisation %(name)s created.", name=OFFICE))
    j.step(admin, "admin-office-created", t("Organisations"))

    j.go(admin, j.menu(admin, t("Users")))
    j.step(admin, "admin-users", t("Users"))
    for username, name, role in ACCOUNTS:
        admin.get_by_label(t("Username"), exact=True).fill(username)
        admin.get_by_label(t("Full name"), exact=True).fill(name)
        admin.get_by_label(t("Password"), exact=True).fill(PASSWORD)
        admin.get_by_label(t("Role"), exact=True).select_option(role)
        admin.get_by_label(t("Organisation"), exact=True).select_option(
            label=t("None") if role == "judge" else OFFICE
        )
        j.go(admin, j.button(admin, t("Create user")))
        j.flashed(admin, t("User %(name)s created.", name=username))
        j.step(admin, f"admin-user-{username}", t("Users"))

    # --- the organizer: the festival, its categories, open for submissions -------------------
    organizer = j.log_in("wang", "王主任")
    j.go(organizer, j.menu(organizer, t("Festivals")))
    j.step(organizer, "organizer-festivals", t("Festivals"))
    j.go(organizer, organizer.locator("main").get_by_role("link", name=t("New festival")))
    j.step(organizer, "organizer-new-festival", t("New festival"))
    organizer.get_by_label(t("Name"), exact=True).fill(FESTIVAL)
    organizer.get_by_label(t("Year"), exact=True).fill(str(starts_on.year))
    organizer.get_by_label(t("First day"), exact=True).fill(starts_on.isoformat())
    organizer.get_by_label(t("Last day"), exact=True).fill(
        (starts_on + timedelta(days=1)).isoformat()
    )
    organizer.get_by_label(t("Submission deadline"), exact=True).fill(
        f"{deadline.isoformat()}T17:00"
    )
    organizer.get_by_label(t("Description"), exact=True).fill(
        "歌舞、戏曲、器乐、朗诵，展示老年人的风采。"
    )
    j.go(organizer, j.button(organizer, t("Save")))
    j.flashed(organizer, t("Festival created. Add its categories, then open it for submissions."))
    j.step(organizer, "organizer-festival-created", FESTIVAL)
    for n, (category, minutes) in enumerate(CATEGORIES, 1):
        organizer.get_by_label(t("Category name"), exact=True).fill(category)
        organizer.get_by_label(t("Maximum duration (minutes)"), exact=True).fill(str(minutes))
        j.go(organizer, j.button(organizer, t("Add")))
        j.flashed(organizer, t("Category %(name)s added.", name=category))
        j.step(organizer, f"organizer-category-{n}", FESTIVAL)
    j.go(organizer, j.button(organizer, t("Open for submissions")))
    j.step(
        organizer,
        "organizer-open-confirm",
        t("Open %(festival)s for submissions?", festival=FESTIVAL),
    )
    j.go(organizer, j.button(organizer, t("Yes, open it")))
    j.flashed(organizer, t("The festival is open: troupes can submit programs until the deadline."))
    j.step(organizer, "organizer-festival-open", FESTIVAL)

    # --- the leader: two troupes, their members, three programs, a rehearsal -----------------
    leader = j.log_in("zhang", "张团长")
    for n, (troupe, members) in enumerate(TROUPES.items(), 1):
        j.go(leader, j.menu(leader, t("Troupes")))
        j.step(leader, f"leader-troupes-{n}", t("Troupes"))
        j.go(leader, leader.locator("main").get_by_role("link", name=t("Register a troupe")))
        j.step(leader, f"leader-register-troupe-{n}", t("Register a troupe"))
        leader.get_by_label(t("Name"), exact=True).fill(troupe)
        j.go(leader, j.button(leader, t("Save")))
        j.flashed(leader, t("%(name)s registered. Now add its members.", name=troupe))
        j.step(leader, f"leader-troupe-{n}", troupe)
        new_member = leader.locator("form", has=leader.get_by_label(t("Date of birth")))
        for m, (name, born, gender) in enumerate(members, 1):
            new_member.get_by_label(t("Full name"), exact=True).fill(name)
            new_member.get_by_label(t("Date of birth"), exact=True).fill(born)
            new_member.get_by_label(t("Gender"), exact=True).select_option(gender)
            j.go(leader, j.button(leader, t("Add member"), scope=new_member))
            j.flashed(leader, t("%(name)s added.", name=name))
            j.step(leader, f"leader-troupe-{n}-member-{m}", troupe)
        assert leader.locator("main table tbody tr").count() == len(members)

    for number, (title, troupe, category, minutes, performers) in enumerate(PROGRAMS):
        if number == 0:
            j.go(leader, j.menu(leader, t("Festivals")))
            j.step(leader, "leader-festivals", t("Festivals"))
            j.go(leader, leader.locator("main").get_by_role("link", name=FESTIVAL, exact=True))
        else:  # back from the program just submitted
            j.go(leader, j.crumb(leader, FESTIVAL))
        j.step(leader, f"leader-festival-{number + 1}", FESTIVAL)
        j.go(
            leader,
            leader.get_by_role("link", name=t("Submit a program for %(troupe)s", troupe=troupe)),
        )
        j.step(leader, f"leader-program-{number + 1}", t("Submit a program"))
        limit = dict(CATEGORIES)[category]
        leader.get_by_label(t("Title"), exact=True).fill(title)
        leader.get_by_label(t("Category"), exact=True).select_option(
            label=category + t(" (at most %(n)d minutes)", n=limit)
        )
        duration = leader.get_by_label(t("Duration (minutes)"), exact=True)
        for performer in performers:
            leader.get_by_label(performer, exact=True).check()
        if number == 0:
            # Too long for its category: refused, with the reason next to the field.
            duration.fill(str(limit + 4))
            with leader.expect_navigation():
                j.press(j.button(leader, t("Submit")))
            expect(duration).to_have_attribute("aria-invalid", "true")
            error = leader.locator("#" + duration.get_attribute("aria-describedby"))
            expect(error).to_have_text(
                t(
                    "%(minutes)d minutes is longer than the %(max)d minutes allowed in %(category)s.",
                    minutes=limit + 4,
                    max=limit,
                    category=category,
                )
            )
            expect(error).to_be_visible()
            expect(leader.get_by_label(t("Title"), exact=True)).to_have_attribute(
                "aria-invalid", "false"
            )
            j.step(leader, f"leader-program-{number + 1}-refused", t("Submit a program"))
            for performer in performers:
                expect(leader.get_by_label(performer, exact=True)).to_be_checked()
        duration.fill(str(minutes))
        j.go(leader, j.button(leader, t("Submit")))
        j.flashed(leader, t("《%(title)s》 has been submitted.", title=title))
        j.step(leader, f"leader-program-{number + 1}-submitted", f"《{title}》")

    rehearsal, starts, ends, place = REHEARSAL
    dance_troupe = next(iter(TROUPES))
    j.go(leader, j.menu(leader, t("Troupes")))
    j.step(leader, "leader-troupes", t("Troupes"))
    j.go(leader, leader.locator("main").get_by_role("link", name=dance_troupe, exact=True))
    j.step(leader, "leader-troupe-1-again", dance_troupe)
    j.go(leader, leader.locator("main").get_by_role("link", name=t("Schedule"), exact=True))
    j.step(leader, "leader-schedule", t("Schedule of %(name)s", name=dance_troupe))
    j.go(leader, leader.locator("main").get_by_role("link", name=t("New event"), exact=True))
    j.step(leader, "leader-new-event", t("New event"))
    leader.get_by_label(t("Name of the event"), exact=True).fill(rehearsal)
    leader.get_by_label(t("Kind"), exact=True).select_option("rehearsal")
    leader.get_by_label(t("Date"), exact=True).fill(rehearsal_day.isoformat())
    leader.get_by_label(t("Starts at"), exact=True).fill(starts)
    leader.get_by_label(t("Ends at"), exact=True).fill(ends)
    leader.get_by_label(t("Place"), exact=True).fill(place)
    j.go(leader, j.button(leader, t("Save")))
    j.flashed(leader, t("%(title)s added to the calendar.", title=rehearsal))
    j.step(leader, "leader-rehearsal", rehearsal)

    # --- the organizer: a round with weighted criteria, five judges, the programs ------------
    # The organizer's page still shows the festival it opened.
    j.go(organizer, organizer.locator("main").get_by_role("link", name=t("Screening rounds")))
    j.step(organizer, "organizer-rounds", t("Screening rounds"))
    organizer.get_by_label(t("Name of the round"), exact=True).fill(ROUND)
    organizer.get_by_label(t("Places (programs that advance)"), exact=True).fill("2")
    for n, (name, maximum, weight) in enumerate(CRITERIA, 1):
        organizer.get_by_label(t("Criterion %(n)d: name", n=n), exact=True).fill(name)
        organizer.get_by_label(t("Criterion %(n)d: maximum score", n=n), exact=True).fill(maximum)
        organizer.get_by_label(t("Criterion %(n)d: weight", n=n), exact=True).fill(weight)
    j.go(organizer, j.button(organizer, t("Create the round")))
    j.flashed(
        organizer, t("%(name)s created. Assign its judges and enter the programs.", name=ROUND)
    )
    j.step(organizer, "organizer-round-created", ROUND)
    for username, name, _role in JUDGES:
        organizer.get_by_label(t("Judge account"), exact=True).select_option(
            label=f"{name} ({username})"
        )
        j.go(organizer, j.button(organizer, t("Assign")))
        j.flashed(organizer, t("%(name)s judges this round now.", name=name))
        j.step(organizer, f"organizer-judge-{username}", ROUND)
    j.go(
        organizer,
        organizer.locator("main").get_by_role(
            "button",
            # Chinese brackets on a Chinese page: （3）
            name=re.compile(
                re.escape(t("Enter every submitted program")) + rf"\s*[(（]{len(PROGRAMS)}[)）]"
            ),
        ),
    )
    j.flashed(
        organizer, j.nt("%(num)d program entered.", "%(num)d programs entered.", len(PROGRAMS))
    )
    j.step(organizer, "organizer-programs-entered", ROUND)

    # --- five judges, each on their own score sheet ------------------------------------------
    # The first judge finds the sheet from the home page; the others follow the link to it
    # that the office sent them.
    sheet_url = ""
    for username, name, _role in JUDGES:
        sheet_title = t("Score sheet: %(round)s", round=ROUND)
        judge = j.log_in(username, name, then=sheet_url)
        if not sheet_url:
            j.go(judge, j.menu(judge, t("Score sheets")))
            j.step(judge, f"{username}-rounds", t("My rounds"))
            j.go(judge, judge.locator("main").get_by_role("link", name=sheet_title))
            sheet_url = judge.url.removeprefix(j.base_url)
        j.step(judge, f"{username}-sheet", sheet_title)
        for title, scores in SCORES[username].items():
            row = judge.locator(
                "tr.sheet-row", has=judge.get_by_role("rowheader", name=f"《{title}》")
            )
            while not row.is_visible():  # a phone shows the sheet one program at a time
                j.press(judge.locator("#sheet-cards-nav .sheet-next"))
            boxes = row.locator("input[data-criterion-id]")
            for n, score in enumerate(scores):
                boxes.nth(n).fill(score)
            j.press(row.get_by_role("button"))
            expect(row.locator(".sheet-state")).to_have_text(t("saved"))
            expect(row.locator(".sheet-total")).to_have_text(judge_total(scores))
        expect(judge.locator("#sheet-progress")).to_have_text(
            t("%(scored)s of %(total)s programs scored", scored=3, total=3)
        )
        j.step(judge, f"{username}-scored", sheet_title)
        judge.context.close()

    # --- the organizer: the ranking, closing the round, the awards, publication --------------
    j.go(organizer, organizer.locator("main").get_by_role("link", name=t("Results"), exact=True))
    j.step(organizer, "organizer-results", t("Results of %(round)s", round=ROUND))
    ranking = organizer.locator("table.ranking tbody tr")
    assert ranking.locator("th").all_inner_texts() == [f"《{title}》" for title, _ in RANKING]
    assert ranking.locator("td strong").all_inner_texts() == [score for _, score in RANKING]
    expect(organizer.locator(".round-summary")).to_contain_text(
        t("Complete: every judge has scored every program they may score.")
    )
    j.go(organizer, organizer.locator("main").get_by_role("link", name=t("Close the round")))
    j.step(organizer, "organizer-close", t("Close %(round)s", round=ROUND))
    advancing = organizer.locator("ol.advancing-list li")
    assert [text.split("》")[0] + "》" for text in advancing.all_inner_texts()] == [
        f"《{title}》" for title, _ in RANKING[:2]
    ]
    j.go(
        organizer,
        j.button(
            organizer,
            j.nt(
                "Close the round and advance this program",
                "Close the round and advance these %(num)d programs",
                2,
            ),
        ),
    )
    j.flashed(
        organizer,
        j.nt(
            "%(name)s is closed: %(num)d program advances. The scores are frozen.",
            "%(name)s is closed: %(num)d programs advance. The scores are frozen.",
            2,
            name=ROUND,
        ),
    )
    j.step(organizer, "organizer-round-closed", t("Results of %(round)s", round=ROUND))

    j.go(organizer, j.crumb(organizer, FESTIVAL))
    j.step(organizer, "organizer-festival-judged", FESTIVAL)
    j.go(organizer, organizer.locator("main").get_by_role("link", name=t("Awards"), exact=True))
    j.step(organizer, "organizer-awards", t("Awards"))
    organizer.get_by_label(t("Closed round"), exact=True).select_option(label=f"1. {ROUND}")
    for tier, _title in PRIZES:
        organizer.get_by_label(t("%(tier)s: number of awards", tier=j.tier(tier)), exact=True).fill(
            "1"
        )
    j.go(organizer, j.button(organizer, t("Preview")))
    j.step(organizer, "organizer-awards-preview", t("Preview: awards from %(round)s", round=ROUND))
    heads = organizer.locator("h2.manage-tier-head").all_inner_texts()
    assert [without_count(head) for head in heads] == [j.tier(tier) for tier, _ in PRIZES]
    items = organizer.locator("ol.manage-preview li").all_inner_texts()
    assert [item.split("》")[0] + "》" for item in items] == [f"《{title}》" for _, title in PRIZES]
    j.go(organizer, j.button(organizer, t("Save these awards")))
    j.flashed(
        organizer,
        j.nt(
            "%(num)d award saved, with its certificate number.",
            "%(num)d awards saved, each with its certificate number.",
            len(PRIZES),
        ),
    )
    j.step(organizer, "organizer-awards-saved", t("Awards"))
    organizer.get_by_label(t("Public notice period"), exact=True).fill("0")
    j.go(organizer, j.button(organizer, t("Publish the awards")))
    j.step(
        organizer,
        "organizer-publish-confirm",
        t("Publish the awards of %(festival)s?", festival=FESTIVAL),
    )
    j.go(organizer, j.button(organizer, t("Yes, publish them")))
    j.flashed(organizer, t("The awards are published; make them final when you are ready."))
    j.step(organizer, "organizer-published", t("Awards"))
    # Without a notice period there is nothing to wait for: the organizer makes them final.
    j.go(organizer, j.button(organizer, t("Make the results final")))
    j.flashed(organizer, t("The results are final."))

    # --- an anonymous visitor: the award list and its spreadsheet ----------------------------
    visitor = j.browse()
    visitor.goto("/")
    j.step(visitor, "visitor-home", t("Elderly Arts Festival"))
    j.go(visitor, visitor.locator("main").get_by_role("link", name=FESTIVAL, exact=True))
    j.step(visitor, "visitor-festival", FESTIVAL)
    j.go(visitor, visitor.locator("main").get_by_role("link", name=t("See the award list")))
    j.step(visitor, "visitor-awards", FESTIVAL)
    expect(visitor.locator(".awards-subtitle")).to_have_text(t("Award list"))
    tiers = visitor.locator("section[data-tier]")
    assert [tiers.nth(i).get_attribute("data-tier") for i in range(tiers.count())] == [
        tier for tier, _ in PRIZES
    ]
    assert [without_count(heading) for heading in tiers.locator("h2").all_inner_texts()] == [
        j.tier(tier) for tier, _ in PRIZES
    ]
    assert visitor.locator("cite.program-title").all_inner_texts() == [
        f"《{title}》" for _, title in PRIZES
    ]
    with visitor.expect_download() as download_info:
        j.press(visitor.locator(".awards-actions").get_by_role("link", name=t("Download .xlsx")))
    target = tmp_path / "awards.xlsx"
    download_info.value.save_as(target)
    sheet = load_workbook(target).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("奖项", "奖项名称", "节目", "团体")
    troupe_of = {title: troupe for title, troupe, *_ in PROGRAMS}
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (tier, title, troupe_of[title])
        for tier, (_, title) in zip(("一等奖", "二等奖", "三等奖"), PRIZES, strict=True)
    ]

    # --- the leader: the rehearsal on a phone, through the calendar feed ---------------------
    # The leader's page still shows the rehearsal; its breadcrumbs lead back to the troupe.
    j.go(leader, j.crumb(leader, dance_troupe))
    j.step(leader, "leader-troupe-1-once-more", dance_troupe)
    j.go(leader, leader.locator("main").get_by_role("link", name=t("Subscribe to the calendar")))
    j.step(
        leader,
        "leader-subscribe",
        t("Put the schedule of %(name)s on your phone", name=dance_troupe),
    )
    feed_url = leader.locator("#feed-url").input_value()
    webcal = leader.locator("a.subscribe-button").get_attribute("href")
    assert webcal == "webcal://" + feed_url.split("://", 1)[1]
    with urllib.request.urlopen(feed_url) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    occurrences = ical_check(
        body, rehearsal_day.isoformat(), (rehearsal_day + timedelta(days=1)).isoformat()
    )
    assert occurrences == [(f"{rehearsal_day} {starts}", f"{rehearsal_day} {ends}", rehearsal)]

    assert j.script_errors == []
    assert len(list(j.folder.glob("*.png"))) == j.number
