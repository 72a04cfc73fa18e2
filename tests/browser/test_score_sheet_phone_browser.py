"""The score sheet on a 390×844 phone and at 1280×800, in Chinese and English: a judge scores
twelve programs with the keyboard. Whenever a score box has focus its program's title is in
view; on the phone one program card is shown at a time with Previous/Next and the progress; at
1280 px every column of the sheet, status and Save included, fits the window."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.accounts.models import User
from festival.judging import services
from festival.judging.models import Round, RoundEntry, Score
from festival.judging.scores import save_scores
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue17"
NOW = factories.NOW
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The demo festival's criteria; titles as long as real ones, so that a card header wraps.
CRITERIA = [("艺术表现", 40), ("编排创意", 30), ("舞台效果", 20), ("精神风貌", 10)]
TITLES = [
    "夕阳红",
    "天仙配·夫妻双双把家还",
    "茉莉花开",
    "长江之歌",
    "紫竹调",
    "老年颂",
    "和谐大家园",
    "我和我的祖国",
    "沂蒙山小调",
    "红梅赞",
    "映山红",
    "在希望的田野上",
]


def build_sheet(session):
    """An open round of twelve programs and four criteria, and the judge who scores it."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    troupe = factories.make_troupe(
        session, name="朝阳区万年青老年歌舞团", organization=festival.organization
    )
    programs = [
        factories.make_program(session, festival=festival, troupe=troupe, title=title)
        for title in TITLES
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[{"name": n, "max_score": m, "weight": 1} for n, m in CRITERIA],
        actor=organizer,
        now=NOW,
    )
    judge = factories.make_user(session, role="judge", username="judge_li")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    session.commit()
    criterion_ids = [c.id for c in sorted(round_.criteria, key=lambda c: c.position)]
    return round_.id, [p.id for p in programs], criterion_ids


def stored_scores(session) -> dict[tuple[int, int], Decimal]:
    """(program id, criterion id) → the score stored in the database."""
    session.rollback()
    rows = session.execute(
        select(RoundEntry.program_id, Score.criterion_id, Score.value).join(
            RoundEntry, Score.entry_id == RoundEntry.id
        )
    )
    return {(program_id, criterion_id): value for program_id, criterion_id, value in rows}


def score_of(program_index: int, criterion_index: int) -> Decimal:
    return (
        Decimal(CRITERIA[criterion_index][1])
        - program_index % 6
        - Decimal("0.25") * criterion_index
    )


