"""Live scoring on the performance day (现场亮分): a judge confirms their score for the program
on stage, the organizer may reopen it with a reason, and the live state that the judges'
tablets and the big screen poll, with its ETag read in one query."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Forbidden, NotFound, ValidationFailed
from festival.db import locked
from festival.judging import queries, scoring
from festival.judging.models import Conflict as ConflictOfInterest
from festival.judging.models import (
    JudgeAssignment,
    JudgeTotal,
    Round,
    RoundEntry,
    RoundResultsKey,
    RoundStage,
    Score,
    ScoreConfirmation,
)
from festival.judging.result_keys import results_changed
from festival.judging.services import ensure_open
from festival.programs.models import Program
from festival.troupes.models import Troupe

REASON_MAX_LENGTH = 500


def _locked_entry(session: Session, round_: Round, program_id: int) -> RoundEntry | None:
    """The program's entry, locked as a score save locks it: a confirmation and a save of the
    same program take turns, so a save never slips in after the confirmation."""
    locked(session, Round, round_.id, shared=True)
    ensure_open(round_)
    return session.execute(
        select(RoundEntry)
        .where(RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _conflicted(session: Session, round_id: int, judge_id: int, program_id: int) -> bool:
    return (
        session.execute(
            select(ConflictOfInterest.id).where(
                ConflictOfInterest.round_id == round_id,
                ConflictOfInterest.judge_id == judge_id,
                ConflictOfInterest.program_id == program_id,
            )
        ).first()
        is not None
    )


def confirm(
    session: Session, round_: Round, program_id: int, judge: User, now: datetime
) -> ScoreConfirmation:
    """The judge's score for the program becomes final: every criterion must be scored.
    Confirming again changes nothing (two tablets of one judge never double anything)."""
    entry = _locked_entry(session, round_, program_id)
    if not queries.is_assigned(session, round_.id, judge.id):
        raise Forbidden(_l("You are not a judge of this round."))
    if entry is None:
        raise NotFound(_l("This program does not take part in the round."))
    if _conflicted(session, round_.id, judge.id, program_id):
        raise Forbidden(_l("You declared a conflict of interest with this program."))
    existing = session.get(ScoreConfirmation, (entry.id, judge.id), populate_existing=True)
    if existing is not None:
        return existing
    scored = set(
        session.execute(
            select(Score.criterion_id).where(Score.entry_id == entry.id, Score.judge_id == judge.id)
        ).scalars()
    )
    missing = [c for c in queries.round_criteria(session, round_.id) if c.id not in scored]
    if missing:
        raise ValidationFailed(
            _l(
                "Score every criterion before confirming; missing: %(criteria)s.",
                criteria="、".join(c.name for c in missing),
            ),
            fields={str(c.id): [_l("Score %(criterion)s too.", criterion=c.name)] for c in missing},
        )
    confirmation = ScoreConfirmation(entry_id=entry.id, judge_id=judge.id, confirmed_at=now)
    session.add(confirmation)
    session.flush()
    record(
        session,
        actor=judge,
        action="confirm_score",
        entity_type="round",
        entity_id=round_.id,
        changes={"program_id": program_id},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    results_changed(session, round_.id)
    return confirmation


@dataclass(frozen=True)
class JudgeConfirmation:
    judge_id: int
    name: str
    confirmed_at: datetime | None


def confirmations_of(session: Session, round_id: int, entry_id: int) -> list[JudgeConfirmation]:
    """Each judge of the round, in the order they were assigned, with when they confirmed
    their score for the entry (None: not yet): for the organizer's stage page. One query."""
    rows = session.execute(
        select(User.id, User.display_name, ScoreConfirmation.confirmed_at)
        .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
        .outerjoin(
            ScoreConfirmation,
            and_(ScoreConfirmation.judge_id == User.id, ScoreConfirmation.entry_id == entry_id),
        )
        .where(JudgeAssignment.round_id == round_id)
        .order_by(JudgeAssignment.assigned_at, User.id)
    )
    return [JudgeConfirmation(*row) for row in rows]


