"""A festival's screening rounds and one round's set-up: criteria, judges, entries, conflicts
of interest (and their download)."""

from collections import defaultdict

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from festival.accounts.models import User
from festival.core.clock import utcnow
from festival.core.errors import DomainError
from festival.core.titles import book_title
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import load_managed_festival
from festival.judging import exporters, permissions, queries, scores, services
from festival.judging.forms import CloseForm, ConflictForm, JudgeForm, RoundForm
from festival.judging.models import Round, RoundStatus
from festival.judging.views import (
    FORMATS,
    bp,
    managed_round_or_404,
    round_or_404,
)
from festival.web import downloads
from festival.web.auth import require
from festival.web.forms import choices, show_errors_on_form

SHEET_ENDPOINT = "judging_sheet.sheet"  # the judge's score sheet, another blueprint


# --- the festival's rounds ---------------------------------------------------------------------


def _criteria_input(form: RoundForm) -> tuple[list[dict], list[int]]:
    """The filled-in criteria rows, and for each the row number it came from."""
    rows, origin = [], []
    for index, entry in enumerate(form.criteria.entries):
        row = entry.form
        if row.is_blank():
            continue
        rows.append(
            {
                "name": row.name.data or "",
                "max_score": (row.max_score.data or "").strip(),
                "weight": (row.weight.data or "").strip() or "1",
            }
        )
        origin.append(index)
    return rows, origin


def _show_round_errors(form: RoundForm, error: DomainError, origin: list[int]) -> dict[int, list]:
    """Field messages onto the form; a criterion's messages onto its row (returned by row)."""
    row_errors: dict[int, list] = defaultdict(list)
    rest = {}
    for name, messages in error.fields.items():
        if name.startswith("criteria.") and name.partition(".")[2].isdigit():
            position = int(name.partition(".")[2])
            row = origin[position] if position < len(origin) else 0
            row_errors[row].extend(messages)
        else:
            rest[name] = messages
    if rest or not error.fields:
        show_errors_on_form(form, type(error)(error.message, fields=rest))
    return dict(row_errors)


def _render_rounds(festival: Festival, form: RoundForm, row_errors=None, status: int = 200):
    overview = queries.rounds_overview(db.session, festival.id)
    last = overview[-1].round if overview else None
    can_create = festival.status in (FestivalStatus.open, FestivalStatus.screening) and (
        last is None or last.status is RoundStatus.closed
    )
    return render_template(
        "judging/rounds.html",
        festival=festival,
        overview=overview,
        form=form,
        row_errors=row_errors or {},
        can_create=can_create,
        last=last,
    ), status


