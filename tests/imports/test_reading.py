"""Reading uploads (pure): both formats and encodings, row numbers, dates, refusals, headers."""

from datetime import date, datetime

import pytest

from festival.core.errors import ValidationFailed
from festival.imports.columns import map_rows
from festival.imports.reading import (
    MAX_BYTES,
    parse_date,
    parse_whole_number,
    read_spreadsheet,
)
from tests.imports.spreadsheets import csv_bytes, xlsx_bytes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
HEADER = ["团体名称", "姓名", "出生日期"]
ROW = ["万年表歌舞团", "王秀英", "1950-05-01"]


def refusal(content: bytes, filename: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        read_spreadsheet(content, filename)
    return str(caught.value.fields["file"][0])


def test_xlsx_rows_keep_the_row_numbers_that_excel_shows_and_skip_blank_rows():
    content = xlsx_bytes(
        [[], HEADER, ROW, [None, "  ", None], ["万年表歌舞团", "李桂兰", date(1952, 3, 4)]]
    )

    sheet = read_spreadsheet(content, "members.xlsx")

    assert sheet.header == HEADER
    assert sheet.header_row == 2
    assert [number for number, _ in sheet.rows] == [3, 5]
    assert sheet.rows[1][1][2] == datetime(1952, 3, 4)


def test_csv_in_utf8_with_byte_order_mark_reads_chinese_headers():
    sheet = read_spreadsheet(csv_bytes([HEADER, ROW], "utf-8-sig"), "members.csv")

    assert sheet.header == HEADER
    assert sheet.rows == [(2, tuple(ROW))]


def test_csv_in_utf8_without_byte_order_mark_is_read_too():
    sheet = read_spreadsheet(csv_bytes([HEADER, ROW], "utf-8"), "members.csv")

    assert sheet.header == HEADER


def test_csv_saved_by_chinese_excel_in_gb18030_is_read():
    content = csv_bytes([HEADER, ROW], "gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    sheet = read_spreadsheet(content, "members.csv")

    assert sheet.header == HEADER
    assert sheet.rows[0][1][1] == "王秀英"


def test_a_file_over_5_mb_is_refused_with_a_message():
    message = refusal(b"a" * (MAX_BYTES + 1), "members.csv")

    assert "larger than 5 MB" in message


def test_a_png_renamed_xlsx_is_refused_as_not_a_spreadsheet():
    assert "not a spreadsheet" in refusal(PNG, "members.xlsx")


def test_a_png_renamed_csv_is_refused_as_not_a_spreadsheet():
    assert "not a spreadsheet" in refusal(PNG, "members.csv")


def test_a_zip_that_is_not_a_workbook_is_refused_as_not_a_spreadsheet():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")

    assert "not a spreadsheet" in refusal(buffer.getvalue(), "members.xlsx")


def test_an_old_xls_file_is_refused_with_advice_to_save_as_xlsx():
    assert ".xlsx" in refusal(b"\xd0\xcf\x11\xe0", "members.xls")


def test_an_empty_file_is_refused():
    assert "empty" in refusal(b"", "members.csv")


@pytest.mark.parametrize(
    "text", ["1950-05-01", "1950/5/1", "1950年5月1日", "1950.5.1", "1950-05-01 00:00:00"]
)
def test_dates_are_read_as_people_write_them(text):
    assert parse_date(text) == date(1950, 5, 1)


def test_excel_date_cells_are_dates_and_empty_is_none():
    assert parse_date(datetime(1950, 5, 1)) == date(1950, 5, 1)
    assert parse_date(None) is None


@pytest.mark.parametrize("text", ["05/01/1950", "1950-13-01", "May 1950", "1950-02-30"])
def test_unreadable_dates_raise(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_whole_numbers_from_number_cells_and_text():
    assert [parse_whole_number(v) for v in (6, 6.0, "6", " 7 ", None)] == [6, 6, 6, 7, None]
    for bad in (6.5, "6.5", "six", True):
        with pytest.raises(ValueError):
            parse_whole_number(bad)


@pytest.mark.parametrize(
    "header",
    [
        ["团体名称", "姓名", "出生日期"],
        ["troupe", "name", "birth_date"],
        [" Troupe ", "NAME", "Birth Date"],
        ["团体名称 / troupe", "姓名／name", "出生日期 (birth_date)"],
    ],
)
def test_headers_match_in_chinese_or_english_or_both(header):
    rows, problems = map_rows("members", header, 1, [(2, ("万年表歌舞团", "王秀英", "1950-05-01"))])

    assert problems == []
    assert rows[0].number == 2
    assert rows[0].values["troupe"] == "万年表歌舞团"
    assert rows[0].values["birth_date"] == "1950-05-01"
    assert rows[0].values["phone"] is None


def test_a_missing_required_column_and_an_unknown_column_are_reported_on_the_header_row():
    rows, problems = map_rows("members", ["团体名称", "姓名", "备注"], 3, [(4, ("a", "b", "c"))])

    assert rows == []
    assert [(p.row, p.column) for p in problems] == [(3, "备注"), (3, "birth_date")]
    assert "出生日期" in str(problems[1].message)
