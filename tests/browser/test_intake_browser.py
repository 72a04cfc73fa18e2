"""The intake in a real browser: a leader registers a troupe and submits a program; an
organizer imports a 500-row spreadsheet with one bad row, then the corrected file."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from festival.programs.models import Program
from tests import factories
from tests.browser.sign_in import log_in, new_page
from tests.imports.spreadsheets import xlsx_bytes

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def english_page(browser, live_server, app):
    context, page = new_page(browser, live_server, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def open_festival(session, office):
    deadline = datetime.now(UTC) + timedelta(days=30)
    return factories.make_festival(
        session,
        organization=office,
        name="2027 District Showcase",
        deadline=deadline,
        max_minutes=8,
        starts_on=(deadline + timedelta(days=20)).date(),
    )


def test_leader_registers_a_troupe_adds_members_and_submits_a_program(english_page, session):
    page = english_page
    office = factories.make_organization(session, name="Chongchuan office")
    festival = open_festival(session, office)
    factories.make_user(session, role="leader", username="zhang")
    session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    starts_on = festival.starts_on

    log_in(page, "zhang")
    page.get_by_role("navigation").get_by_role("link", name="Troupes").click()
    page.locator("main").get_by_role("link", name="Register a troupe").click()
    page.get_by_label("Name").fill("万年表歌舞团")
    page.get_by_role("button", name="Save").click()
    assert "万年表歌舞团 registered" in page.locator(".flash").inner_text()

    members = [
        ("张秀英", date(1950, 3, 2)),
        ("王小梅", starts_on.replace(year=starts_on.year - 57)),
    ]
    for name, born in members:
        form = page.locator("form", has=page.get_by_label("Date of birth"))
        form.get_by_label("Full name").fill(name)
        form.get_by_label("Date of birth").fill(born.isoformat())
        form.get_by_role("button", name="Add member").click()
        assert f"{name} added." in page.locator(".flash").inner_text()

    page.goto(f"/festivals/{festival.id}")
    page.get_by_role("link", name="Submit a program for 万年表歌舞团").click()
    page.get_by_label("Title").fill("和谐大家园")
    page.get_by_label("Duration (minutes)").fill("7")
    page.get_by_label("张秀英").check()
    page.get_by_label("王小梅").check()
    page.get_by_role("button", name="Submit").click()
    alert = page.locator("fieldset .error").inner_text()
    assert "王小梅 is 57" in alert and "3 years under the minimum age of 60" in alert
    page.screenshot(path=str(ARTIFACTS / "intake-under-age.png"), full_page=True)
    assert session.execute(select(func.count()).select_from(Program)).scalar_one() == 0

    page.get_by_label("王小梅").uncheck()
    page.get_by_role("button", name="Submit").click()
    assert "《和谐大家园》 has been submitted." in page.locator(".flash").inner_text()
    page.get_by_role("navigation").get_by_role("link", name="Home").click()
    assert page.get_by_role("link", name="《和谐大家园》").is_visible()


def test_organizer_imports_500_rows_sees_the_one_bad_row_then_imports_the_fix(
    english_page, session, tmp_path
):
    page = english_page
    office = factories.make_organization(session, name="Nantong office", level="city")
    festival = open_festival(session, office)
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    for n in range(50):
        factories.make_person(session, name=f"成员{n}", birth_date=date(1950, 5, 1), troupe=troupe)
    factories.make_person(session, name="小李", birth_date=date(1970, 1, 1), troupe=troupe)
    factories.make_user(session, role="organizer", username="liwei", organization=office)
    session.commit()

    def workbook(bad: bool) -> Path:
        rows = [["团体名称", "节目名称", "类别", "时长（分钟）", "演员"]]
        for n in range(500):
            performers = f"成员{n % 50}、成员{(n + 1) % 50}" + (
                "、小李" if bad and n == 300 else ""
            )
            rows.append(["万年表歌舞团", f"节目{n}", "舞蹈", 6, performers])
        path = tmp_path / ("bad.xlsx" if bad else "good.xlsx")
        path.write_bytes(xlsx_bytes(rows))
        return path

    log_in(page, "liwei")
    page.goto(f"/festivals/{festival.id}")
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.get_by_label("What the file lists").select_option("programs")
    page.locator("input[type=file]").set_input_files(str(workbook(bad=True)))
    page.locator("main form").get_by_role("button").last.click()
    problems = page.locator(".import-problems tbody tr")
    assert problems.count() == 1
    assert problems.first.locator("td").first.inner_text().strip() == "302"
    assert re.search(r"小李 is 5\d on .* under the minimum age of 60", problems.first.inner_text())
    page.screenshot(path=str(ARTIFACTS / "import-one-bad-row.png"), full_page=True)
    assert session.execute(select(func.count()).select_from(Program)).scalar_one() == 0

    page.get_by_label("What the file lists").select_option("programs")
    page.locator("input[type=file]").set_input_files(str(workbook(bad=False)))
    page.locator("main form").get_by_role("button").last.click()
    assert "500 rows imported" in page.locator(".flash").inner_text()
    session.rollback()
    assert session.execute(select(func.count()).select_from(Program)).scalar_one() == 500