@bp.route("/festivals/<int:festival_id>/rounds", methods=["GET", "POST"])
@login_required
def rounds(festival_id: int):
    """The festival's rounds in order; POST creates the next round."""
    festival = load_managed_festival(db.session, current_user, festival_id)
    form = RoundForm()
    if not form.is_submitted():
        return _render_rounds(festival, form)
    if not form.validate():
        return _render_rounds(festival, form, status=422)
    criteria, origin = _criteria_input(form)
    try:
        round_ = services.create_round(
            db.session,
            festival=festival,
            name=form.name.data or "",
            aggregation=form.aggregation.data,
            trim=1 if form.trim.data is None else form.trim.data,
            ranking=form.ranking.data,
            auto_conflicts=form.auto_conflicts.data,
            criteria=criteria,
            advance_count=form.advance_count.data,
            is_blind=form.is_blind.data,
            by_video=form.by_video.data,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        row_errors = _show_round_errors(form, error, origin)
        return _render_rounds(festival, form, row_errors, status=error.status)
    db.session.commit()
    flash(
        _("%(name)s created. Assign its judges and enter the programs.", name=round_.name),
        "success",
    )
    return redirect(url_for("judging.show", round_id=round_.id))


# --- one round's set-up ------------------------------------------------------------------------


def _prepare_judge_form(form: JudgeForm, round_: Round) -> None:
    form.user_id.choices = choices(
        (judge.id, f"{judge.display_name} ({judge.username})")
        for judge in queries.judge_accounts(db.session, round_.id)
    )


def _prepare_conflict_form(
    form: ConflictForm, judges: list[User], entries: list[queries.EntryRow]
) -> None:
    form.user_id.choices = choices((judge.id, judge.display_name) for judge in judges)
    form.program_id.choices = choices(
        (entry.program_id, book_title(entry.title) + f" {entry.troupe_name}") for entry in entries
    )


def _render_setup(
    round_: Round,
    *,
    judge_form: JudgeForm | None = None,
    conflict_form: ConflictForm | None = None,
    status: int = 200,
):
    judge_form = judge_form or JudgeForm(formdata=None)
    conflict_form = conflict_form or ConflictForm(formdata=None)
    judges = queries.round_judges(db.session, round_.id)
    entries = queries.round_entries(db.session, round_.id)
    previous = queries.previous_round(db.session, round_)
    _prepare_judge_form(judge_form, round_)
    _prepare_conflict_form(conflict_form, judges, entries)
    criteria = queries.round_criteria(db.session, round_.id)
    return render_template(
        "judging/setup.html",
        round=round_,
        festival=round_.festival,
        criteria=criteria,
        judges=judges,
        entries=entries,
        previous=previous,
        to_enter=queries.programs_to_enter(db.session, round_),
        conflicts=queries.round_conflicts(db.session, round_.id),
        judge_form=judge_form,
        conflict_form=conflict_form,
        entries_form=CloseForm(),
        is_open=round_.status is not RoundStatus.closed,
    ), status


@bp.get("/rounds/<int:round_id>")
def show(round_id: int):
    """A round's criteria, judges, entries and conflicts of interest."""
    return _render_setup(managed_round_or_404(round_id))


@bp.post("/rounds/<int:round_id>/judges")
def assign_judge(round_id: int):
    round_ = managed_round_or_404(round_id)
    form = JudgeForm()
    _prepare_judge_form(form, round_)
    if not form.validate_on_submit():
        return _render_setup(round_, judge_form=form, status=422)
    try:
        assignment = services.assign_judge(
            db.session, round_=round_, user_id=form.user_id.data, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        show_errors_on_form(form, error)
        return _render_setup(round_, judge_form=form, status=error.status)
    db.session.commit()
    flash(_("%(name)s judges this round now.", name=assignment.judge.display_name), "success")
    return redirect(url_for("judging.show", round_id=round_id, _anchor="judges"))


@bp.post("/rounds/<int:round_id>/entries")
def add_entries(round_id: int):
    """Enters every program that may take part (see ``programs_to_enter``)."""
    round_ = managed_round_or_404(round_id)
    if not CloseForm().validate_on_submit():
        abort(400)
    program_ids = queries.programs_to_enter(db.session, round_)
    if not program_ids:
        flash(_("There is no program to enter yet."), "error")
        return redirect(url_for("judging.show", round_id=round_id, _anchor="entries"))
    try:
        entries = services.add_entries(
            db.session, round_=round_, program_ids=program_ids, actor=current_user, now=utcnow()
        )
    except DomainError as error:
        db.session.rollback()
        messages = [str(m) for ms in error.fields.values() for m in ms] or [str(error.message)]
        flash(" ".join(messages), "error")
    else:
        db.session.commit()
        flash(
            ngettext("%(num)d program entered.", "%(num)d programs entered.", len(entries)),
            "success",
        )
    return redirect(url_for("judging.show", round_id=round_id, _anchor="entries"))


def _after_conflict(round_: Round, manages: bool):
    if manages:
        return redirect(url_for("judging.show", round_id=round_.id, _anchor="conflicts"))
    if SHEET_ENDPOINT in current_app.view_functions:
        return redirect(url_for(SHEET_ENDPOINT, round_id=round_.id))
    return redirect(url_for("public.index"))


@bp.post("/rounds/<int:round_id>/conflicts")
def declare_conflict(round_id: int):
    """An organizer declares a conflict for any judge of the round; a judge for themselves."""
    round_, audience = round_or_404(round_id)
    manages, assigned = audience.manages, audience.name == "judge"
    form = ConflictForm()
    if not manages:  # a judge speaks for themselves only
        form.user_id.raw_data, form.user_id.data = [str(current_user.id)], current_user.id
    require(
        permissions.can_declare_conflict(
            current_user, round_, judge_id=form.user_id.data or 0, is_assigned=assigned
        )
    )
    if not form.validate_on_submit():
        if not manages:
            flash(_("Choose the program and say why."), "error")
            return _after_conflict(round_, manages)
        return _render_setup(round_, conflict_form=form, status=422)
    try:
        scores.declare_conflict(
            db.session,
            round_=round_,
            judge_id=form.user_id.data,
            program_id=form.program_id.data,
            reason=form.reason.data or "",
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        if not manages:
            flash(
                " ".join(str(m) for ms in error.fields.values() for m in ms) or str(error.message),
                "error",
            )
            return _after_conflict(round_, manages)
        show_errors_on_form(form, error)
        return _render_setup(round_, conflict_form=form, status=error.status)
    db.session.commit()
    flash(_("Conflict of interest recorded: this judge will not score this program."), "success")
    return _after_conflict(round_, manages)


@bp.get("/rounds/<int:round_id>/conflicts.<fmt>")
def export_conflicts(round_id: int, fmt: str):
    round_ = managed_round_or_404(round_id)
    if fmt not in FORMATS:
        abort(404)
    header, rows = exporters.conflicts_table(
        queries.round_conflicts(db.session, round_.id), timezone=round_.festival.timezone
    )
    title = _("Conflicts of interest")
    return downloads.spreadsheet(
        fmt,
        header,
        rows,
        title=title,
        ascii_name=f"round-{round_.id}-conflicts.{fmt}",
        name=f"{round_.festival.name} {round_.name} {title}.{fmt}",
    )
