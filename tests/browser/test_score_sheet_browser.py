"""The score sheet in a real browser: a judge types scores with the keyboard, sees a value over
the maximum flagged before saving, saves with Enter, and finds the scores again after a reload."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from festival.judging import services
from festival.judging.models import Score
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NOW = factories.NOW


@pytest.fixture
def english_page(browser, live_server, app):
    context, page = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def test_judge_scores_with_the_keyboard_and_finds_the_scores_after_a_reload(english_page, session):
    page = english_page
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="admin")
    programs = [
        factories.make_program(session, festival=festival, title=title)
        for title in ("夕阳红", "和谐大家园", "茉莉花")
    ]
    round_ = services.create_round(
        session,
        festival=festival,
        name="初选",
        criteria=[
            {"name": "艺术表现", "max_score": 60, "weight": 1},
            {"name": "编排", "max_score": 40, "weight": "0.5"},
        ],
        actor=organizer,
        now=NOW,
    )
    judge = factories.make_user(session, role="judge", username="judge_wang")
    services.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    services.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    session.commit()
    round_id = round_.id
    ARTIFACTS.mkdir(exist_ok=True)

    console_errors = []  # a CSP violation (inline script or style) shows up here
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    log_in(page, "judge_wang")
    page.goto("/judging")
    page.get_by_role("link", name="Score sheet: 初选").click()
    expect(page.locator("#sheet-progress")).to_have_text("0 of 3 programs scored")

    art = page.get_by_label("艺术表现 for 《夕阳红》")
    layout = page.get_by_label("编排 for 《夕阳红》")
    art.fill("120")
    expect(page.locator(f"#{art.get_attribute('id')}-error")).to_have_text(
        "艺术表现 is scored from 0 to 60."
    )
    expect(art).to_have_attribute("aria-invalid", "true")
    session.rollback()
    assert session.execute(select(func.count()).select_from(Score)).scalar_one() == 0

    art.fill("55.5")
    expect(page.locator(f"#{art.get_attribute('id')}-error")).to_have_text("")
    art.press("Enter")
    expect(layout).to_be_focused()
    layout.fill("30")
    row = page.locator(f"#program-{programs[0].id}")
    expect(row.locator(".sheet-total")).to_have_text("70.50")  # live, before saving
    layout.press("Enter")  # leaving the row's last box saves it
    expect(row.locator(".sheet-state")).to_have_text("saved")
    expect(page.locator("#sheet-progress")).to_have_text("1 of 3 programs scored")
    expect(page.get_by_label("艺术表现 for 《和谐大家园》")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "score-sheet-saved.png"), full_page=True)

    page.reload()
    expect(page.locator("#sheet-progress")).to_have_text("1 of 3 programs scored")
    expect(page.get_by_label("艺术表现 for 《夕阳红》")).to_have_value("55.50")
    expect(page.get_by_label("编排 for 《夕阳红》")).to_have_value("30.00")
    expect(page.locator(f"#program-{programs[0].id} .sheet-total")).to_have_text("70.50")
    assert page.url.endswith(f"/rounds/{round_id}/sheet")
    session.rollback()
    assert sorted(session.execute(select(Score.value)).scalars()) == [30, 55.5]
    assert console_errors == []
