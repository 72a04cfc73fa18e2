"""Import and export through pages: what an organizer sees, what others are refused."""

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from festival.imports.limits import MAX_BYTES
from festival.programs.models import Program
from festival.troupes.models import Membership, Troupe
from tests import factories
from tests.imports.spreadsheets import csv_bytes, xlsx_bytes, xlsx_values

ENGLISH = {"Accept-Language": "en"}
PROGRAM_HEADER = ["团体名称", "节目名称", "类别", "时长（分钟）", "演员"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def count(session, model) -> int:
    session.commit()  # a new transaction sees what the requests committed
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def problem_rows(response) -> list[tuple[str, str, str]]:
    """(row, column, problem) of each line of the problems table."""
    section = re.search(
        r'<section class="card import-problems".*?</section>', text_of(response), re.S
    )
    if section is None:
        return []
    return re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", section.group(0), re.S
    )


def field_error(response, field: str) -> str:
    found = re.search(
        rf'<p class="error" id="{field}-error" role="alert">(.*?)</p>', text_of(response), re.S
    )
    return found.group(1) if found else ""


@pytest.fixture
def world(session):
    """An open festival of a city office, a troupe of 50 members aged 76 and one aged 56."""
    office = factories.make_organization(session, name="南通市老龄办", level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    for n in range(50):
        factories.make_person(session, name=f"成员{n}", birth_date=date(1950, 5, 1), troupe=troupe)
    factories.make_person(session, name="小李", birth_date=date(1970, 1, 1), troupe=troupe)
    session.commit()
    return festival, office


@pytest.fixture
def organizer(world, login_as):
    festival, office = world
    return login_as("organizer", organization=office)


def upload(client, url: str, kind: str, content: bytes, filename: str):
    return client.raw.post(
        url,
        headers=ENGLISH,
        content_type="multipart/form-data",
        data={
            "kind": kind,
            "file": (io.BytesIO(content), filename),
            "csrf_token": client.csrf_token(),
        },
    )


def program_rows(size: int, *, bad_index: int | None = None) -> list[list]:
    rows = [PROGRAM_HEADER]
    for n in range(size):
        performers = f"成员{n % 50}、成员{(n + 1) % 50}"
        if n == bad_index:
            performers += "、小李"
        rows.append(["万年表歌舞团", f"节目{n}", "舞蹈", 6, performers])
    return rows


def test_a_500_row_file_with_one_under_age_performer_reports_that_row_and_stores_nothing(
    client, session, world, organizer
):
    festival, _ = world
    url = f"/festivals/{festival.id}/import"

    response = upload(
        client, url, "programs", xlsx_bytes(program_rows(500, bad_index=300)), "programs.xlsx"
    )

    assert response.status_code == 200
    assert "Nothing was stored" in text_of(response)
    [(row, column, problem)] = problem_rows(response)
    assert row == "302"  # header on row 1, the 301st program on row 302
    assert column == "演员 (performers)"
    assert "小李 is 56" in problem and "minimum age of 60" in problem
    assert count(session, Program) == 0

    response = upload(client, url, "programs", xlsx_bytes(program_rows(500)), "programs.xlsx")

    assert response.status_code == 302
    assert urlsplit(response.location).path == url
    assert "500 rows imported" in text_of(client.get(url, headers=ENGLISH))
    assert count(session, Program) == 500


def test_a_csv_with_byte_order_mark_and_english_headers_imports(client, session, world, organizer):
    festival, _ = world
    rows = [
        ["troupe", "Name", "Birth date", "Gender"],
        ["万年表歌舞团", "周阿姨", "1949/10/1", "女"],
    ]

    response = upload(
        client,
        f"/festivals/{festival.id}/import",
        "members",
        csv_bytes(rows, "utf-8-sig"),
        "members.csv",
    )

    assert response.status_code == 302
    assert count(session, Membership) == 52


def test_a_csv_saved_in_gb18030_imports(client, session, world, organizer):
    festival, _ = world
    rows = [["团体名称", "类型"], ["太极拳展示队", "队"]]

    response = upload(
        client,
        f"/festivals/{festival.id}/import",
        "troupes",
        csv_bytes(rows, "gb18030"),
        "团体.csv",
    )

    assert response.status_code == 302
    export = client.get(f"/festivals/{festival.id}/export/troupes.csv")
    assert "太极拳展示队,队" in export.get_data().decode("utf-8-sig")


def test_a_file_over_5_mb_is_refused_with_a_message(client, session, world, organizer):
    festival, _ = world

    response = upload(
        client,
        f"/festivals/{festival.id}/import",
        "programs",
        b"x" * (MAX_BYTES + 1),
        "programs.csv",
    )

    assert response.status_code == 200
    assert "larger than 5 MB" in field_error(response, "file")


def test_a_png_renamed_xlsx_is_refused_with_a_message(client, session, world, organizer):
    festival, _ = world

    response = upload(client, f"/festivals/{festival.id}/import", "programs", PNG, "photo.xlsx")

    assert "This file is not a spreadsheet" in field_error(response, "file")


def test_a_file_that_is_not_xlsx_or_csv_by_name_is_refused(client, session, world, organizer):
    festival, _ = world

    response = upload(client, f"/festivals/{festival.id}/import", "programs", PNG, "photo.png")

    assert "Upload an .xlsx or .csv file." in field_error(response, "file")


def test_a_missing_column_is_reported_on_the_header_row(client, session, world, organizer):
    festival, _ = world
    rows = [["团体名称", "节目名称"], ["万年表歌舞团", "和谐大家园"]]

    response = upload(
        client, f"/festivals/{festival.id}/import", "programs", xlsx_bytes(rows), "programs.xlsx"
    )

    assert [(row, column) for row, column, _ in problem_rows(response)] == [
        ("1", "类别 (category)"),
        ("1", "时长（分钟） (duration_minutes)"),
        ("1", "演员 (performers)"),
    ]


def test_the_import_page_lists_every_column_in_both_languages(client, world, organizer):
    festival, _ = world

    page = text_of(client.get(f"/festivals/{festival.id}/import", headers=ENGLISH))

    for chinese, english in [
        ("团体名称", "name"),
        ("团长账号", "leader_username"),
        ("出生日期", "birth_date"),
        ("时长（分钟）", "duration_minutes"),
    ]:
        assert chinese in page and f"<code>{english}</code>" in page
    assert "/imports/templates/programs.xlsx" in page
    assert f"/festivals/{festival.id}/export/members.csv" in page


# Templates


@pytest.mark.parametrize("kind", ["troupes", "members", "programs"])
def test_the_xlsx_template_opens_with_the_chinese_headers_and_an_example(client, login_as, kind):
    login_as("organizer")

    response = client.get(f"/imports/templates/{kind}.xlsx")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    header, example = xlsx_values(response.get_data())
    assert "团体名称" in header
    assert any(example)


def test_the_csv_template_has_the_byte_order_mark_and_chinese_headers(client, login_as):
    login_as("admin")

    response = client.get("/imports/templates/programs.csv")

    assert response.get_data().startswith(b"\xef\xbb\xbf")
    assert response.get_data().decode("utf-8-sig").startswith("团体名称,所属单位,节目名称")


def test_an_unknown_template_is_404(client, login_as):
    login_as("organizer")

    assert client.get("/imports/templates/judges.xlsx").status_code == 404
    assert client.get("/imports/templates/programs.xls").status_code == 404


# Exports


def test_exports_give_the_festivals_lists_in_both_formats(client, session, world, organizer):
    festival, _ = world
    troupe = session.execute(select(Troupe).where(Troupe.name == "万年表歌舞团")).scalar_one()
    factories.make_program(
        session, festival=festival, troupe=troupe, title='=HYPERLINK("http://evil.example","点我")'
    )
    factories.make_troupe(session, name="外区剧团")  # another organisation's: not exported
    session.commit()

    members = client.get(f"/festivals/{festival.id}/export/members.xlsx")
    programs_csv = client.get(f"/festivals/{festival.id}/export/programs.csv")
    programs_xlsx = client.get(f"/festivals/{festival.id}/export/programs.xlsx")
    troupes = client.get(f"/festivals/{festival.id}/export/troupes.csv")

    assert members.status_code == 200
    rows = xlsx_values(members.get_data())
    assert rows[0] == ("团体名称", "所属单位", "姓名", "出生日期", "性别", "电话")
    assert len(rows) == 1 + 54  # 51 members and the program's 3 performers
    assert programs_csv.get_data().startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in programs_csv.get_data().decode("utf-8-sig")
    [_, program] = xlsx_values(programs_xlsx.get_data())
    assert program[2] == '\'=HYPERLINK("http://evil.example","点我")'
    assert "外区剧团" not in troupes.get_data().decode("utf-8-sig")
    disposition = programs_xlsx.headers["Content-Disposition"]
    assert f'filename="festival-{festival.id}-programs.xlsx"' in disposition
    assert "filename*=UTF-8''" in disposition
    assert programs_xlsx.headers["Cache-Control"] == "private, no-store"


# Who may


@pytest.mark.parametrize("role", ["leader", "judge"])
def test_leaders_and_judges_are_refused(client, session, world, login_as, role):
    festival, _ = world
    login_as(role)

    assert client.get(f"/festivals/{festival.id}/import").status_code == 403
    assert (
        upload(
            client,
            f"/festivals/{festival.id}/import",
            "programs",
            xlsx_bytes(program_rows(1)),
            "p.xlsx",
        ).status_code
        == 403
    )
    assert client.get(f"/festivals/{festival.id}/export/members.csv").status_code == 403
    assert client.get("/imports/templates/members.csv").status_code == 403
    assert count(session, Program) == 0


def test_an_organizer_of_another_organisation_is_refused(client, world, login_as):
    festival, _ = world
    login_as("organizer")

    assert client.get(f"/festivals/{festival.id}/import").status_code == 403
    assert client.get(f"/festivals/{festival.id}/export/members.csv").status_code == 403


def test_an_admin_may_import_and_export(client, world, login_as):
    festival, _ = world
    login_as("admin")

    assert client.get(f"/festivals/{festival.id}/import").status_code == 200
    assert client.get(f"/festivals/{festival.id}/export/programs.xlsx").status_code == 200


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    festival, _ = world

    for url in (
        f"/festivals/{festival.id}/import",
        f"/festivals/{festival.id}/export/troupes.csv",
        "/imports/templates/troupes.xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert urlsplit(response.location).path == "/login"
