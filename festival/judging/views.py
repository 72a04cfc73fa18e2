"""The organizer's pages for screening rounds: set-up, judges, entries, conflicts, results,
closing with a confirmation, downloads, and recommending advanced programs upward.

The rules live in ``judging.services`` and ``judging.scoring``; these views load, authorize,
parse, call one service, commit and render.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from festival.accounts.models import Level, Role, User
from festival.core.clock import utcnow
from festival.core.errors import DomainError, NotFound, TieAtCutoff
from festival.core.pagination import Page
from festival.db import db
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.festivals.permissions import can_view_festival
from festival.festivals.queries import load_managed_festival
from festival.judging import exporters, permissions, queries, scoring, services
from festival.judging.forms import (
    AGGREGATION_LABELS,
    CloseForm,
    ConflictForm,
    JudgeForm,
    RecommendForm,
    RoundForm,
)
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeAssignment,
    Round,
    RoundEntry,
    RoundStatus,
    Score,
)
from festival.programs.models import Program, ProgramStatus
from festival.programs.queries import program_for
from festival.troupes.models import Troupe
from festival.web import downloads
from festival.web.auth import require
from festival.web.charts import horizontal_bar_chart
from festival.web.forms import choices, show_errors_on_form
from festival.web.labels import ROUND_STATUS
from festival.web.paging import page_args
from festival.web.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE

bp = Blueprint("judging", __name__)

FORMATS = ("csv", "xlsx")
SHEET_ENDPOINT = "judging_sheet.sheet"  # the judge's score sheet, another blueprint


@bp.app_template_filter("points")
def points(value: Decimal | None) -> str:
    """A score with two places (87.50), rounded half up; a dash when there is none."""
    return "—" if value is None else str(scoring.two_places(value))


@bp.context_processor
def round_labels():
    return {"round_status_labels": ROUND_STATUS, "aggregation_labels": AGGREGATION_LABELS}


# --- loading and authorizing -------------------------------------------------------------------


def round_or_404(round_id: int) -> tuple[Round, permissions.RoundAudience]:
    """The round and who the viewer is to it (what they see of it); unknown to anyone who
    neither runs nor judges it (as in the API)."""
    require(current_user.is_authenticated)
    round_ = db.session.execute(
        select(Round)
        .where(Round.id == round_id)
        .options(joinedload(Round.festival).joinedload(Festival.organization))
    ).scalar_one_or_none()
    if round_ is None:
        raise NotFound()
    audience = permissions.round_audience(
        current_user,
        round_,
        is_assigned=services.is_assigned(db.session, round_.id, current_user.id),
    )
    if audience is None:
        raise NotFound()
    return round_, audience


def managed_round_or_404(round_id: int) -> Round:
    round_, audience = round_or_404(round_id)
    require(audience.manages)
    return round_


# --- reads these pages show (candidates for judging/queries.py) -------------------------------


@dataclass
class RoundRow:
    round: Round
    entries: int
    judges: int
    missing: int

    @property
    def complete(self) -> bool:
        return self.entries > 0 and self.judges > 0 and self.missing == 0


def rounds_overview(festival_id: int) -> list[RoundRow]:
    """The festival's rounds with entries, judges and missing score sheets: five queries."""
    rounds = queries.festival_rounds(db.session, festival_id)
    progress = queries.rounds_progress(
        db.session, select(Round.id).where(Round.festival_id == festival_id)
    )
    empty = queries.RoundProgress(entries=0, judges=0, missing=0)
    return [
        RoundRow(round=round_, entries=row.entries, judges=row.judges, missing=row.missing)
        for round_ in rounds
        for row in [progress.get(round_.id, empty)]
    ]


@dataclass
class EntryRow:
    program_id: int
    title: str
    troupe_name: str
    category_name: str


