"""A round's results (the ranking, judge statistics, the cut line), their download, and
closing the round with a confirmation."""

from decimal import ROUND_HALF_UP, Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.core.clock import utcnow
from festival.core.errors import DomainError, TieAtCutoff
from festival.core.ids import db_int
from festival.core.pagination import Page
from festival.db import db
from festival.judging import exporters, permissions, result_queries, scoring, services, signals
from festival.judging.forms import CloseForm, RecommendForm
from festival.judging.models import Round, RoundStatus
from festival.judging.views import (
    FORMATS,
    bp,
    managed_round_or_404,
    round_or_404,
)
from festival.web import downloads
from festival.web.auth import require
from festival.web.charts import horizontal_bar_chart
from festival.web.paging import page_args

# --- results -----------------------------------------------------------------------------------


def _deviation_chart(results: result_queries.Results):
    """Each judge's mean distance from the programs' scores: a judge far from the others has
    the longest bar, drawn in hundredths of a point; the number says it signed (+0.54)."""
    stats = [stat for stat in results.judge_stats if stat.mean_deviation is not None]
    items = [
        (
            stat.judge.display_name,
            int((abs(stat.mean_deviation) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        )
        for stat in stats
    ]
    return horizontal_bar_chart(
        items,
        chart_id=f"chart-round-{results.round.id}-deviation",
        title=_("How far each judge scores from the program scores (mean, in points)"),
        value_texts=[f"{stat.mean_deviation:+.2f}" for stat in stats],
    )


@bp.get("/rounds/<int:round_id>/results")
def results(round_id: int):
    """The ranking with every judge's total, completeness, judge statistics and the cut line;
    organizers at any time, the round's judges once it is closed (what their audience sees:
    the ranking only, the same as the API gives them)."""
    round_, audience = round_or_404(round_id)
    require(permissions.can_see_results(audience, round_))
    manages = audience.manages
    page, per_page = page_args()
    category_id = request.args.get("category", type=db_int)
    data = result_queries.ranking_page(
        db.session, round_, audience, page=page, per_page=per_page, category_id=category_id
    )
    shown = Page(items=data.items, page=page, per_page=per_page, total=data.total)
    closed = round_.status is RoundStatus.closed
    if manages and closed:  # the advanced ones, to recommend
        advanced = result_queries.advanced_items(data)
        result_queries.add_details(db.session, data, shown.items + advanced)
    else:
        advanced = []
        result_queries.add_details(db.session, data, shown.items)
    outlier = scoring.outlier(
        {s.judge.id: s.mean_deviation for s in data.judge_stats if s.mean_deviation is not None}
    )
    extra = {"targets": [], "recommended": {}}
    if manages and closed:  # what the domains above add (awards: recommending upward)
        for _receiver, section in signals.closed_results_shown.send(round_, session=db.session):
            extra.update(section)
    return render_template(
        "judging/results.html",
        round=round_,
        festival=round_.festival,
        results=data,
        shown=shown,
        manages=manages,
        closed=closed,
        advanced=advanced,
        category_id=category_id if any(g.category_id == category_id for g in data.groups) else None,
        show_troupes=audience.sees_troupes,
        outlier=outlier,
        chart=_deviation_chart(data) if manages else "",
        **extra,
        recommend_form=RecommendForm(formdata=None),
    )


@bp.get("/rounds/<int:round_id>/results.<fmt>")
def export_results(round_id: int, fmt: str):
    """Every judge's criterion scores per program, with rank, score and the dropped marks."""
    round_ = managed_round_or_404(round_id)
    if fmt not in FORMATS:
        abort(404)
    data = result_queries.round_results(db.session, round_)
    header, rows = exporters.results_table(
        data, result_queries.criterion_scores(db.session, round_.id)
    )
    title = _("Results")
    return downloads.spreadsheet(
        fmt,
        header,
        rows,
        title=f"{round_.name} {title}",
        ascii_name=f"round-{round_.id}-results.{fmt}",
        name=f"{round_.festival.name} {round_.name} {title}.{fmt}",
    )


# --- closing -----------------------------------------------------------------------------------


def _render_close(round_: Round, *, error: DomainError | None = None, chosen=(), status: int = 200):
    data = result_queries.round_results(db.session, round_)
    by_id = {item.program_id: item for item in data.items}
    # The cut lines to confirm: one over the ranking, or one per category (with its name).
    cuts = None
    if data.complete and round_.advance_count is not None:
        if data.by_category:
            cuts = [(group.name, data.cuts[group.category_id]) for group in data.groups]
        else:
            cuts = [(None, data.cuts[None])]
    messages = []
    if isinstance(error, TieAtCutoff):  # its fields name the tied programs, not problems
        messages = [str(error.message)]
    elif error is not None:
        messages = [str(m) for ms in error.fields.values() for m in ms] or [str(error.message)]
    return render_template(
        "judging/close.html",
        round=round_,
        festival=round_.festival,
        results=data,
        by_id=by_id,
        cuts=cuts,
        form=CloseForm(formdata=None),
        messages=messages,
        chosen=set(chosen),
    ), status


@bp.route("/rounds/<int:round_id>/close", methods=["GET", "POST"])
def close(round_id: int):
    """GET: exactly which programs will advance (or the tie to decide); POST: close the round,
    freeze the scores and advance them."""
    round_ = managed_round_or_404(round_id)
    if round_.status is RoundStatus.closed:
        flash(_("%(name)s is closed; its scores are frozen.", name=round_.name), "success")
        return redirect(url_for("judging.results", round_id=round_id))
    form = CloseForm()
    if not form.is_submitted():
        return _render_close(round_)
    if not form.validate():
        abort(400)
    chosen = list(dict.fromkeys(form.advance_program_ids.data or []))
    try:
        advanced = services.close_round(
            db.session, round_=round_, advance_program_ids=chosen, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        return _render_close(round_, error=error, chosen=chosen, status=error.status)
    db.session.commit()
    flash(
        ngettext(
            "%(name)s is closed: %(num)d program advances. The scores are frozen.",
            "%(name)s is closed: %(num)d programs advance. The scores are frozen.",
            len(advanced),
            name=round_.name,
        ),
        "success",
    )
    return redirect(url_for("judging.results", round_id=round_id))
