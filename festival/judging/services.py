"""Screening rounds: set-up, judges, conflicts, entries, scores, closing the round."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from festival.accounts.models import Role, User
from festival.audit.services import record
from festival.core import bounds
from festival.core.errors import (
    Conflict,
    Forbidden,
    NotFound,
    RoundClosed,
    TieAtCutoff,
    ValidationFailed,
)
from festival.db import locked
from festival.festivals.models import Festival, FestivalStatus
from festival.judging import scoring
from festival.judging.models import (
    Aggregation,
    Criterion,
    JudgeAssignment,
    JudgeTotal,
    Round,
    RoundEntry,
    RoundStatus,
    Score,
)
from festival.judging.models import (
    Conflict as ConflictOfInterest,
)
from festival.judging.queries import ranking
from festival.programs.models import Program, ProgramStatus

MAX_SCORE_LIMIT = Decimal("1000")
MAX_WEIGHT = Decimal("100")


def _decimal(value) -> Decimal | None:
    """A number or decimal text with at most two places, as a Decimal of exactly two places
    (``0e-1000000000`` is 0.00, which the database holds); None if it is not one, or is too
    large to hold (``bounds.decimal_in_range``)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        if not bounds.decimal_in_range(number):
            return None
        two_places = number.quantize(scoring.TWO_PLACES)
    except (InvalidOperation, ValueError):
        return None
    return two_places if two_places == number else None


