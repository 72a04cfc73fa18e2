"""The day's paper as PDFs, from the rows of ``paper_queries``: the programme booklet (节目单,
A4 or A5), each judge's blank score sheet (评分表) and the result sheet for the judges'
signatures (评审结果签字表). HTML from templates/performance/paper/ with a print stylesheet,
then WeasyPrint as ``festival.paper.render`` does it (the same fonts, nothing fetched). Pure
functions of their arguments; they need an app context for the templates. Chinese documents,
rendered in Chinese whatever the visitor reads."""

from flask import render_template
from flask_babel import force_locale

from festival.awards.exports import EXPORT_LOCALE
from festival.judging.rule_words import aggregation_rule
from festival.paper import render
from festival.performance.paper_queries import Booklet, ResultSheet, ScoreSheets
from festival.public.queries import chinese_date

SIZES = ("a4", "a5")


def festival_dates(booklet: Booklet) -> str:
    """The festival's day, or its first and last days, as official documents write them."""
    festival = booklet.festival
    if festival.ends_on and festival.ends_on != festival.starts_on:
        return f"{chinese_date(festival.starts_on)}至{chinese_date(festival.ends_on)}"
    return chinese_date(festival.starts_on)


def _pdf(template: str, **context) -> bytes:
    with force_locale(EXPORT_LOCALE):
        html = render_template(f"performance/paper/{template}", **context)
    return render.html_to_pdf(html)


def booklet_pdf(booklet: Booklet, *, size: str = "a4") -> bytes:
    """The programme booklet, A4 portrait or A5 (folded booklets)."""
    return _pdf(
        "booklet.html",
        booklet=booklet,
        dates=festival_dates(booklet),
        page_size="A5" if size == "a5" else "A4",
    )


def sheets_pdf(sheets: ScoreSheets, *, show_troupes: bool) -> bytes:
    """One blank score sheet per judge (one or more pages each), in running order."""
    return _pdf("sheets.html", sheets=sheets, show_troupes=show_troupes)


def signatures_pdf(sheet: ResultSheet) -> bytes:
    """The result sheet: every judge's total, the dropped ones, score and rank, signatures."""
    return _pdf("signatures.html", sheet=sheet, aggregation_rule=aggregation_rule)
