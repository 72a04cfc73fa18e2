"""Writing lists as .csv and .xlsx (pure): Chinese that Excel reads, no formulas smuggled in."""

import io
from datetime import date

from openpyxl import load_workbook

from festival.web.spreadsheets import neutralise, to_csv, to_xlsx

HEADER = ["节目名称", "时长（分钟）", "日期"]
ROWS = [["和谐大家园", 6, date(2026, 5, 1)], ['=HYPERLINK("http://evil.example","点我")', -3, None]]


def test_csv_starts_with_the_utf8_byte_order_mark_so_excel_reads_chinese():
    content = to_csv(HEADER, ROWS)

    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == "节目名称,时长（分钟）,日期"
    assert text.splitlines()[1] == "和谐大家园,6,2026-05-01"


def test_csv_neutralises_a_formula_in_a_text_cell():
    line = to_csv(HEADER, ROWS).decode("utf-8-sig").splitlines()[2]

    assert line.startswith("\"'=HYPERLINK(")
    assert line.endswith(",-3,")  # numbers are not text: left alone


def test_xlsx_opens_with_the_header_and_typed_values():
    sheet = load_workbook(io.BytesIO(to_xlsx(HEADER, ROWS, title="节目"))).worksheets[0]

    assert sheet.title == "节目"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADER)
    assert rows[1][:2] == ("和谐大家园", 6)
    assert rows[1][2].date() == date(2026, 5, 1)


def test_xlsx_writes_a_formula_looking_title_as_plain_text():
    sheet = load_workbook(io.BytesIO(to_xlsx(HEADER, ROWS))).worksheets[0]

    cell = sheet["A3"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","点我")'


def test_every_character_that_starts_a_formula_is_neutralised():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1+1") == f"'{start}1+1"
    assert neutralise("王秀英") == "王秀英"
    assert neutralise(-3) == -3
