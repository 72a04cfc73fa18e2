"""The organizer's pages of the performance day: check-in on a phone (``/rounds/<id>/checkin``)
and the stage control (``/rounds/<id>/stage``). The rules live in ``performance.checkin`` and
``performance.stage``; these views load, authorize, call one service, commit and redirect."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.core.clock import utcnow
from festival.core.errors import DomainError
from festival.core.titles import bare_title
from festival.db import db
from festival.judging.models import RoundStatus
from festival.judging.views import managed_round_or_404
from festival.performance import checkin, live, stage
from festival.web.forms import ConfirmForm, optional_db_id

bp = Blueprint("performance_day", __name__)


def _checked_form() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.get("/rounds/<int:round_id>/checkin")
def checkin_page(round_id: int):
    """The running order with a tick per troupe, the counts, and who is still missing."""
    round_ = managed_round_or_404(round_id)
    lines = checkin.order_lines(db.session, round_.id)
    return render_template(
        "performance/checkin.html",
        round=round_,
        festival=round_.festival,
        lines=lines,
        missing=[line for line in lines if not line.checked_in],
        arrived=sum(1 for line in lines if line.checked_in),
        form=ConfirmForm(),
        is_open=round_.status is not RoundStatus.closed,
    )


def _change_check_in(round_id: int, program_id: int, service, done_message: str):
    round_ = managed_round_or_404(round_id)
    _checked_form()
    try:
        entry = service(
            db.session, round_=round_, program_id=program_id, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done_message % {"title": bare_title(entry.program.title)}, "success")
    back = request.form.get("back") == "stage"
    endpoint = "performance_day.stage_page" if back else "performance_day.checkin_page"
    return redirect(url_for(endpoint, round_id=round_id, _anchor=f"program-{program_id}"))


@bp.post("/rounds/<int:round_id>/checkin/<int:program_id>")
def check_in(round_id: int, program_id: int):
    return _change_check_in(
        round_id, program_id, checkin.check_in, _("《%(title)s》 has checked in.")
    )


@bp.post("/rounds/<int:round_id>/checkin/<int:program_id>/undo")
def undo_check_in(round_id: int, program_id: int):
    return _change_check_in(
        round_id, program_id, checkin.undo_check_in, _("《%(title)s》 is not checked in again.")
    )


@bp.get("/rounds/<int:round_id>/stage")
def stage_page(round_id: int):
    """What is on stage now, next and previous, a pick from the running order."""
    round_ = managed_round_or_404(round_id)
    lines = checkin.order_lines(db.session, round_.id)
    current = stage.on_stage(db.session, round_.id)
    return render_template(
        "performance/stage.html",
        round=round_,
        festival=round_.festival,
        lines=lines,
        current=current,
        confirmations=live.confirmations_of(db.session, round_.id, current.entry_id)
        if current
        else [],
        arrived=sum(1 for line in lines if line.checked_in),
        form=ConfirmForm(),
        is_open=round_.status is not RoundStatus.closed,
    )


@bp.post("/rounds/<int:round_id>/stage/reopen")
def reopen_score(round_id: int):
    """Reopen a judge's confirmed score for the program on stage, with a reason."""
    round_ = managed_round_or_404(round_id)
    _checked_form()
    try:
        program_id = optional_db_id(request.form.get("program_id"))
        judge_id = optional_db_id(request.form.get("judge_id"))
    except ValueError:
        abort(400)
    if program_id is None or judge_id is None:
        abort(400)
    try:
        live.reopen(
            db.session,
            round_,
            program_id,
            judge_id,
            request.form.get("reason", ""),
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        messages = [str(m) for ms in (getattr(error, "fields", None) or {}).values() for m in ms]
        flash(" ".join(messages) or str(error.message), "error")
    else:
        db.session.commit()
        flash(_("The score is reopened: the judge may change it and confirm again."), "success")
    return redirect(url_for("performance_day.stage_page", round_id=round_id, _anchor="judges"))


@bp.post("/rounds/<int:round_id>/stage")
def change_stage(round_id: int):
    """``move=next|previous``, or ``program_id`` (empty: clear the stage)."""
    round_ = managed_round_or_404(round_id)
    _checked_form()
    move = request.form.get("move")
    now = utcnow()
    try:
        if move == "next":
            stage.next_on_stage(db.session, round_=round_, actor=current_user, now=now)
        elif move == "previous":
            stage.previous_on_stage(db.session, round_=round_, actor=current_user, now=now)
        else:
            try:
                program_id = optional_db_id(request.form.get("program_id"))
            except ValueError:
                abort(400)
            stage.put_on_stage(
                db.session, round_=round_, program_id=program_id, actor=current_user, now=now
            )
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
    return redirect(url_for("performance_day.stage_page", round_id=round_id))
