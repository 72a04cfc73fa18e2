"""The year in review as a Word document and a workbook, read back with python-docx and
openpyxl: the title, the report's paragraphs, the tables, a Chinese font, A4, no formulas.

The Chinese checks read the app's catalog (see test_summary_b.py)."""

import io
from dataclasses import replace

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from flask_babel import force_locale
from openpyxl import load_workbook

from festival.review.exports import review_docx, review_xlsx
from festival.review.summary import paragraphs
from tests.review.sample_b import CITY_FESTIVAL, DISTRICT_FESTIVAL, empty_year, seed_year


def read_docx(data: bytes):
    return Document(io.BytesIO(data))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_word_document_holds_the_title_the_paragraphs_and_the_tables_in_chinese(app):
    with force_locale("zh_Hans_CN"):
        data = review_docx(seed_year())
        expected = paragraphs(seed_year())
    document = read_docx(data)

    title, *body = [p for p in document.paragraphs if p.text]
    assert title.style.name == "Title"
    assert title.text == "通州区老龄工作委员会办公室2026年工作总结（文艺活动部分）"
    texts = [p.text for p in body if p.style.name == "Normal"]
    assert texts == expected
    # Chinese paragraphs start two characters in, as Chinese reports do.
    assert all(
        p.paragraph_format.first_line_indent == Pt(24) for p in body if p.style.name == "Normal"
    )
    assert "经反复筛选，最终向首届南通市老年特色文化艺术节报送6个节目。" in texts[0]
    assert [p.text for p in body if p.style.name == "Heading 1"] == [
        "举办的文艺活动",
        "上级评选结果",
        "本单位所获奖项",
        "团体和队",
    ]
    festivals, results, awards, teams = (table_rows(t) for t in document.tables)
    assert festivals == [
        ["艺术节", "级别", "节目", "评审轮次", "奖项"],
        [DISTRICT_FESTIVAL, "区级", "12", "2", "0"],
    ]
    assert results[0] == ["艺术节", "级别", "节目", "团体", "类别", "奖项"]
    assert results[1] == [CITY_FESTIVAL, "市级", "《和谐大家园》", "万年表歌舞团", "歌舞", "二等奖"]
    assert results[-1] == [
        "江苏省老年文艺节目展评",
        "省级",
        "《和谐大家园》",
        "万年表歌舞团",
        "舞蹈",
        "二等奖",
    ]
    assert len(results) == 1 + 7
    assert awards == [
        ["艺术节", "级别", "奖项等级", "奖项名称"],
        [CITY_FESTIVAL, "市级", "组织奖", "优秀组织奖"],
    ]
    assert teams == [
        ["名称", "类型", "成员", "排练", "集中训练", "个人训练", "演出", "展示", "出勤率（%）"],
        ["太极拳展示队", "队", "40", "0", "23", "184", "0", "1", "95.3"],
        ["万年表歌舞团", "团体", "18", "17", "0", "0", "20", "0", ""],
    ]


def test_the_word_document_declares_a_chinese_font_and_is_a4(app):
    with force_locale("zh_Hans_CN"):
        document = read_docx(review_docx(seed_year()))

    for name in ("Normal", "Title", "Heading 1"):
        fonts = document.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体", name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1)
    assert abs(section.page_height - Mm(297)) < Mm(1)
    assert document.core_properties.title == (
        "通州区老龄工作委员会办公室2026年工作总结（文艺活动部分）"
    )


def test_the_word_document_speaks_english_under_english(app):
    with force_locale("en"):
        document = read_docx(review_docx(seed_year()))
        expected = paragraphs(seed_year())

    assert document.paragraphs[0].text == (
        "通州区老龄工作委员会办公室: 2026 year in review (arts activities)"
    )
    assert [p.text for p in document.paragraphs if p.style.name == "Normal"] == expected
    assert table_rows(document.tables[0])[0] == [
        "Festival",
        "Level",
        "Programs",
        "Screening rounds",
        "Awards",
    ]
    # English paragraphs are not indented; Chinese ones are, by two characters.
    assert all(
        p.paragraph_format.first_line_indent is None
        for p in document.paragraphs
        if p.style.name == "Normal"
    )


def test_an_empty_year_gives_a_document_with_its_one_sentence_and_no_tables(app):
    with force_locale("en"):
        document = read_docx(review_docx(empty_year(2025)))

    assert [p.text for p in document.paragraphs if p.text] == [
        "通州区老龄工作委员会办公室: 2025 year in review (arts activities)",
        "Nothing was recorded for 2025.",
    ]
    assert document.tables == []


def test_the_workbook_has_a_sheet_per_table_with_its_header(app):
    with force_locale("en"):
        data = review_xlsx(seed_year())
    workbook = load_workbook(io.BytesIO(data))

    assert workbook.sheetnames == [
        "Festivals held",
        "Results at higher levels",
        "Awards to the office",
        "Troupes and teams",
    ]
    festivals = list(workbook["Festivals held"].iter_rows(values_only=True))
    assert festivals == [
        ("Festival", "Level", "Programs", "Screening rounds", "Awards"),
        (DISTRICT_FESTIVAL, "District", 12, 2, 0),
    ]
    results = list(workbook["Results at higher levels"].iter_rows(values_only=True))
    assert results[0] == ("Festival", "Level", "Program", "Troupe", "Category", "Award")
    assert len(results) == 1 + 7
    assert results[-1] == (
        "江苏省老年文艺节目展评",
        "Province",
        "《和谐大家园》",
        "万年表歌舞团",
        "舞蹈",
        "Second prize",
    )
    teams = list(workbook["Troupes and teams"].iter_rows(values_only=True))
    assert teams[0] == (
        "Name",
        "Kind",
        "Members",
        "Rehearsal",
        "Group training",
        "Individual practice",
        "Performance",
        "Exhibition",
        "Attendance rate (%)",
    )
    assert teams[1] == ("太极拳展示队", "Team", 40, 0, 23, 184, 0, 1, 95.3)
    assert teams[2][-1] is None


def test_the_workbook_of_an_empty_year_keeps_its_headers_and_chinese_sheet_names(app):
    with force_locale("zh_Hans_CN"):
        workbook = load_workbook(io.BytesIO(review_xlsx(empty_year(2025))))

    assert workbook.sheetnames == ["举办的文艺活动", "上级评选结果", "本单位所获奖项", "团体和队"]
    assert [sheet.max_row for sheet in workbook.worksheets] == [1, 1, 1, 1]
    assert next(workbook["团体和队"].iter_rows(values_only=True)) == (
        "名称",
        "类型",
        "成员",
        "出勤率（%）",
    )


def test_text_that_a_spreadsheet_would_run_is_written_as_text(app):
    seed = seed_year()
    hostile = replace(
        seed,
        teams=[replace(seed.teams[0], name='=HYPERLINK("http://evil.example","点我")')],
    )
    with force_locale("en"):
        workbook = load_workbook(io.BytesIO(review_xlsx(hostile)))
        document = read_docx(review_docx(hostile))

    cell = workbook["Troupes and teams"]["A2"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://evil.example","点我")'
    # Word does not run text: the name stays as written.
    assert table_rows(document.tables[-1])[1][0] == '=HYPERLINK("http://evil.example","点我")'
