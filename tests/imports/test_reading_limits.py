"""Reading hostile uploads (pure): files under the upload limit that unpack to hundreds of
megabytes, or hold millions of rows, cells or texts, are refused by what is counted while they
are streamed, in bounded memory; files as Excel and WPS write them still read."""

import tracemalloc
from datetime import date, datetime

import pytest

from festival.core.errors import ValidationFailed
from festival.imports import limits
from festival.imports.reading import read_spreadsheet
from tests.imports.spreadsheets import csv_bytes
from tests.imports.workbooks import (
    MAIN,
    SHEET_HEAD,
    SHEET_TAIL,
    STYLES,
    repeated,
    sheet_xml,
    strings_xml,
    workbook,
)

HEADER_ROW = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
STRINGS = strings_xml(["姓名", "出生日期"])
BOUND = 16 * 1024 * 1024  # bytes: a refused file never costs more than this to read


def refusal(content: bytes, filename: str = "members.xlsx") -> str:
    with pytest.raises(ValidationFailed) as caught:
        read_spreadsheet(content, filename)
    return str(caught.value.fields["file"][0])


def measured_refusal(content: bytes, filename: str = "members.xlsx") -> tuple[str, int]:
    """The refusal's message and the reading's peak of allocated memory (tracemalloc slows
    Python down many times: only for refusals that come early)."""
    tracemalloc.start()
    try:
        message = refusal(content, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return message, peak


def test_a_workbook_as_excel_writes_it_reads_with_shared_strings_dates_and_formulas():
    strings = strings_xml(["团体名称", "姓名", "出生日期"]).replace(
        "</sst>",
        '<si><r><t>王</t></r><r><t>秀英</t></r><rPh sb="0" eb="1"><t>ワン</t></rPh>'
        "</si><si><t>万年表歌舞团</t></si></sst>",
    )
    rows = (
        HEADER_ROW.replace(
            '<c r="B1" t="s"><v>1</v></c>',
            '<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>',
        ).replace('<c r="A1" t="s"><v>0</v></c>', '<c r="A1" t="s"><v>0</v></c>')
        + '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>3</v></c>'
        '<c r="C3" s="1"><v>18384</v></c><c r="E3"><f>1+1</f><v>2</v></c>'
        '<c r="F3" t="b"><v>1</v></c><c r="G3"><v>6.5</v></c>'
        '<c r="H3" t="inlineStr"><is><t>备注</t></is></c><c r="I3" t="e"><v>#N/A</v></c></row>'
        # Rows and cells without references follow the ones before them.
         + '<row><c t="s"><v>4</v></c><c><v>7</v></c></row>'
    )

    sheet = read_spreadsheet(workbook(sheet=sheet_xml(rows), strings=strings), "members.xlsx")

    assert sheet.header == ["团体名称", "姓名", "出生日期"]
    assert sheet.rows == [
        (3, ("万年表歌舞团", "王秀英", datetime(1950, 5, 1), None, 2, True, 6.5, "备注", "#N/A")),
        (4, ("万年表歌舞团", 7)),
    ]


def test_a_workbook_with_prefixed_tags_and_the_1904_date_system_reads():
    rows = (
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>出生日期</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2" s="1"><x:v>16922</x:v></x:c></x:row>'
    )
    sheet = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>{rows}'
        "</x:sheetData></x:worksheet>"
    )

    read = read_spreadsheet(workbook(sheet=sheet, date1904=True), "members.xlsx")

    assert read.rows == [(2, (datetime(1950, 5, 1),))]


