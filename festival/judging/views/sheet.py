"""A judge's pages: their rounds, and one score sheet per round with a form per program."""

from dataclasses import dataclass, field
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.models import Role
from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import NotFound, RoundClosed, ValidationFailed
from festival.core.pagination import Page
from festival.core.titles import bare_title
from festival.db import db
from festival.judging import permissions, queries, scores, scoring
from festival.judging.models import (
    Round,
    RoundStatus,
)
from festival.web.auth import require
from festival.web.labels import ROUND_STATUS
from festival.web.paging import page_args

bp = Blueprint("judging_sheet", __name__)


def _two_places(value: Decimal | None) -> str:
    return "" if value is None else f"{scoring.two_places(value):.2f}"


def _plain(value: Decimal) -> str:
    """A maximum or a weight as people write it: 60, 0.5."""
    return f"{value.normalize():f}"


def scoring_round_or_404(round_id: int) -> Round:
    """The round, if the current user is a judge assigned to it; 404 for everyone else."""
    require(current_user.is_authenticated)
    round_ = db.session.get(Round, round_id)
    if round_ is None or not permissions.can_score(
        current_user,
        round_,
        is_assigned=queries.is_assigned(db.session, round_.id, current_user.id),
    ):
        raise NotFound()
    return round_


@dataclass
class CriterionColumn:
    id: int
    name: str
    max_score: str
    weight: str


@dataclass
class SheetLine:
    program_id: int
    title: str
    category_name: str
    troupe_name: str | None  # None in a blind round
    values: dict[int, str]  # criterion id → what the input shows
    total: str
    complete: bool
    errors: dict[int, list[str]] = field(default_factory=dict)
    row_errors: list[str] = field(default_factory=list)
    comment: str = ""  # the judge's own comment (点评), or what they posted
    comment_errors: list[str] = field(default_factory=list)
    position: int = 0  # the program's number on the judge's sheet, from 1, over all pages
    # A round screened by video: the program's video (playback_url, poster_url,
    # duration_seconds), None when it has no ready video.
    video: object | None = None


SHEET_PER_PAGE = 50


def _sheet(
    round_: Round,
    *,
    page: int = 1,
    failed_program_id: int | None = None,
    posted: dict[int, str] | None = None,
    posted_comment: str | None = None,
    error=None,
):
    """Everything one page of the sheet shows, as prepared strings: this judge's own scores
    only, and their progress over the whole round."""
    scored, total = queries.judge_progress(db.session, round_, current_user)
    shown = Page(items=[], page=page, per_page=SHEET_PER_PAGE, total=total)
    page = min(page, shown.pages)
    offset = (page - 1) * SHEET_PER_PAGE
    criteria, rows = queries.judge_sheet(
        db.session, round_, current_user, offset=offset, limit=SHEET_PER_PAGE
    )
    weights = {c.id: c.weight for c in criteria}
    videos = queries.sheet_videos(db.session, round_, [row.program.id for row in rows])
    lines = []
    for position, row in enumerate(rows, start=offset + 1):
        complete = len(row.scores) == len(criteria) and bool(criteria)
        line = SheetLine(
            program_id=row.program.id,
            title=row.program.title,
            category_name=row.program.category.name,
            troupe_name=None if round_.is_blind else row.program.troupe.name,
            values={cid: _two_places(value) for cid, value in row.scores.items()},
            total=_two_places(scoring.judge_total(row.scores, weights)) if complete else "",
            complete=complete,
            position=position,
            comment=row.comment,
            video=videos.get(row.program.id),
        )
        if row.program.id == failed_program_id:
            line.values = dict(posted or {})
            if posted_comment is not None:
                line.comment = posted_comment
            by_id = {str(c.id): c.id for c in criteria}
            for key, messages in (error.fields if error else {}).items():
                if key in by_id:
                    line.errors[by_id[key]] = [str(m) for m in messages]
                elif key == "comment":
                    line.comment_errors = [str(m) for m in messages]
                else:
                    line.row_errors.extend(str(m) for m in messages)
            if error is not None and not error.fields:
                line.row_errors.append(str(error.message))
        lines.append(line)
    columns = [
        CriterionColumn(
            id=c.id, name=c.name, max_score=_plain(c.max_score), weight=_plain(c.weight)
        )
        for c in criteria
    ]
    return {
        "round": round_,
        "festival_name": round_.festival.name,
        "criteria": columns,
        "lines": lines,
        "scored": scored,
        "total": total,
        # Complete rows on other pages, for the progress the page's script counts.
        "scored_elsewhere": scored - sum(1 for line in lines if line.complete),
        "shown": Page(items=lines, page=page, per_page=SHEET_PER_PAGE, total=total),
        "is_closed": round_.status is RoundStatus.closed,
        "is_blind": round_.is_blind,
        "by_video": round_.by_video,
        "status_label": ROUND_STATUS.get(round_.status.value, round_.status.value),
    }


@bp.get("/rounds/<int:round_id>/sheet")
def sheet(round_id: int):
    """The judge's score sheet: every entry they score, a column per criterion."""
    round_ = scoring_round_or_404(round_id)
    page, _per_page = page_args()
    return render_template("judging/sheet.html", **_sheet(round_, page=page))


@bp.post("/rounds/<int:round_id>/sheet/<int:program_id>")
def save_row(round_id: int, program_id: int):
    """Save one row of the sheet (without JavaScript): every criterion of one program."""
    round_ = scoring_round_or_404(round_id)
    page = (
        queries.sheet_position(db.session, round_, current_user, program_id) // SHEET_PER_PAGE + 1
    )
    criteria = queries.criterion_ids(db.session, round_.id)
    posted = {cid: request.form.get(f"score-{cid}", "").strip() for cid in criteria}
    comment = request.form.get("comment")  # None: the form had no comment box
    # An empty input is a missing criterion, which the service names.
    values = {str(cid): value for cid, value in posted.items() if value != ""}
    # A number too large to hold is refused here, as the API's schema does, before the
    # service would try to round it.
    huge = {
        key: [bounds.number_message()]
        for key, value in values.items()
        if bounds.out_of_range_number(value)
    }
    try:
        if huge:
            raise ValidationFailed(fields=huge)
        scores.save_scores(
            db.session,
            round_=round_,
            program_id=program_id,
            judge=current_user,
            values=values,
            now=utcnow(),
            comment=comment,
        )
    except RoundClosed as error:
        db.session.rollback()
        context = _sheet(db.session.get(Round, round_id), page=page)
        return render_template(
            "judging/sheet.html", page_error=str(error.message), **context
        ), error.status
    except ValidationFailed as error:
        db.session.rollback()
        context = _sheet(
            db.session.get(Round, round_id),
            page=page,
            failed_program_id=program_id,
            posted=posted,
            posted_comment=comment,
            error=error,
        )
        return render_template("judging/sheet.html", **context), error.status
    db.session.commit()
    title = queries.round_entry(db.session, round_id, program_id).program.title
    flash(_("Scores for 《%(title)s》 saved.", title=bare_title(title)), "success")
    return redirect(
        url_for(
            "judging_sheet.sheet",
            round_id=round_id,
            page=page if page > 1 else None,
            _anchor=f"program-{program_id}",
        )
    )


@bp.get("/judging")
def my_rounds():
    """A judge's rounds, open first, each with its progress and a link to the sheet."""
    require(current_user.is_authenticated and current_user.role is Role.judge)
    return render_template(
        "judging/judge_home.html", rounds=queries.judge_rounds(db.session, current_user.id)
    )