def open_sheet(browser, live_server, viewport, language, *, javascript=True):
    context, page = new_page(
        browser,
        live_server,
        viewport=viewport,
        locale="zh-CN" if language == "zh" else "en-US",
        java_script_enabled=javascript,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    log_in(page, "judge_li")
    return context, page


def assert_in_view(page, locator, what: str) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None, f"{what} is not shown"
    assert box["y"] >= -0.5 and box["y"] + box["height"] <= size["height"] + 0.5, (
        f"{what} is outside the window vertically: {box}"
    )
    assert box["x"] >= -0.5 and box["x"] + box["width"] <= size["width"] + 0.5, (
        f"{what} is outside the window horizontally: {box}"
    )


def assert_title_in_view(page, program_id: int) -> None:
    assert_in_view(page, page.locator(f"#program-{program_id}-title"), f"title of {program_id}")


def assert_every_column_fits(page) -> None:
    """Each header, each cell of the first row and its Save button lie inside the window, and
    neither the sheet nor the page scrolls sideways."""
    width = page.viewport_size["width"]
    for cell in (
        page.locator("#score-sheet thead th").all()
        + page.locator("#score-sheet tr.sheet-row").first.locator("th, td, button").all()
    ):
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{cell.text_content()!r} is cut off: {box}"
        )
    overflow = page.evaluate(
        """() => {
          const box = document.querySelector('.sheet-scroll');
          return [box.scrollWidth - box.clientWidth,
                  document.documentElement.scrollWidth - window.innerWidth];
        }"""
    )
    assert overflow[0] <= 0 and overflow[1] <= 0, f"horizontal overflow {overflow}"


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390x844", "1280x800"])
def test_judge_scores_twelve_programs_with_each_title_in_view(
    browser, live_server, session, viewport, language
):
    round_id, program_ids, criterion_ids = build_sheet(session)
    on_phone = viewport is PHONE
    size = f"{viewport['width']}x{viewport['height']}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = open_sheet(browser, live_server, viewport, language)
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.goto(f"/rounds/{round_id}/sheet")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN" if language == "zh" else "en")
    rows = page.locator("#score-sheet tr.sheet-row")
    nav = page.locator("#sheet-cards-nav")
    previous, next_ = nav.locator(".sheet-prev"), nav.locator(".sheet-next")
    progress_bar = page.locator("#sheet-progress-bar")

    def box(program_index, criterion_index):
        return page.locator(f"#score-{program_ids[program_index]}-{criterion_ids[criterion_index]}")

    def expect_card(index):
        """On the phone, program ``index`` alone is shown, with where it is and the progress."""
        if not on_phone:
            expect(rows.filter(visible=True)).to_have_count(12)
            expect(nav).to_be_hidden()
            return
        expect(rows.filter(visible=True)).to_have_count(1)
        expect(page.locator(f"#program-{program_ids[index]}")).to_be_visible()
        expect(nav).to_be_visible()
        assert_in_view(page, next_, "the Next button")
        assert_in_view(page, previous, "the Previous button")
        if language == "en":
            expect(nav.locator(".sheet-cards-position")).to_have_text(f"Program {index + 1} of 12")
            expect(previous).to_have_text("‹ Previous")
            expect(next_).to_have_text("Next ›")
        expect(nav.locator(".sheet-cards-scored")).to_have_text(
            page.locator("#sheet-progress").inner_text()
        )
        if index == 0:
            expect(previous).to_be_disabled()
        else:
            expect(previous).to_be_enabled()

    if not on_phone:
        assert_every_column_fits(page)
    expect_card(0)
    page.screenshot(path=str(SHOTS / f"A-sheet-{size}-{language}-start.png"))

    # A value over the maximum is flagged before anything is saved.
    first = box(0, 0)
    first.click()
    page.keyboard.type("45")
    expect(first).to_have_attribute("aria-invalid", "true")
    if language == "en":
        expect(page.locator(f"#{first.get_attribute('id')}-error")).to_have_text(
            "艺术表现 is scored from 0 to 40."
        )
    assert stored_scores(session) == {}
    first.fill("")

    for i, program_id in enumerate(program_ids):
        expect_card(i)
        for j in range(len(CRITERIA)):
            expect(box(i, j)).to_be_focused()
            assert_title_in_view(page, program_id)
            page.keyboard.type(str(score_of(i, j)))
            if i == 0 and j == 0:
                page.screenshot(path=str(SHOTS / f"A-sheet-{size}-{language}-typing.png"))
            if on_phone and i == 5 and j == len(CRITERIA) - 1:
                next_.click()  # Next saves what was typed, then shows the next program
            else:
                page.keyboard.press("Enter")  # the next box; after the last, save and move on
        row = page.locator(f"#program-{program_id}")
        expect(row).to_have_attribute("data-complete", "true")
        if language == "en":
            expect(row.locator(".sheet-state")).to_have_text("saved")
        expect(progress_bar).to_have_attribute("value", str(i + 1))
        if i == len(program_ids) - 1:
            break
        expect(box(i + 1, 0)).to_be_focused()
        assert_title_in_view(page, program_ids[i + 1])

    if language == "en":
        expect(page.locator("#sheet-progress")).to_have_text("12 of 12 programs scored")
    if on_phone:
        expect_card(11)
        expect(next_).to_be_disabled()
        page.screenshot(path=str(SHOTS / f"A-sheet-{size}-{language}-saved.png"))
        previous.click()  # Previous: the program before, as saved
        expect_card(10)
        expect(box(10, 0)).to_be_focused()
        assert_title_in_view(page, program_ids[10])
        expect(box(10, 0)).to_have_value(f"{score_of(10, 0):.2f}")
    else:
        assert_every_column_fits(page)
        page.screenshot(path=str(SHOTS / f"A-sheet-{size}-{language}-saved.png"), full_page=True)

    assert stored_scores(session) == {
        (p, c): score_of(i, j)
        for i, p in enumerate(program_ids)
        for j, c in enumerate(criterion_ids)
    }

    page.reload()
    expect(progress_bar).to_have_attribute("value", "12")
    for i, j in [(0, 0), (5, 3), (11, 2)]:
        expect(box(i, j)).to_have_value(f"{score_of(i, j):.2f}")
    assert console_errors == []
    context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_without_javascript_a_phone_shows_every_card_each_title_in_view(
    browser, live_server, session, language
):
    round_id, program_ids, criterion_ids = build_sheet(session)
    context, page = open_sheet(browser, live_server, PHONE, language, javascript=False)
    page.goto(f"/rounds/{round_id}/sheet")
    expect(page.locator("#score-sheet tr.sheet-row").filter(visible=True)).to_have_count(12)
    expect(page.locator("#sheet-cards-nav")).to_be_hidden()
    for i in (0, 6, 11):
        for j, criterion_id in enumerate(criterion_ids):
            field = page.locator(f"#score-{program_ids[i]}-{criterion_id}")
            field.focus()
            assert_title_in_view(page, program_ids[i])
            assert_in_view(page, field, "the focused box")
            field.fill(str(score_of(i, j)))
    # Enter in a box submits its own program's form, and the page comes back to that card.
    page.locator(f"#score-{program_ids[6]}-{criterion_ids[3]}").press("Enter")
    page.wait_for_url(f"**/rounds/{round_id}/sheet#program-{program_ids[6]}")
    assert_title_in_view(page, program_ids[6])
    page.screenshot(path=str(SHOTS / f"A-sheet-390x844-{language}-nojs.png"))
    assert stored_scores(session) == {
        (program_ids[6], c): score_of(6, j) for j, c in enumerate(criterion_ids)
    }
    context.close()


