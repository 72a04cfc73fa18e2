"""Attendance and the roster import on a phone and a desktop, in Chinese and English: an empty
roll call asks before saving everyone as absent, a late joiner counts from the day they joined,
and re-importing a roster previews what is added and changed (issue 17, items 4 and 9).
Screenshots go to test-artifacts/issue17/d-*.png."""

from datetime import date, datetime, time
from pathlib import Path

import pytest

from festival.schedules import services
from festival.schedules.models import Attendance
from festival.troupes.models import Membership, Person
from tests import factories
from tests.browser import sign_in
from tests.checks import row_count
from tests.imports.spreadsheets import csv_bytes

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "issue17"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
PARAMS = pytest.mark.parametrize(
    "size,language", [(s, lang) for s in SIZES for lang in ("zh", "en")]
)


def new_page(browser, live_server, size, language, username):
    width, height = SIZES[size]
    context, page = sign_in.new_page(
        browser, live_server, locale="zh-CN", viewport={"width": width, "height": height}
    )
    sign_in.log_in(page, username)
    if language == "en":
        page.goto("/language/en?next=/")
    return context, page


def in_view(page, locator) -> dict:
    """The element's box, after checking it lies inside the viewport without scrolling."""
    box = locator.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
    return box


@pytest.fixture
def roll(session, office):
    """A leader's troupe of five on Saturdays from 2026-01-03; 王新 joined on 2026-01-06."""
    leader = factories.make_user(session, role="leader", username="hongfeng")
    troupe = factories.make_troupe(session, name="红枫艺术团", organization=office, leader=leader)
    people = [
        factories.make_person(session, name=name, troupe=troupe)
        for name in ("钱秀兰", "孙桂英", "李玉珍", "周凤英", "王新")
    ]
    session.get(Membership, (troupe.id, people[-1].id)).joined_on = date(2026, 1, 6)
    event = services.create_event(
        session,
        troupe=troupe,
        zone="Asia/Shanghai",
        actor=leader,
        now=factories.NOW,
        details=services.EventDetails(
            title="周六排练",
            kind="training",
            starts_at=datetime.combine(date(2026, 1, 3), time(9)),
            ends_at=datetime.combine(date(2026, 1, 3), time(11)),
            location="文化馆",
            rule="FREQ=WEEKLY;BYDAY=SA;COUNT=4",
        ),
    )
    session.commit()
    return troupe, event, people


@PARAMS
def test_an_empty_roll_call_asks_first_and_a_late_joiner_counts_from_joining(
    browser, live_server, session, roll, size, language
):
    troupe, event, people = roll
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, live_server, size, language, "hongfeng")
    try:
        # The session before 王新 joined: she is not on its roll call.
        page.goto(f"/events/{event.id}/attendance/2026-01-03")
        assert page.locator(f"#present-{people[-1].id}").count() == 0
        assert page.locator(f"#present-{people[0].id}").count() == 1
        assert page.locator(".roll-newcomers").is_visible()
        page.locator(f"label[for=present-{people[0].id}]").click()
        page.locator(".roll-save button[type=submit]").click()
        page.wait_for_url(f"**/events/{event.id}")
        assert row_count(session, Attendance) == 4

        # No one ticked: the page asks, in view, and stores nothing until confirmed.
        page.goto(f"/events/{event.id}/attendance/2026-01-10")
        page.locator(".roll-save button[type=submit]").click()
        question = page.locator(".all-absent-question")
        question.wait_for()
        in_view(page, question.locator("h2"))
        confirm = question.locator("button[type=submit]")
        box = in_view(page, confirm)
        assert box["height"] >= 44
        if language == "en":
            assert "No one is marked present. Save everyone as absent?" in question.inner_text()
        page.screenshot(path=str(ARTIFACTS / f"d-rollcall-{size}-{language}.png"), full_page=True)
        assert row_count(session, Attendance) == 4
        confirm.click()
        page.wait_for_url(f"**/events/{event.id}")
        assert row_count(session, Attendance, Attendance.present.is_(False)) == 3 + 5

        # The rates: 王新 had one session, the others two; the weekly table agrees.
        page.goto(f"/troupes/{troupe.id}/attendance?from=2026-01-01&to=2026-01-31")
        rows = page.locator(".attendance-table tbody tr")
        sessions = {
            rows.nth(i).locator("th").inner_text().split("\n")[0]: rows.nth(i)
            .locator("td")
            .first.inner_text()
            for i in range(rows.count())
        }
        assert sessions == {"钱秀兰": "2", "孙桂英": "2", "李玉珍": "2", "周凤英": "2", "王新": "1"}
        weeks = page.locator(".attendance-weeks tbody td:nth-child(3)").all_inner_texts()
        assert [w for w in weeks if w != "0 / 0"] == ["1 / 4", "0 / 5"]
        page.screenshot(path=str(ARTIFACTS / f"d-rates-{size}-{language}.png"), full_page=True)
    finally:
        context.close()


@PARAMS
def test_reimporting_a_roster_previews_added_and_changed_then_updates(
    browser, live_server, session, office, festival, organizer, size, language, tmp_path
):
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    wang = factories.make_person(session, name="王秀英", birth_date=date(1950, 5, 1), troupe=troupe)
    wang.phone = "13800000000"
    factories.make_person(session, name="李桂兰", birth_date=date(1950, 5, 1), troupe=troupe)
    session.commit()
    roster = tmp_path / "roster.csv"
    roster.write_bytes(
        csv_bytes(
            [
                ["团体名称", "姓名", "出生日期", "性别", "电话"],
                ["万年表歌舞团", "王秀英", "1950-05-01", "女", "13911112222"],
                ["万年表歌舞团", "李桂兰", "1950-05-01", "", ""],
                ["万年表歌舞团", "周阿姨", "1952-03-08", "女", ""],
            ]
        )
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context, page = new_page(browser, live_server, size, language, organizer.username)
    try:
        page.goto(f"/festivals/{festival.id}/import")
        page.select_option("#kind", "members")
        page.set_input_files("#file", str(roster))
        page.locator("button[name=step][value=preview]").click()
        preview = page.locator(".import-preview")
        preview.wait_for()
        counts = preview.locator(".import-counts li strong").all_inner_texts()
        assert counts == ["1", "1", "1"]
        if language == "en":
            assert "电话 (phone): 13800000000 → 13911112222" in preview.inner_text()
        button = preview.locator("button[type=submit]")
        width = page.viewport_size["width"]
        box = button.bounding_box()
        assert box["x"] + box["width"] <= width and box["height"] >= 44
        page.screenshot(path=str(ARTIFACTS / f"d-import-{size}-{language}.png"))
        assert row_count(session, Membership) == 2
        button.click()
        page.wait_for_url(f"**/festivals/{festival.id}/import")
        assert row_count(session, Membership) == 3
        session.expire_all()
        assert session.get(Person, wang.id).phone == "13911112222"
    finally:
        context.close()
