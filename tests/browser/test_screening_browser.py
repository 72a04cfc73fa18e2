"""The seed's screening in a real browser: an organizer sets up a round for twelve programs,
five judges score on their sheets, the organizer closes it and six advance. The scores are
built so that the trimmed mean is easy to check by hand."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from festival.judging.models import RoundEntry
from tests import factories
from tests.browser.sign_in import log_in, new_page

pytestmark = pytest.mark.browser

# Judge j gives program i a total of (90 − 3i) + OFFSETS[j]. The trimmed mean drops the
# −4 and the +5 and averages −1, 0, +1: every program scores exactly 90 − 3i.
OFFSETS = [-4, -1, 0, 1, 5]
LAYOUT = 35  # the second criterion's score; the first gets the rest of the total


def logged_in_page(browser, live_server, username):
    context, page = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    log_in(page, username)
    return context, page


def test_twelve_programs_screened_down_to_six_by_five_judges(browser, live_server, session):
    office = factories.make_organization(session, name="Chongchuan office")
    deadline = datetime.now(UTC) + timedelta(days=30)
    festival = factories.make_festival(
        session,
        organization=office,
        deadline=deadline,
        starts_on=(deadline + timedelta(days=20)).date(),
    )
    programs = [
        factories.make_program(session, festival=festival, title=f"Program {i:02d}")
        for i in range(12)
    ]
    factories.make_user(session, role="organizer", username="wang", organization=office)
    judges = [
        factories.make_user(session, role="judge", username=f"judge{j}", display_name=f"Judge {j}")
        for j in range(5)
    ]
    session.commit()

    context, page = logged_in_page(browser, live_server, "wang")
    page.goto(f"/festivals/{festival.id}/rounds")
    page.locator("#name").fill("Preliminary")
    page.locator("#advance_count").fill("6")
    page.locator("#criteria-0-name").fill("Performance")
    page.locator("#criteria-0-max_score").fill("60")
    page.locator("#criteria-1-name").fill("Staging")
    page.locator("#criteria-1-max_score").fill("40")
    page.get_by_role("button", name="Create the round").click()
    round_url = page.url
    for judge in judges:
        page.locator("#judge-account").select_option(value=str(judge.id))
        page.get_by_role("button", name="Assign").click()
    page.get_by_role("button", name="Enter every submitted program").click()
    round_id = int(round_url.rstrip("/").split("/")[-1])

    for j, judge in enumerate(judges):
        judge_context, sheet = logged_in_page(browser, live_server, judge.username)
        sheet.goto(f"/rounds/{round_id}/sheet")
        for i, program in enumerate(programs):
            total = 90 - 3 * i + OFFSETS[j]
            row = sheet.locator(f"#program-{program.id}")
            inputs = row.locator("input[type=number]")
            inputs.nth(0).fill(str(total - LAYOUT))
            inputs.nth(1).fill(str(LAYOUT))
            row.get_by_role("button", name="Save").click()
            row.locator(".sheet-state.is-saved").wait_for()
        assert "12 of 12" in sheet.locator("main").inner_text()
        if j == 0:
            sheet.screenshot(path="test-artifacts/screening-sheet.png", full_page=True)
        judge_context.close()

    page.goto(f"/rounds/{round_id}/results")
    ranking = page.locator("table.ranking tbody tr")
    assert ranking.count() == 12
    first = ranking.nth(0).inner_text()
    assert "Program 00" in first and "90.00" in first
    assert "75.00" in ranking.nth(5).inner_text()  # 90 − 3 × 5
    page.screenshot(path="test-artifacts/screening-results.png", full_page=True)

    page.goto(f"/rounds/{round_id}/close")
    listed = page.locator("main").inner_text()
    assert all(f"Program {i:02d}" in listed for i in range(6))
    assert "Program 06" not in listed
    page.get_by_role("button", name="Close the round and advance these 6 programs").click()
    assert "closed" in page.locator("main").inner_text().lower()
    context.close()

    session.rollback()
    entries = (
        session.execute(
            select(RoundEntry)
            .where(RoundEntry.round_id == round_id)
            .order_by(RoundEntry.final_rank)
        )
        .scalars()
        .all()
    )
    assert [e.final_score for e in entries] == [Decimal(90 - 3 * i) for i in range(12)]
    assert [e.advanced for e in entries] == [True] * 6 + [False] * 6