def test_a_round_with_more_criteria_than_fit_says_the_sheet_scrolls_sideways(
    browser, live_server, session
):
    """Nine criteria do not fit 1280 px: the sheet scrolls, and says so, instead of hiding
    the Save column."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    program = factories.make_program(session, festival=festival, title="夕阳红")
    round_ = services.create_round(
        session,
        festival=festival,
        name="复选",
        criteria=[{"name": f"评分项目第{n}项", "max_score": 10, "weight": 1} for n in range(9)],
        actor=organizer,
        now=NOW,
    )
    judge = factories.make_user(session, role="judge", username="judge_li")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(session, round_=round_, program_ids=[program.id], actor=organizer, now=NOW)
    session.commit()
    context, page = open_sheet(browser, live_server, DESKTOP, "en")
    page.goto(f"/rounds/{round_.id}/sheet")
    overflow = page.evaluate(
        "() => { const b = document.querySelector('.sheet-scroll');"
        " return b.scrollWidth - b.clientWidth; }"
    )
    hint = page.locator(".sheet-scroll").locator("xpath=preceding-sibling::p[1]")
    assert overflow > 1
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Scroll sideways")
    expect(page.locator(".sheet-scroll")).to_have_attribute("tabindex", "0")
    context.close()


def save_first(session, round_id, program_ids, criterion_ids, count):
    """The judge has already scored the first ``count`` programs."""
    round_ = session.get(Round, round_id)
    judge = session.scalars(select(User).where(User.username == "judge_li")).one()
    for i in range(count):
        save_scores(
            session,
            round_=round_,
            program_id=program_ids[i],
            judge=judge,
            values={str(c): str(score_of(i, j)) for j, c in enumerate(criterion_ids)},
            now=NOW,
        )
    session.commit()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_phone_opens_on_the_card_to_score_named_in_the_foot_bar(
    browser, live_server, session, language
):
    """On a phone the criteria explanation starts folded: the card to score is on the first
    screen, the foot bar names it (a long title cut short), and the progress is said once."""
    round_id, program_ids, criterion_ids = build_sheet(session)
    save_first(session, round_id, program_ids, criterion_ids, 1)
    context, page = open_sheet(browser, live_server, PHONE, language)
    page.goto(f"/rounds/{round_id}/sheet")
    nav = page.locator("#sheet-cards-nav")
    expect(nav).to_be_visible()
    row = page.locator(f"#program-{program_ids[1]}")
    expect(row).to_be_visible()
    assert page.evaluate("window.scrollY") == 0
    assert_title_in_view(page, program_ids[1])
    assert_in_view(page, page.locator(f"#score-{program_ids[1]}-{criterion_ids[0]}"), "first box")
    expect(page.locator("#sheet-criteria-box")).not_to_have_attribute("open", "")
    title = nav.locator(".sheet-cards-title")
    expect(title).to_have_text(row.locator(".sheet-program").inner_text())
    assert_in_view(page, title, "the title in the foot bar")
    assert page.evaluate(
        "() => { const t = document.querySelector('.sheet-cards-title');"
        " return getComputedStyle(t).textOverflow === 'ellipsis'"
        " && t.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(t).lineHeight); }"
    ), "the title in the foot bar takes one line"
    if language == "en":
        expect(nav.locator(".sheet-cards-position")).to_have_text("Program 2 of 12")
        expect(nav.locator(".sheet-cards-scored")).to_have_text("1 of 12 programs scored")
    # "1 of 12 programs scored" is shown once: in the foot bar, not also at the top.
    top = page.locator(".sheet-progress").bounding_box()
    assert top is None or top["width"] <= 1, f"the progress is shown twice: {top}"
    expect(nav.locator(".sheet-cards-scored")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"A-sheet-390x844-{language}-open.png"))
    # Next names the next program; the criteria unfold on a tap.
    nav.locator(".sheet-next").click()
    expect(title).to_have_text(
        page.locator(f"#program-{program_ids[2]} .sheet-program").inner_text()
    )
    page.locator("#sheet-criteria-box > summary").click()
    expect(page.locator("table.sheet-criteria")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_criteria_open_on_desktop_and_without_javascript(
    browser, live_server, session, language, javascript
):
    round_id, _, _ = build_sheet(session)
    viewport = DESKTOP if javascript else PHONE
    context, page = open_sheet(browser, live_server, viewport, language, javascript=javascript)
    page.goto(f"/rounds/{round_id}/sheet")
    expect(page.locator("#sheet-criteria-box")).to_have_attribute("open", "")
    expect(page.locator("table.sheet-criteria")).to_be_visible()
    expect(page.locator("#sheet-progress")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_criteria_table_fits_a_phone_without_a_scroll_hint(
    browser, live_server, session, language, javascript
):
    round_id, _, _ = build_sheet(session)
    context, page = open_sheet(browser, live_server, PHONE, language, javascript=javascript)
    page.goto(f"/rounds/{round_id}/sheet")
    box = page.locator("#sheet-criteria-box")
    if javascript:
        box.locator("summary").click()
    table = page.locator("table.sheet-criteria")
    expect(table).to_be_visible()
    expect(box.locator(".table-scroll-hint")).to_have_count(1 if javascript else 0)
    expect(box.locator(".table-scroll-hint")).to_be_hidden()
    overflow = table.evaluate(
        "t => { const b = t.closest('.table-scroll') || t;"
        " return [b.scrollWidth - b.clientWidth, t.scrollWidth - t.clientWidth]; }"
    )
    assert max(overflow) <= 1, f"the criteria table overflows by {overflow} px"
    for header in table.locator("thead th").all():
        assert_in_view(page, header, f"the header {header.inner_text()!r}")
    if javascript:
        page.screenshot(path=str(SHOTS / f"A-sheet-390x844-{language}-criteria.png"))
    context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_leaving_with_typed_scores_not_saved_asks_first(browser, live_server, session, language):
    """Two of four scores typed and the save refused as incomplete: closing or reloading the
    page asks first; saving the sheet's own form does not; once saved, leaving does not ask."""
    round_id, program_ids, criterion_ids = build_sheet(session)
    context, page = open_sheet(browser, live_server, PHONE, language)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.goto(f"/rounds/{round_id}/sheet")
    row = page.locator(f"#program-{program_ids[0]}")

    def wait_for_dialogs(count):
        for _ in range(50):
            if len(dialogs) >= count:
                break
            page.wait_for_timeout(100)
        assert dialogs == ["beforeunload"] * count

    # Nothing typed: leaving does not ask (checked on the handler, as closing would end the test).
    asks = (
        "() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; }"
    )
    assert page.evaluate(asks) is False
    for j in range(2):
        page.locator(f"#score-{program_ids[0]}-{criterion_ids[j]}").fill(str(score_of(0, j)))
    assert page.evaluate(asks) is True
    row.locator(".sheet-save").click()  # refused: two scores are missing
    expect(row).to_have_class(re.compile(r"\bhas-error\b"))
    expect(row.locator("input[aria-invalid=true]")).to_have_count(2)
    assert dialogs == []  # the row's own form stays on the page and does not ask
    page.close(run_before_unload=True)
    wait_for_dialogs(1)
    assert not page.is_closed()
    page.evaluate("() => { location.reload(); }")  # asks too; dismissed, the page stays
    wait_for_dialogs(2)
    expect(page.locator(f"#score-{program_ids[0]}-{criterion_ids[1]}")).to_have_value(
        str(score_of(0, 1))
    )
    for j in range(2, 4):
        page.locator(f"#score-{program_ids[0]}-{criterion_ids[j]}").fill(str(score_of(0, j)))
    row.locator(".sheet-save").click()
    expect(row).to_have_attribute("data-complete", "true")
    assert page.evaluate(asks) is False
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"] * 2
    context.close()