def test_a_zip_bomb_of_190_mb_of_empty_rows_is_refused_before_it_is_unpacked():
    content = workbook(sheet=repeated(b"<row/>", 190 * 1024 * 1024 // 6))
    assert len(content) < 1024 * 1024  # small on disk

    message, peak = measured_refusal(content)

    assert "unpacks to more than 64 MB" in message
    assert peak < BOUND


def test_a_part_packed_far_tighter_than_a_real_sheet_is_refused():
    # 20 MB of blank space between two real rows: under the size limits, packed 1000:1.
    rows = HEADER_ROW + " " * (20 * 1024 * 1024) + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'

    message = refusal(workbook(sheet=sheet_xml(rows), strings=STRINGS))

    assert "packed far more tightly than a real list" in message


def test_a_shared_strings_table_of_more_texts_than_cells_is_refused_whatever_its_count_says():
    count = limits.MAX_SHARED_STRINGS + 1
    table = (
        strings_xml(count=2).replace("</sst>", "").encode(),  # the count attribute lies
        b"".join(b"<si><t>%d</t></si>" % n for n in range(count)),
        b"</sst>",
    )

    message = refusal(workbook(sheet=sheet_xml(HEADER_ROW), strings=table))

    assert "far more texts, formats or other content than a list needs" in message


def test_one_row_of_a_million_cells_is_refused_at_the_first_cell_too_many():
    # Stored uncompressed, so that no packing limit stops it first: the reader must count.
    cells = repeated(
        b"<c><v>1</v></c>", 300_000, head=SHEET_HEAD + b'<row r="1">', tail=b"</row>" + SHEET_TAIL
    )

    message, peak = measured_refusal(workbook(sheet=cells, stored=["xl/worksheets/sheet1.xml"]))

    assert f"Row 1 has more than {limits.MAX_COLUMNS} columns" in message
    assert peak < 2 * 1024 * 1024  # the row is never held whole


def test_a_value_far_to_the_right_is_refused_without_padding_the_row_to_it():
    rows = HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>'

    message, peak = measured_refusal(workbook(sheet=sheet_xml(rows), strings=STRINGS))

    assert f"Row 2 has more than {limits.MAX_COLUMNS} columns" in message
    assert peak < BOUND


def test_empty_rows_are_counted_as_they_are_read_whatever_the_dimension_says():
    rows = repeated(b"<row/>", limits.MAX_SHEET_ROWS, head=SHEET_HEAD + HEADER_ROW.encode())

    message = refusal(workbook(sheet=rows, strings=STRINGS, stored=["xl/worksheets/sheet1.xml"]))

    assert f"more than {limits.MAX_SHEET_ROWS} rows, empty ones included" in message


def test_cells_are_counted_across_the_whole_sheet():
    row = b"<row>" + b"<c/>" * 50 + b"</row>"
    rows = repeated(row, limits.MAX_CELLS // 50 + 1, head=SHEET_HEAD + HEADER_ROW.encode())

    message = refusal(workbook(sheet=rows, strings=STRINGS, stored=["xl/worksheets/sheet1.xml"]))

    assert f"more than {limits.MAX_CELLS} cells, empty ones included" in message


def test_a_cell_longer_than_excel_allows_is_refused_while_it_is_read():
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="str"><v>' + "长" * 1_000_000 + "</v></c></row>"

    message, peak = measured_refusal(
        workbook(sheet=sheet_xml(rows), strings=STRINGS, stored=["xl/worksheets/sheet1.xml"])
    )

    assert f"A cell in row 2 holds more than {limits.MAX_CELL_CHARS} characters" in message
    assert peak < BOUND


def test_a_stylesheet_of_more_cell_formats_than_allowed_is_refused():
    formats = '<xf numFmtId="14"/>' * (limits.MAX_STYLES + 1)
    styles = STYLES.replace('<cellXfs count="2">', f'<cellXfs count="2">{formats}')

    message = refusal(workbook(sheet=sheet_xml(HEADER_ROW), strings=STRINGS, styles=styles))

    assert "far more texts, formats or other content" in message


def test_a_part_with_a_doctype_is_refused_as_not_a_spreadsheet():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="str"><v>&b;</v></c></row>'
        "</sheetData></worksheet>"
    )

    message = refusal(workbook(sheet=laughs))

    assert "not a spreadsheet" in message


def test_a_csv_row_of_five_million_cells_is_refused_before_it_is_split():
    message, peak = measured_refusal(b"name,birth_date\n" + b"," * 5_000_000, "members.csv")

    assert f"Row 2 has more than {limits.MAX_COLUMNS} columns" in message
    assert peak < 64 * 1024 * 1024  # the decoded text, never five million cells


def test_a_csv_row_that_an_unclosed_quotation_mark_runs_on_is_refused():
    message, peak = measured_refusal(b'name,birth_date\n"' + b"x," * 1_000_000, "members.csv")

    assert "Row 2 is longer than 100000 characters" in message
    assert "quotation mark" in message
    assert peak < 64 * 1024 * 1024


def test_empty_csv_rows_are_counted_as_they_are_read():
    content = b"name,birth_date\n" + b",\n" * limits.MAX_SHEET_ROWS

    message = refusal(content, "members.csv")

    assert f"more than {limits.MAX_SHEET_ROWS} rows, empty ones included" in message


def test_csv_cells_are_counted_across_the_whole_file():
    content = b"name,birth_date\n" + (b"," * 49 + b"\n") * (limits.MAX_CELLS // 50 + 1)

    message = refusal(content, "members.csv")

    assert f"more than {limits.MAX_CELLS} cells, empty ones included" in message


def test_a_real_csv_list_at_the_row_limit_still_reads():
    rows = [["团体名称", "姓名", "出生日期", "性别", "电话"]] + [
        ["万年表歌舞团", f"成员{n}", date(1950, 5, 1), "女", f"138{n:08d}"]
        for n in range(limits.MAX_ROWS)
    ]

    sheet = read_spreadsheet(csv_bytes(rows), "members.csv")

    assert len(sheet.rows) == limits.MAX_ROWS


def test_a_real_workbook_at_the_row_limit_still_reads():
    """As Excel writes a list: texts shared, dates as numbers in a date format, six columns."""
    texts = ["团体名称", "姓名", "出生日期", "性别", "电话", "备注", "万年表歌舞团", "女"]
    texts += [f"成员{n}" for n in range(limits.MAX_ROWS)]
    header = "".join(f'<c r="{c}1" t="s"><v>{n}</v></c>' for n, c in enumerate("ABCDEF"))
    rows = [f'<row r="1">{header}</row>'] + [
        f'<row r="{n + 2}"><c r="A{n + 2}" t="s"><v>6</v></c><c r="B{n + 2}" t="s">'
        f'<v>{n + 8}</v></c><c r="C{n + 2}" s="1"><v>18384</v></c><c r="D{n + 2}" t="s">'
        f'<v>7</v></c><c r="E{n + 2}"><v>{13800000000 + n}</v></c><c r="F{n + 2}" t="s">'
        f"<v>5</v></c></row>"
        for n in range(limits.MAX_ROWS)
    ]

    sheet = read_spreadsheet(
        workbook(sheet=sheet_xml("".join(rows)), strings=strings_xml(texts)), "members.xlsx"
    )

    assert len(sheet.rows) == limits.MAX_ROWS
    assert sheet.rows[-1] == (
        limits.MAX_ROWS + 1,
        (
            "万年表歌舞团",
            f"成员{limits.MAX_ROWS - 1}",
            datetime(1950, 5, 1),
            "女",
            13800000000 + limits.MAX_ROWS - 1,
            "备注",
        ),
    )