def round_entries(round_id: int) -> list[EntryRow]:
    return [
        EntryRow(*row)
        for row in db.session.execute(
            select(Program.id, Program.title, Troupe.name, Category.name)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .join(Category, Program.category_id == Category.id)
            .where(RoundEntry.round_id == round_id)
            .order_by(Category.position, Program.title)
        )
    ]


def previous_round(round_: Round) -> Round | None:
    if round_.position <= 1:
        return None
    return db.session.execute(
        select(Round).where(
            Round.festival_id == round_.festival_id, Round.position == round_.position - 1
        )
    ).scalar_one_or_none()


def programs_to_enter(round_: Round, previous: Round | None) -> list[int]:
    """What "enter every program" enters: submitted programs for the first round, those that
    advanced from the previous round for a later one; none already entered."""
    entered = select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
    if previous is None:
        query = select(Program.id).where(
            Program.festival_id == round_.festival_id, Program.status == ProgramStatus.submitted
        )
    else:
        query = select(RoundEntry.program_id).where(
            RoundEntry.round_id == previous.id, RoundEntry.advanced.is_(True)
        )
    column = query.selected_columns[0]
    return list(db.session.execute(query.where(column.not_in(entered)).order_by(column)).scalars())


def judge_accounts(round_id: int) -> list[User]:
    """Active judge accounts not yet assigned to the round."""
    assigned = select(JudgeAssignment.judge_id).where(JudgeAssignment.round_id == round_id)
    return list(
        db.session.execute(
            select(User)
            .where(User.role == Role.judge, User.is_active.is_(True), User.id.not_in(assigned))
            .order_by(User.display_name, User.id)
            .limit(1000)
        ).scalars()
    )


@dataclass
class ConflictRow:
    judge_id: int
    judge_name: str
    program_id: int
    title: str
    troupe_name: str
    reason: str
    declared_by: str | None
    declared_at: object


def round_conflicts(round_id: int) -> list[ConflictRow]:
    judge, declarer = aliased(User), aliased(User)
    return [
        ConflictRow(*row)
        for row in db.session.execute(
            select(
                judge.id,
                judge.display_name,
                Program.id,
                Program.title,
                Troupe.name,
                Conflict.reason,
                declarer.display_name,
                Conflict.declared_at,
            )
            .join(judge, Conflict.judge_id == judge.id)
            .join(Program, Conflict.program_id == Program.id)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .outerjoin(declarer, Conflict.declared_by_id == declarer.id)
            .where(Conflict.round_id == round_id)
            .order_by(judge.display_name, Program.title)
        )
    ]


def criterion_scores(round_id: int) -> dict[tuple[int, int], dict[int, Decimal]]:
    """Every criterion score of the round: (program id, judge id) → {criterion id: value}."""
    scores: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for program_id, judge_id, criterion_id, value in db.session.execute(
        select(RoundEntry.program_id, Score.judge_id, Score.criterion_id, Score.value)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_id)
    ):
        scores[(program_id, judge_id)][criterion_id] = value
    return scores


def recommendation_targets(festival: Festival) -> list[Festival]:
    """Festivals of a higher level that take programs now (open or in screening)."""
    higher = [level for level in Level if level.rank > festival.level.rank]
    if festival.level.rank == 0 or not higher:
        return []
    return list(
        db.session.execute(
            select(Festival)
            .where(
                Festival.level.in_(higher),
                Festival.status.in_([FestivalStatus.open, FestivalStatus.screening]),
            )
            .options(joinedload(Festival.organization))
            .order_by(Festival.year.desc(), Festival.name)
            .limit(200)
        ).scalars()
    )


