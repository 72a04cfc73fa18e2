"""The year in review as files in the current language: a Word document for the office's
annual report (a title, the report's paragraphs, the tables) and a workbook of the tables.
Pure: a ``YearReview`` in, bytes out."""

import io
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext

from festival.core.titles import book_title
from festival.review.summary import paragraphs, unspaced
from festival.review.values import YearReview
from festival.web.labels import label
from festival.web.spreadsheets import to_xlsx_sheets

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Word and WPS both know 宋体 by this name; without an East Asian font declared, Word
# substitutes one of its own choosing and WPS may show boxes.
EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
DOCX_STYLES = ("Normal", "Title", "Heading 1", "Table Grid")


def review_title(review: YearReview) -> str:
    """``南通市通州区老龄工作委员会办公室2026年工作总结（文艺活动部分）``."""
    return gettext(
        "%(organization)s: %(year)d year in review (arts activities)",
        organization=review.organization_name,
        year=review.year,
    )


def review_tables(review: YearReview) -> list[tuple[str, list[str], list[list]]]:
    """The report's tables as (heading, header, rows): festivals held, results above, awards
    to the office, troupes and teams."""
    festivals = (
        gettext("Festivals held"),
        [
            gettext("Festival"),
            gettext("Level"),
            gettext("Programs"),
            gettext("Screening rounds"),
            gettext("Awards"),
        ],
        [
            [f.name, str(label("level", f.level)), f.programs, f.rounds, f.awards]
            for f in review.festivals_run
        ],
    )
    results = (
        gettext("Results at higher levels"),
        [
            gettext("Festival"),
            gettext("Level"),
            gettext("Program"),
            gettext("Troupe"),
            gettext("Category"),
            gettext("Award"),
        ],
        [
            [
                r.festival_name,
                str(label("level", r.level)),
                book_title(r.program_title),
                r.troupe_name,
                r.category_name or "",
                str(label("award_tier", r.tier)) if r.tier is not None else "",
            ]
            for r in review.results_above
        ],
    )
    awards = (
        gettext("Awards to the office"),
        [gettext("Festival"), gettext("Level"), gettext("Tier"), gettext("Award title")],
        [
            [
                a.festival_name,
                str(label("level", a.level)),
                str(label("award_tier", a.tier)),
                a.title,
            ]
            for a in review.organization_awards
        ],
    )
    kinds = review.team_kinds
    teams = (
        gettext("Troupes and teams"),
        [
            gettext("Name"),
            gettext("Kind"),
            gettext("Members"),
            *(str(label("event_kind", kind)) for kind in kinds),
            gettext("Attendance rate (%)"),
        ],
        [
            [
                t.name,
                str(label("troupe_kind", t.kind)),
                t.members,
                *(t.sessions.get(kind.value, 0) for kind in kinds),
                _percentage(t.attendance_rate),
            ]
            for t in review.teams
        ],
    )
    return [festivals, results, awards, teams]


def review_xlsx(review: YearReview) -> bytes:
    """One sheet per table, each with its header row (a table with no rows keeps its header)."""
    return to_xlsx_sheets(review_tables(review))


def review_docx(review: YearReview) -> bytes:
    """An A4 Word document: the title, the report's paragraphs, then each table that has rows
    under its heading."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(25)
    for name in DOCX_STYLES:
        _declare_fonts(document.styles[name])
    document.styles["Normal"].font.size = Pt(12)
    title = review_title(review)
    document.core_properties.title = title
    heading = document.add_heading(title, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    indent = Pt(24) if unspaced() else None  # two characters
    for text in paragraphs(review):
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = indent
    for title, header, rows in review_tables(review):
        if not rows:
            continue
        document.add_heading(title, level=1)
        table = document.add_table(rows=1, cols=len(header), style="Table Grid")
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _declare_fonts(style) -> None:
    """The style's fonts named outright, East Asian text included (``w:eastAsia``), and its
    theme fonts dropped so that they do not override the names."""
    from docx.oxml.ns import qn

    style.font.name = LATIN_FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _percentage(share: float | None) -> float | None:
    if share is None:
        return None
    return float((Decimal(str(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