def create_round(
    session: Session,
    *,
    festival: Festival,
    name: str,
    aggregation: Aggregation | str = Aggregation.trimmed_mean,
    criteria: list[Mapping],
    advance_count: int | None = None,
    is_blind: bool = False,
    actor: User,
    now: datetime,
) -> Round:
    """A new round, open for scoring, with its weighted criteria; the previous round must be
    closed. The festival moves to screening: programs can no longer be edited."""
    problems: dict[str, list] = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=80)]
    try:
        aggregation = Aggregation(aggregation)
    except ValueError:
        problems["aggregation"] = [_l("Choose trimmed_mean or mean.")]
    if advance_count is not None and advance_count < 0:
        problems["advance_count"] = [_l("Enter a number of places of at least 0.")]
    if festival.status not in (FestivalStatus.open, FestivalStatus.screening):
        problems["festival_id"] = [
            _l("Open the festival before screening it; announced festivals are finished.")
        ]
    parsed = []
    if not criteria:
        problems["criteria"] = [_l("Add at least one scoring criterion.")]
    seen = set()
    for index, criterion in enumerate(criteria or []):
        label = f"criteria.{index}"
        criterion_name = str(criterion.get("name") or "").strip()
        max_score = _decimal(criterion.get("max_score"))
        weight = _decimal(criterion.get("weight", 1))
        if not 1 <= len(criterion_name) <= 80:
            problems.setdefault(label, []).append(
                _l("Name each criterion (at most 80 characters).")
            )
        elif criterion_name in seen:
            problems.setdefault(label, []).append(_l("Two criteria have the same name."))
        seen.add(criterion_name)
        if max_score is None or not 0 < max_score <= MAX_SCORE_LIMIT:
            problems.setdefault(label, []).append(
                _l("The maximum score is a number above 0 and at most 1000.")
            )
        if weight is None or not 0 < weight <= MAX_WEIGHT:
            problems.setdefault(label, []).append(
                _l("The weight is a number above 0 and at most 100.")
            )
        parsed.append((criterion_name, max_score, weight))
    last = session.execute(
        select(Round)
        .where(Round.festival_id == festival.id)
        .order_by(Round.position.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is not None and last.status is not RoundStatus.closed:
        problems["festival_id"] = [
            _l("Close %(round)s before starting the next round.", round=last.name)
        ]
    if problems:
        raise ValidationFailed(fields=problems)
    round_ = Round(
        festival_id=festival.id,
        name=name,
        position=(last.position + 1) if last else 1,
        aggregation=aggregation,
        advance_count=advance_count,
        status=RoundStatus.open,
        is_blind=is_blind,
        created_at=now,
    )
    session.add(round_)
    session.flush()
    for position, (criterion_name, max_score, weight) in enumerate(parsed, start=1):
        session.add(
            Criterion(
                round_id=round_.id,
                name=criterion_name,
                max_score=max_score,
                weight=weight,
                position=position,
            )
        )
    festival.status = FestivalStatus.screening
    festival.updated_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="create_round",
        entity_type="round",
        entity_id=round_.id,
        changes={"name": name, "festival_id": festival.id},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return round_


def _ensure_open(round_: Round) -> None:
    if round_.status is RoundStatus.closed:
        raise RoundClosed()


def is_assigned(session: Session, round_id: int, user_id: int) -> bool:
    return session.get(JudgeAssignment, (round_id, user_id)) is not None


def assign_judge(
    session: Session, *, round_: Round, user_id: int, actor: User, now: datetime
) -> JudgeAssignment:
    """Add a judge account to a round."""
    _ensure_open(round_)
    judge = session.get(User, user_id)
    if judge is None or judge.role is not Role.judge or not judge.is_active:
        raise ValidationFailed(
            fields={"user_id": [_l("Choose an active account with the judge role.")]}
        )
    if is_assigned(session, round_.id, user_id):
        raise Conflict(_l("%(name)s already judges this round.", name=judge.display_name))
    assignment = JudgeAssignment(round_id=round_.id, judge_id=user_id, assigned_at=now)
    session.add(assignment)
    session.flush()
    record(
        session,
        actor=actor,
        action="assign_judge",
        entity_type="round",
        entity_id=round_.id,
        changes={"judge_id": user_id},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    return assignment


def _locked_entry(session: Session, round_: Round, program_id: int) -> RoundEntry | None:
    """The entry of ``program_id``, locked for a change of its scores (see ``db.locked``):
    saves for one program take turns, each deriving the score from the totals committed
    before it, and the round is held open (shared) until the save commits."""
    locked(session, Round, round_.id, shared=True)
    _ensure_open(round_)
    return session.execute(
        select(RoundEntry)
        .where(RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _refresh_entry_score(session: Session, round_: Round, entry: RoundEntry) -> None:
    """The entry's score from its judges' totals. Only assigned judges without a conflict
    have totals: save_scores refuses the others and declare_conflict removes theirs."""
    totals = dict(
        session.execute(
            select(JudgeTotal.judge_id, JudgeTotal.units).where(JudgeTotal.entry_id == entry.id)
        ).all()
    )
    result = scoring.aggregate(
        {judge_id: scoring.from_units(units) for judge_id, units in totals.items()},
        round_.aggregation.value,
    )
    entry.score = result.score
    entry.judge_count = len(totals)
    flag_modified(entry, "score")  # written even when unchanged: a save costs the same queries


def declare_conflict(
    session: Session,
    *,
    round_: Round,
    judge_id: int,
    program_id: int,
    reason: str = "",
    actor: User,
    now: datetime,
) -> ConflictOfInterest:
    """A judge will not score a program; any scores they gave it are removed."""
    entry = _locked_entry(session, round_, program_id)
    problems: dict[str, list] = {}
    if not is_assigned(session, round_.id, judge_id):
        problems["user_id"] = [_l("This judge is not assigned to the round.")]
    if entry is None:
        problems["program_id"] = [_l("This program does not take part in the round.")]
    reason = (reason or "").strip()
    if len(reason) > 500:
        problems["reason"] = [_l("Use at most %(n)d characters.", n=500)]
    if problems:
        raise ValidationFailed(fields=problems)
    exists = session.execute(
        select(ConflictOfInterest.id).where(
            ConflictOfInterest.round_id == round_.id,
            ConflictOfInterest.judge_id == judge_id,
            ConflictOfInterest.program_id == program_id,
        )
    ).first()
    if exists:
        raise Conflict(_l("This conflict of interest is declared already."))
    removed = session.execute(
        delete(Score).where(Score.entry_id == entry.id, Score.judge_id == judge_id)
    ).rowcount
    session.execute(
        delete(JudgeTotal).where(JudgeTotal.entry_id == entry.id, JudgeTotal.judge_id == judge_id)
    )
    _refresh_entry_score(session, round_, entry)
    conflict = ConflictOfInterest(
        round_id=round_.id,
        judge_id=judge_id,
        program_id=program_id,
        reason=reason,
        declared_by_id=actor.id,
        declared_at=now,
    )
    session.add(conflict)
    session.flush()
    record(
        session,
        actor=actor,
        action="declare_conflict",
        entity_type="round",
        entity_id=round_.id,
        changes={
            "judge_id": judge_id,
            "program_id": program_id,
            "reason": reason,
            "scores_removed": removed,
        },
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    return conflict


def add_entries(
    session: Session, *, round_: Round, program_ids: list[int], actor: User, now: datetime
) -> list[RoundEntry]:
    """Programs taking part: the first round takes submitted programs, a later round those
    advanced from the round before. Programs already entered are left as they are."""
    _ensure_open(round_)
    ids = list(dict.fromkeys(program_ids))
    if not ids:
        raise ValidationFailed(fields={"program_ids": [_l("Choose at least one program.")]})
    programs = {
        p.id: p
        for p in session.execute(
            select(Program).where(Program.id.in_(ids), Program.festival_id == round_.festival_id)
        ).scalars()
    }
    previous_advanced: set[int] = set()
    if round_.position > 1:
        previous_advanced = set(
            session.execute(
                select(RoundEntry.program_id)
                .join(Round)
                .where(
                    Round.festival_id == round_.festival_id,
                    Round.position == round_.position - 1,
                    RoundEntry.advanced.is_(True),
                )
            ).scalars()
        )
    already = set(
        session.execute(
            select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
        ).scalars()
    )
    problems = []
    for program_id in ids:
        program = programs.get(program_id)
        if program is None:
            problems.append(_l("Program %(id)d is not in this festival.", id=program_id))
        elif program_id in already:
            continue
        elif round_.position == 1 and program.status is not ProgramStatus.submitted:
            problems.append(_l("《%(title)s》 is not a submitted program.", title=program.title))
        elif round_.position > 1 and program_id not in previous_advanced:
            problems.append(
                _l("《%(title)s》 did not advance from the previous round.", title=program.title)
            )
    if problems:
        raise ValidationFailed(fields={"program_ids": problems})
    entries = []
    for program_id in ids:
        if program_id in already:
            continue
        entries.append(RoundEntry(round_id=round_.id, program_id=program_id))
        programs[program_id].status = ProgramStatus.screening
    session.add_all(entries)
    session.flush()
    record(
        session,
        actor=actor,
        action="add_entries",
        entity_type="round",
        entity_id=round_.id,
        changes={"program_ids": [e.program_id for e in entries]},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    return entries


def save_scores(
    session: Session,
    *,
    round_: Round,
    program_id: int,
    judge: User,
    values: Mapping[str, object],
    now: datetime,
) -> list[Score]:
    """A judge's scores for one program: every criterion, each within 0..its maximum.
    Criteria are named by id or by name. Every change is in the audit log. Saving the same
    scores again changes nothing, and concurrent saves for one program take turns."""
    entry = _locked_entry(session, round_, program_id)
    if not is_assigned(session, round_.id, judge.id):
        raise Forbidden(_l("You are not a judge of this round."))
    if entry is None:
        raise NotFound(_l("This program does not take part in the round."))
    conflicted = session.execute(
        select(ConflictOfInterest.id).where(
            ConflictOfInterest.round_id == round_.id,
            ConflictOfInterest.judge_id == judge.id,
            ConflictOfInterest.program_id == program_id,
        )
    ).first()
    if conflicted:
        raise Forbidden(_l("You declared a conflict of interest with this program."))
    criteria = list(
        session.execute(
            select(Criterion).where(Criterion.round_id == round_.id).order_by(Criterion.position)
        ).scalars()
    )
    by_key = {str(c.id): c for c in criteria} | {c.name: c for c in criteria}
    problems: dict[str, list] = {}
    given: dict[int, Decimal] = {}
    named: set[int] = set()
    for key, raw in values.items():
        criterion = by_key.get(str(key))
        if criterion is None:
            problems.setdefault(str(key), []).append(_l("There is no such criterion."))
            continue
        if criterion.id in named:  # by its id and by its name
            problems.setdefault(str(key), []).append(
                _l("%(criterion)s is scored twice.", criterion=criterion.name)
            )
            continue
        named.add(criterion.id)
        value = _decimal(raw)
        if value is None:
            problems.setdefault(str(key), []).append(
                _l("Enter a number with at most two decimal places.")
            )
        elif not 0 <= value <= criterion.max_score:
            problems.setdefault(str(key), []).append(
                _l(
                    "%(criterion)s is scored from 0 to %(max)s.",
                    criterion=criterion.name,
                    max=format(criterion.max_score.normalize(), "f"),
                )
            )
        else:
            given[criterion.id] = value
    for criterion in criteria:
        if criterion.id not in named:
            problems.setdefault(str(criterion.id), []).append(
                _l("Score %(criterion)s too.", criterion=criterion.name)
            )
    if problems:
        raise ValidationFailed(fields=problems)
    existing = {
        s.criterion_id: s
        for s in session.execute(
            select(Score)
            .where(Score.entry_id == entry.id, Score.judge_id == judge.id)
            .execution_options(populate_existing=True)
        ).scalars()
    }
    changes = {}
    for criterion in criteria:
        value = given[criterion.id]
        score = existing.get(criterion.id)
        if score is None:
            score = Score(
                entry_id=entry.id,
                judge_id=judge.id,
                criterion_id=criterion.id,
                value=value,
                updated_at=now,
            )
            session.add(score)
            existing[criterion.id] = score
            changes[criterion.name] = [None, str(value)]
        elif score.value != value:
            changes[criterion.name] = [str(score.value), str(value)]
            score.value = value
            score.updated_at = now
    units = scoring.total_units(given, {c.id: c.weight for c in criteria})
    total = session.get(JudgeTotal, (entry.id, judge.id), populate_existing=True)
    if total is None:
        session.add(JudgeTotal(entry_id=entry.id, judge_id=judge.id, units=units))
    else:
        total.units = units
    session.flush()
    _refresh_entry_score(session, round_, entry)
    if changes:
        record(
            session,
            actor=judge,
            action="save_scores",
            entity_type="round",
            entity_id=round_.id,
            changes={"program_id": program_id, **changes},
            organization_id=round_.festival.organization_id,
            festival_id=round_.festival_id,
            now=now,
        )
    return [existing[c.id] for c in criteria]


def close_round(
    session: Session,
    *,
    round_: Round,
    advance_program_ids: list[int] | None,
    actor: User,
    now: datetime,
) -> list[int]:
    """Freeze the scores and advance the best ``advance_count`` programs (or the chosen ones).
    A tie across the cut line must be decided with ``advance_program_ids``. The round is
    locked first: saves in progress finish before the scores are read, later ones are refused."""
    locked(session, Round, round_.id)
    _ensure_open(round_)
    results = ranking(session, round_)
    if not results.items:
        raise ValidationFailed(fields={"program_ids": [_l("The round has no programs.")]})
    if not results.complete:
        raise Conflict(
            _l(
                "%(n)d score sheet(s) are still missing; every judge must score "
                "every program first.",
                n=results.missing,
            )
        )
    ranks = {item.program_id: item.rank for item in results.items}
    titles = {item.program_id: item.title for item in results.items}
    if round_.advance_count is None:
        advancing = list(dict.fromkeys(advance_program_ids or []))
        unknown = [pid for pid in advancing if pid not in ranks]
        if unknown:
            raise ValidationFailed(
                fields={
                    "advance_program_ids": [
                        _l("Program %(id)d is not in this round.", id=unknown[0])
                    ]
                }
            )
    else:
        cut = scoring.cut_line(ranks, round_.advance_count)
        if advance_program_ids is None:
            if cut.tied:
                names = "、".join(f"《{titles[pid]}》" for pid in cut.tied)
                raise TieAtCutoff(
                    _l(
                        "%(names)s are tied for the last %(n)d place(s); choose which advance.",
                        names=names,
                        n=cut.places_left,
                    ),
                    fields={"advance_program_ids": [str(pid) for pid in cut.tied]},
                )
            advancing = cut.advancing
        else:
            try:
                advancing = scoring.choose_advancing(cut, advance_program_ids)
            except ValueError as error:
                kind, detail = error.args[0]
                message = {
                    "missing": _l("Every program above the cut line advances."),
                    "outside": _l("Only programs at the cut line can be chosen."),
                    "count": _l("Choose exactly %(n)d of the tied programs.", n=detail),
                }[kind]
                raise ValidationFailed(fields={"advance_program_ids": [message]}) from None
    chosen = set(advancing)
    entries = {
        e.program_id: e
        for e in session.execute(
            select(RoundEntry).where(RoundEntry.round_id == round_.id)
        ).scalars()
    }
    programs = {
        p.id: p
        for p in session.execute(
            select(Program)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .where(RoundEntry.round_id == round_.id)
        ).scalars()
    }
    for item in results.items:
        entry = entries[item.program_id]
        entry.final_score = item.score
        entry.final_rank = item.rank
        entry.advanced = item.program_id in chosen
        programs[item.program_id].status = (
            ProgramStatus.advanced if entry.advanced else ProgramStatus.eliminated
        )
    round_.status = RoundStatus.closed
    round_.closed_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="close_round",
        entity_type="round",
        entity_id=round_.id,
        changes={"advanced": advancing},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    return advancing


def entry_count(session: Session, round_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == round_id)
    ).scalar_one()


def recommend_program(
    session: Session,
    *,
    program: Program,
    target: Festival,
    category_id: int | None,
    actor: User,
    now: datetime,
) -> Program:
    """Put an advanced or awarded program forward to a festival of a higher level: a linked
    copy there with the same troupe and performers (``recommended_from_id``)."""
    from festival.awards.models import Award
    from festival.festivals.models import Category
    from festival.programs.models import ProgramPerformer
    from festival.programs.services import submit_program

    source_level = program.festival.level
    problems: dict[str, list] = {}
    if target.level.rank <= source_level.rank or source_level.rank == 0:
        problems["festival_id"] = [
            _l("Recommend to a festival of a higher level (district → city → province).")
        ]
    elif target.status not in (FestivalStatus.open, FestivalStatus.screening):
        problems["festival_id"] = [_l("That festival is not taking programs.")]
    awarded = session.execute(select(Award.id).where(Award.program_id == program.id)).first()
    if program.status is not ProgramStatus.advanced and not awarded:
        problems["program_id"] = [_l("Only an advanced or awarded program can be recommended.")]
    if category_id is None:
        category_id = session.execute(
            select(Category.id).where(
                Category.festival_id == target.id, Category.name == program.category.name
            )
        ).scalar_one_or_none()
        if category_id is None and "festival_id" not in problems:
            problems["category_id"] = [
                _l(
                    "%(festival)s has no category called %(name)s; choose one.",
                    festival=target.name,
                    name=program.category.name,
                )
            ]
    already = session.execute(
        select(Program.id).where(
            Program.festival_id == target.id, Program.recommended_from_id == program.id
        )
    ).first()
    if already:
        problems["program_id"] = [_l("This program is already recommended to that festival.")]
    if problems:
        raise ValidationFailed(fields=problems)
    performer_ids = list(
        session.execute(
            select(ProgramPerformer.person_id).where(ProgramPerformer.program_id == program.id)
        ).scalars()
    )
    recommended = submit_program(
        session,
        festival=target,
        troupe=program.troupe,
        category_id=category_id,
        title=program.title,
        duration_minutes=program.duration_minutes,
        performer_ids=performer_ids,
        may_submit_late=True,
        actor=actor,
        now=now,
        allow_screening=True,
    )
    recommended.recommended_from_id = program.id
    session.flush()
    record(
        session,
        actor=actor,
        action="recommend_program",
        entity_type="program",
        entity_id=program.id,
        changes={"to_festival_id": target.id, "new_program_id": recommended.id},
        organization_id=program.festival.organization_id,
        festival_id=program.festival_id,
        now=now,
    )
    return recommended
