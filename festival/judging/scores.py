"""A judge's scores and conflicts of interest: saving scores, declaring a conflict, and the
entry's score kept from its judges' totals."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Conflict, Forbidden, NotFound, ScoreLocked, ValidationFailed
from festival.db import locked
from festival.judging import queries, scoring
from festival.judging.models import Conflict as ConflictOfInterest
from festival.judging.models import (
    JudgeTotal,
    Round,
    RoundEntry,
    Score,
    ScoreComment,
    ScoreConfirmation,
)
from festival.judging.result_keys import results_changed
from festival.judging.services import ensure_open


def _locked_entry(session: Session, round_: Round, program_id: int) -> RoundEntry | None:
    """The entry of ``program_id``, locked for a change of its scores (see ``db.locked``):
    saves for one program take turns, each deriving the score from the totals committed
    before it, and the round is held open (shared) until the save commits."""
    locked(session, Round, round_.id, shared=True)
    ensure_open(round_)
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
        round_.trim,
    )
    entry.score = result.score
    entry.judge_count = len(totals)
    flag_modified(entry, "score")  # written even when unchanged: a save costs the same queries


COMMENT_MAX_LENGTH = 500


def _save_comment(
    session: Session, entry: RoundEntry, judge: User, text: str, changes: dict, now: datetime
) -> None:
    """The judge's comment on the entry set to ``text`` (removed when empty); a change is
    added to ``changes``, for the save's audit entry. One query to read it, at most one write."""
    stored = session.get(ScoreComment, (entry.id, judge.id), populate_existing=True)
    before = stored.text if stored is not None else ""
    if before == text:
        return
    changes["comment"] = [before or None, text or None]
    if not text:
        session.delete(stored)
    elif stored is None:
        session.add(ScoreComment(entry_id=entry.id, judge_id=judge.id, text=text, updated_at=now))
    else:
        stored.text = text
        stored.updated_at = now


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
    if not queries.is_assigned(session, round_.id, judge_id):
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
    session.execute(
        delete(ScoreComment).where(
            ScoreComment.entry_id == entry.id, ScoreComment.judge_id == judge_id
        )
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
    results_changed(session, round_.id)
    return conflict


def save_scores(
    session: Session,
    *,
    round_: Round,
    program_id: int,
    judge: User,
    values: Mapping[str, object],
    now: datetime,
    comment: str | None = None,
) -> list[Score]:
    """A judge's scores for one program: every criterion, each within 0..its maximum.
    Criteria are named by id or by name. Every change is in the audit log. Saving the same
    scores again changes nothing, and concurrent saves for one program take turns.
    ``comment`` (点评, at most 500 characters) replaces the judge's comment on the program;
    an empty one removes it, None leaves it as it is."""
    entry = _locked_entry(session, round_, program_id)
    if not queries.is_assigned(session, round_.id, judge.id):
        raise Forbidden(_l("You are not a judge of this round."))
    if entry is None:
        raise NotFound(_l("This program does not take part in the round."))
    # One query: a conflict of interest (automatic or declared) and a confirmed score.
    automatic, confirmed = session.execute(
        select(
            select(ConflictOfInterest.automatic)
            .where(
                ConflictOfInterest.round_id == round_.id,
                ConflictOfInterest.judge_id == judge.id,
                ConflictOfInterest.program_id == program_id,
            )
            .limit(1)
            .scalar_subquery(),
            exists().where(
                ScoreConfirmation.entry_id == entry.id, ScoreConfirmation.judge_id == judge.id
            ),
        )
    ).one()
    if automatic:
        raise Forbidden(
            _l("Judges do not score programs of their own organisation or one under it.")
        )
    if automatic is not None:
        raise Forbidden(_l("You declared a conflict of interest with this program."))
    if confirmed:
        raise ScoreLocked()
    criteria = queries.round_criteria(session, round_.id)
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
        value = scoring.exact_two_places(raw)
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
    if comment is not None:
        comment = comment.replace("\r\n", "\n").strip()  # a form's textarea sends CR LF
        if len(comment) > COMMENT_MAX_LENGTH:
            problems["comment"] = [_l("Use at most %(n)d characters.", n=COMMENT_MAX_LENGTH)]
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
    if comment is not None:
        _save_comment(session, entry, judge, comment, changes, now)
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
    results_changed(session, round_.id)
    return [existing[c.id] for c in criteria]
