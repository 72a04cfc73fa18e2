"""The day's paper: the programme booklet (节目单) as a PDF (A4, or A5 with ``?size=a5``) and
as a phone page, each judge's blank score sheet and the result sheet for signatures (PDFs).

The booklet: the round's organizers, and anyone once the round's order is published (else
404). The score sheets and the result sheet: the festival's organizers only (unknown to
anyone who neither runs nor judges the round, 403 to its judges). The rows come from
``performance.paper_queries``, the PDFs from ``performance.paper``."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from festival.db import db
from festival.festivals.models import Festival
from festival.judging.models import Round
from festival.judging.permissions import can_manage_round
from festival.judging.views import managed_round_or_404
from festival.performance import paper, paper_queries
from festival.web import downloads

bp = Blueprint("performance_paper", __name__)

PDF = "application/pdf"


def _booklet_round_or_404(round_id: int) -> Round:
    """The round for its booklet: its organizers at any time, anyone once the order is out."""
    round_ = db.session.execute(
        select(Round)
        .where(Round.id == round_id)
        .options(joinedload(Round.festival).joinedload(Festival.organization))
    ).scalar_one_or_none()
    if round_ is None:
        abort(404)
    if not round_.order_published and not can_manage_round(current_user, round_):
        abort(404)
    return round_


def _name(round_: Round, what: str) -> str:
    return f"{round_.festival.name} {round_.name} {what}.pdf"


@bp.get("/rounds/<int:round_id>/booklet.pdf")
def booklet_pdf(round_id: int):
    round_ = _booklet_round_or_404(round_id)
    size = request.args.get("size", "a4").lower()
    if size not in paper.SIZES:
        size = "a4"
    body = paper.booklet_pdf(paper_queries.booklet(db.session, round_), size=size)
    return downloads.download(
        body,
        mimetype=PDF,
        ascii_name=f"round-{round_.id}-booklet-{size}.pdf",
        name=_name(round_, "节目单"),
        private=not round_.order_published,
    )


@bp.get("/rounds/<int:round_id>/booklet")
def booklet(round_id: int):
    round_ = _booklet_round_or_404(round_id)
    data = paper_queries.booklet(db.session, round_)
    return render_template(
        "performance/paper/booklet_page.html",
        booklet=data,
        round=round_,
        festival=round_.festival,
        dates=paper.festival_dates(data),
        manages=can_manage_round(current_user, round_),
    )


@bp.get("/rounds/<int:round_id>/sheets.pdf")
def sheets_pdf(round_id: int):
    """Every judge's blank score sheet; a blind round's sheets name no troupe."""
    round_ = managed_round_or_404(round_id)
    body = paper.sheets_pdf(
        paper_queries.score_sheets(db.session, round_), show_troupes=not round_.is_blind
    )
    return downloads.download(
        body,
        mimetype=PDF,
        ascii_name=f"round-{round_.id}-score-sheets.pdf",
        name=_name(round_, "评分表"),
    )


@bp.get("/rounds/<int:round_id>/signatures.pdf")
def signatures_pdf(round_id: int):
    round_ = managed_round_or_404(round_id)
    body = paper.signatures_pdf(paper_queries.result_sheet(db.session, round_))
    return downloads.download(
        body,
        mimetype=PDF,
        ascii_name=f"round-{round_.id}-result-sheet.pdf",
        name=_name(round_, "评审结果签字表"),
    )