def reopen(
    session: Session,
    round_: Round,
    program_id: int,
    judge_id: int,
    reason: str,
    *,
    actor: User,
    now: datetime,
) -> None:
    """The organizer reopens a judge's confirmed score, giving a reason (audited): the judge
    may change it and confirm again."""
    entry = _locked_entry(session, round_, program_id)
    reason = (reason or "").strip()
    problems: dict[str, list] = {}
    if not reason:
        problems["reason"] = [_l("Give the reason for reopening the score.")]
    elif len(reason) > REASON_MAX_LENGTH:
        problems["reason"] = [_l("Use at most %(n)d characters.", n=REASON_MAX_LENGTH)]
    if entry is None:
        problems["program_id"] = [_l("This program does not take part in the round.")]
    if problems:
        raise ValidationFailed(fields=problems)
    removed = session.execute(
        delete(ScoreConfirmation).where(
            ScoreConfirmation.entry_id == entry.id, ScoreConfirmation.judge_id == judge_id
        )
    ).rowcount
    if not removed:
        raise NotFound(_l("This judge has not confirmed a score for this program."))
    record(
        session,
        actor=actor,
        action="reopen_score",
        entity_type="round",
        entity_id=round_.id,
        changes={"program_id": program_id, "judge_id": judge_id, "reason": reason},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    results_changed(session, round_.id)


@dataclass(frozen=True)
class Validator:
    """What a poll is answered from before anything is built: the round's ETag (unquoted)."""

    screen_public: bool
    etag: str


def live_validator(session: Session, round_id: int) -> Validator | None:
    """The live state's ETag in ONE query: the round's results key (renewed by every score,
    confirmation, reopening, judge and conflict) and when the stage last changed. None: no
    such round."""
    row = session.execute(
        select(Round.screen_public, RoundResultsKey.key, RoundStage.changed_at)
        .select_from(Round)
        .outerjoin(RoundResultsKey, RoundResultsKey.round_id == Round.id)
        .outerjoin(RoundStage, RoundStage.round_id == Round.id)
        .where(Round.id == round_id)
    ).first()
    if row is None:
        return None
    screen_public, key, changed_at = row
    stamp = "-" if changed_at is None else f"{changed_at.timestamp():.6f}"
    return Validator(screen_public=bool(screen_public), etag=f"live-{key or '-'}-{stamp}")


@dataclass
class LiveState:
    on_stage: dict | None
    confirmed: int = 0
    judges: int = 0
    totals: list[dict] | None = None
    dropped: list[dict] | None = None
    score: str | None = None
    you_confirmed: bool | None = None  # only for a judge of the round

    def as_json(self) -> dict:
        body: dict = {"on_stage": self.on_stage, "confirmed": self.confirmed, "judges": self.judges}
        if self.totals is not None:
            body |= {"totals": self.totals, "dropped": self.dropped, "score": self.score}
        if self.you_confirmed is not None:
            body["you_confirmed"] = self.you_confirmed
        return body


def _position(session: Session, round_id: int, entry: RoundEntry) -> int:
    """The entry's place in the running order: by running position (none last), then id."""
    before = RoundEntry.running_position.is_not(None)
    if entry.running_position is not None:
        before = or_(
            RoundEntry.running_position < entry.running_position,
            and_(RoundEntry.running_position == entry.running_position, RoundEntry.id < entry.id),
        )
    else:
        before = or_(before, and_(RoundEntry.running_position.is_(None), RoundEntry.id < entry.id))
    return (
        session.execute(
            select(func.count()).where(RoundEntry.round_id == round_id, before)
        ).scalar_one()
        + 1
    )


def live_state(session: Session, round_: Round, viewer_id: int | None = None) -> LiveState:
    """What is on stage, how many of its judges (assigned, without a conflict on it) have
    confirmed, and, once all of them have, each judge's total (numbered, never named), the
    totals the round's rule drops and the score. ``viewer_id``: a judge, told whether they
    confirmed. A constant number of queries."""
    row = session.execute(
        select(RoundEntry, Program.title, Troupe.name)
        .select_from(RoundStage)
        .join(RoundEntry, RoundEntry.id == RoundStage.entry_id)
        .join(Program, Program.id == RoundEntry.program_id)
        .join(Troupe, Troupe.id == Program.troupe_id)
        .where(RoundStage.round_id == round_.id)
    ).first()
    if row is None:
        return LiveState(on_stage=None)
    entry, title, troupe_name = row
    on_stage = {
        "program_id": entry.program_id,
        "title": title,
        "troupe_name": None if round_.is_blind else troupe_name,
        "position": _position(session, round_.id, entry),
    }
    no_conflict = ~exists().where(
        ConflictOfInterest.round_id == round_.id,
        ConflictOfInterest.judge_id == JudgeAssignment.judge_id,
        ConflictOfInterest.program_id == entry.program_id,
    )
    judges = session.execute(
        select(JudgeAssignment.judge_id, ScoreConfirmation.judge_id, JudgeTotal.units)
        .outerjoin(
            ScoreConfirmation,
            and_(
                ScoreConfirmation.entry_id == entry.id,
                ScoreConfirmation.judge_id == JudgeAssignment.judge_id,
            ),
        )
        .outerjoin(
            JudgeTotal,
            and_(JudgeTotal.entry_id == entry.id, JudgeTotal.judge_id == JudgeAssignment.judge_id),
        )
        .where(JudgeAssignment.round_id == round_.id, no_conflict)
        .order_by(JudgeAssignment.assigned_at, JudgeAssignment.judge_id)
    ).all()
    confirmed = sum(1 for _, confirmation, _ in judges if confirmation is not None)
    state = LiveState(on_stage=on_stage, confirmed=confirmed, judges=len(judges))
    if viewer_id is not None:
        state.you_confirmed = any(
            judge_id == viewer_id and confirmation is not None
            for judge_id, confirmation, _ in judges
        )
    if judges and confirmed == len(judges):
        units = {number: units or 0 for number, (_, _, units) in enumerate(judges, start=1)}
        result = scoring.aggregate(
            {n: scoring.from_units(u) for n, u in units.items()},
            round_.aggregation.value,
            round_.trim,
        )
        if round_.aggregation.value == "median":
            dropped = [n for n in units if n not in result.middle]
        else:
            dropped = sorted(result.dropped_highs + result.dropped_lows)
        state.totals = [{"judge": n, "total": scoring.units_text(u)} for n, u in units.items()]
        state.dropped = [{"judge": n, "total": scoring.units_text(units[n])} for n in dropped]
        state.score = None if result.score is None else str(scoring.two_places(result.score))
    return state
