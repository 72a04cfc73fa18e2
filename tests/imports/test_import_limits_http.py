"""The import page refuses hostile spreadsheets with a message on the file field, storing
nothing: a zip bomb, a row of 300,000 cells, a CSV of endless empty rows."""

import io

import pytest
from sqlalchemy import func, select

from festival.imports import limits
from festival.troupes.models import Troupe
from tests import factories
from tests.imports.workbooks import SHEET_HEAD, SHEET_TAIL, repeated, workbook

ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
def festival_url(session, login_as):
    office = factories.make_organization(session, name="南通市老龄办", level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    session.commit()
    login_as("organizer", organization=office)
    return f"/festivals/{festival.id}/import"


def upload(client, url: str, content: bytes, filename: str):
    return client.raw.post(
        url,
        headers=ENGLISH,
        content_type="multipart/form-data",
        data={
            "kind": "troupes",
            "file": (io.BytesIO(content), filename),
            "csrf_token": client.csrf_token(),
        },
    )


def file_error(response) -> str:
    page = response.get_data(as_text=True)
    start = page.index('id="file-error"')
    return page[start : page.index("</p>", start)]


def troupes(session) -> int:
    session.commit()
    return session.execute(select(func.count()).select_from(Troupe)).scalar_one()


def test_a_zip_bomb_is_refused_on_the_file_field(client, session, festival_url):
    bomb = workbook(sheet=repeated(b"<row/>", 190 * 1024 * 1024 // 6))

    response = upload(client, festival_url, bomb, "troupes.xlsx")

    assert response.status_code == 200
    assert "unpacks to more than 64 MB" in file_error(response)
    assert troupes(session) == 0


def test_a_row_of_300_000_cells_is_refused_on_the_file_field(client, session, festival_url):
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>团体名称</t></is></c></row>'
    sheet = repeated(
        b"<c><v>1</v></c>",
        300_000,
        head=SHEET_HEAD + header.encode() + b'<row r="2">',
        tail=b"</row>" + SHEET_TAIL,
    )
    # Stored uncompressed (4.5 MB, under the upload limit): no packing limit stops it first.
    content = workbook(sheet=sheet, stored=["xl/worksheets/sheet1.xml"])

    response = upload(client, festival_url, content, "troupes.xlsx")

    assert response.status_code == 200
    assert f"Row 2 has more than {limits.MAX_COLUMNS} columns" in file_error(response)
    assert troupes(session) == 0


def test_a_csv_of_endless_empty_rows_is_refused_on_the_file_field(client, session, festival_url):
    content = "团体名称\n万年表歌舞团\n".encode() + b"\r\n" * (limits.MAX_SHEET_ROWS + 1)

    response = upload(client, festival_url, content, "troupes.csv")

    assert response.status_code == 200
    assert "rows, empty ones included" in file_error(response)
    assert troupes(session) == 0