def recommendations_of_round(round_id: int) -> dict[int, list[tuple[int, str]]]:
    """For each program of the round: the festivals it has been recommended to (id, name)."""
    linked: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for source_id, festival_id, name in db.session.execute(
        select(Program.recommended_from_id, Festival.id, Festival.name)
        .join(Festival, Program.festival_id == Festival.id)
        .join(RoundEntry, RoundEntry.program_id == Program.recommended_from_id)
        .where(RoundEntry.round_id == round_id)
        .order_by(Festival.name)
    ):
        linked[source_id].append((festival_id, name))
    return linked


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
    overview = rounds_overview(festival.id)
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
            criteria=criteria,
            advance_count=form.advance_count.data,
            is_blind=form.is_blind.data,
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
        for judge in judge_accounts(round_.id)
    )


def _prepare_conflict_form(form: ConflictForm, judges: list[User], entries: list[EntryRow]) -> None:
    form.user_id.choices = choices((judge.id, judge.display_name) for judge in judges)
    form.program_id.choices = choices(
        (entry.program_id, f"《{entry.title}》 {entry.troupe_name}") for entry in entries
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
    entries = round_entries(round_.id)
    previous = previous_round(round_)
    _prepare_judge_form(judge_form, round_)
    _prepare_conflict_form(conflict_form, judges, entries)
    criteria = list(
        db.session.execute(
            select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        ).scalars()
    )
    return render_template(
        "judging/setup.html",
        round=round_,
        festival=round_.festival,
        criteria=criteria,
        judges=judges,
        entries=entries,
        previous=previous,
        to_enter=programs_to_enter(round_, previous),
        conflicts=round_conflicts(round_.id),
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
    program_ids = programs_to_enter(round_, previous_round(round_))
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
        flash(_("%(n)d program(s) entered.", n=len(entries)), "success")
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
        services.declare_conflict(
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


def _download(body: bytes, fmt: str, *, ascii_name: str, name: str) -> Response:
    mimetype = XLSX_MIMETYPE if fmt == "xlsx" else CSV_MIMETYPE
    return downloads.download(body, mimetype=mimetype, ascii_name=ascii_name, name=name)


@bp.get("/rounds/<int:round_id>/conflicts.<fmt>")
def export_conflicts(round_id: int, fmt: str):
    round_ = managed_round_or_404(round_id)
    if fmt not in FORMATS:
        abort(404)
    header, rows = exporters.conflicts_table(
        round_conflicts(round_.id), timezone=round_.festival.timezone
    )
    title = _("Conflicts of interest")
    return _download(
        exporters.as_file(header, rows, fmt, title=title),
        fmt,
        ascii_name=f"round-{round_.id}-conflicts.{fmt}",
        name=f"{round_.festival.name} {round_.name} {title}.{fmt}",
    )


# --- results -----------------------------------------------------------------------------------


def _deviation_chart(results: queries.Results):
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
    data = queries.ranking(db.session, round_, audience)
    page, per_page = page_args()
    start = min((page - 1) * per_page, len(data.items))
    shown = Page(
        items=data.items[start : start + per_page],
        page=page,
        per_page=per_page,
        total=len(data.items),
    )
    closed = round_.status is RoundStatus.closed
    queries.add_details(
        db.session,
        data,
        shown.items
        + [
            item
            for item in data.items[:start] + data.items[start + per_page :]
            if manages and closed and item.advanced
        ],
    )  # the advanced ones, to recommend
    places = round_.advance_count
    inside, tied = set(), set()
    if closed:
        filled = sum(1 for item in data.items if item.advanced)
    elif places is not None:
        cut = scoring.cut_line({item.program_id: item.rank for item in data.items}, places)
        inside, tied = set(cut.advancing), set(cut.tied)
        filled = len(cut.advancing)
    else:
        filled = 0
    # A judge stands out when their mean deviation is at least twice the next largest.
    outlier = None
    deviations = sorted(
        (s for s in data.judge_stats if s.mean_deviation is not None),
        key=lambda s: abs(s.mean_deviation),
        reverse=True,
    )
    if len(deviations) >= 3 and abs(deviations[0].mean_deviation) >= max(
        2 * abs(deviations[1].mean_deviation), Decimal(1)
    ):
        outlier = deviations[0].judge.id
    targets, recommended = [], {}
    if manages and closed:
        targets = recommendation_targets(round_.festival)
        recommended = recommendations_of_round(round_.id)
    return render_template(
        "judging/results.html",
        round=round_,
        festival=round_.festival,
        results=data,
        shown=shown,
        manages=manages,
        closed=closed,
        places=places,
        filled=filled,
        inside=inside,
        tied=tied,
        show_troupes=audience.sees_troupes,
        outlier=outlier,
        chart=_deviation_chart(data) if manages else "",
        targets=targets,
        recommended=recommended,
        recommend_form=RecommendForm(formdata=None),
    )


@bp.get("/rounds/<int:round_id>/results.<fmt>")
def export_results(round_id: int, fmt: str):
    """Every judge's criterion scores per program, with rank, score and the dropped marks."""
    round_ = managed_round_or_404(round_id)
    if fmt not in FORMATS:
        abort(404)
    data = queries.round_results(db.session, round_)
    header, rows = exporters.results_table(data, criterion_scores(round_.id))
    title = _("Results")
    return _download(
        exporters.as_file(header, rows, fmt, title=f"{round_.name} {title}"),
        fmt,
        ascii_name=f"round-{round_.id}-results.{fmt}",
        name=f"{round_.festival.name} {round_.name} {title}.{fmt}",
    )


# --- closing -----------------------------------------------------------------------------------


def _render_close(round_: Round, *, error: DomainError | None = None, chosen=(), status: int = 200):
    data = queries.round_results(db.session, round_)
    by_id = {item.program_id: item for item in data.items}
    cut = None
    if data.complete and round_.advance_count is not None:
        cut = scoring.cut_line(
            {item.program_id: item.rank for item in data.items}, round_.advance_count
        )
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
        cut=cut,
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
        _(
            "%(name)s is closed: %(n)d program(s) advance. The scores are frozen.",
            name=round_.name,
            n=len(advanced),
        ),
        "success",
    )
    return redirect(url_for("judging.results", round_id=round_id))


# --- recommendation upward ---------------------------------------------------------------------


@bp.post("/rounds/<int:round_id>/recommend")
def recommend(round_id: int):
    """Recommend one of the round's advanced programs to a festival of a higher level."""
    round_ = managed_round_or_404(round_id)
    form = RecommendForm()
    if not form.validate_on_submit():
        abort(400)
    program_id = form.program_id.data
    in_round = (
        program_id is not None
        and db.session.execute(
            select(RoundEntry.id).where(
                RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id
            )
        ).first()
    )
    if not in_round:
        raise NotFound()
    program = program_for(db.session, program_id)
    target = db.session.get(Festival, form.festival_id.data) if form.festival_id.data else None
    anchor = f"program-{program_id}"
    if target is None or not can_view_festival(current_user, target):
        flash(_("Choose a festival to recommend 《%(title)s》 to.", title=program.title), "error")
        return redirect(url_for("judging.results", round_id=round_id, _anchor=anchor))
    if request.form.get("confirm") != "yes":
        # A recommendation enters the program into the other festival: ask first.
        return render_template(
            "judging/recommend.html",
            round=round_,
            festival=round_.festival,
            program=program,
            target=target,
        )
    try:
        services.recommend_program(
            db.session,
            program=program,
            target=target,
            category_id=None,
            actor=current_user,
            now=utcnow(),
        )
    except DomainError as error:
        db.session.rollback()
        flash(
            " ".join(str(m) for ms in error.fields.values() for m in ms) or str(error.message),
            "error",
        )
    else:
        db.session.commit()
        flash(
            _(
                "《%(title)s》 is recommended to %(festival)s.",
                title=program.title,
                festival=target.name,
            ),
            "success",
        )
    return redirect(url_for("judging.results", round_id=round_id, _anchor=anchor))
