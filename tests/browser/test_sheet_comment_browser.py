"""A judge's comment (点评) on the score sheet's phone card at 390×844: the box is on the card
under the scores, typing in it alone counts as a change (leaving asks first, Next saves it),
and Enter in it starts a new line instead of leaving the card."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.judging.models import ScoreComment
from tests.browser.test_score_sheet_phone_browser import PHONE, build_sheet, open_sheet

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue18"
ASKS = (
    "() => { const e = new Event('beforeunload', {cancelable: true});"
    " window.dispatchEvent(e); return e.defaultPrevented; }"
)


def stored_comments(session) -> list[str]:
    session.rollback()
    return list(session.execute(select(ScoreComment.text)).scalars())


def test_a_comment_on_the_phone_card_is_saved_by_next_and_guarded_on_leaving(
    browser, live_server, session
):
    round_id, program_ids, criterion_ids = build_sheet(session)
    context, page = open_sheet(browser, live_server, PHONE, "en")
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"/rounds/{round_id}/sheet")
    card = page.locator(f"#program-{program_ids[0]}")
    comment = page.locator(f"#comment-{program_ids[0]}")
    expect(page.locator("#score-sheet tr.sheet-row").filter(visible=True)).to_have_count(1)
    expect(card.locator(".sheet-comment-label")).to_contain_text(
        "Comment (optional, at most 500 characters)"
    )
    expect(comment).to_be_visible()
    for j, criterion_id in enumerate(criterion_ids):
        page.locator(f"#score-{program_ids[0]}-{criterion_id}").fill(str(10 - j))
    card.locator(".sheet-save").click()
    expect(card).to_have_attribute("data-complete", "true")
    assert page.evaluate(ASKS) is False

    # A comment alone, scores unchanged: a change not saved yet; Enter makes a new line.
    comment.click()
    page.keyboard.type("动作整齐")
    page.keyboard.press("Enter")
    page.keyboard.type("建议加强队形变化")
    expect(card).to_be_visible()
    expect(comment).to_be_focused()
    assert page.evaluate(ASKS) is True
    comment_box = comment.bounding_box()
    assert comment_box["x"] >= 0 and comment_box["x"] + comment_box["width"] <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "B-sheet-comment-390x844.png"))

    page.locator("#sheet-cards-nav .sheet-next").click()  # saves the comment, then moves on
    expect(page.locator(f"#program-{program_ids[1]}")).to_be_visible()
    expect(card).to_be_hidden()
    assert page.evaluate(ASKS) is False
    assert stored_comments(session) == ["动作整齐\n建议加强队形变化"]

    page.reload()
    expect(page.locator(f"#comment-{program_ids[0]}")).to_have_value("动作整齐\n建议加强队形变化")
    assert errors == []
    context.close()
