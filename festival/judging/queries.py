"""Reads of rounds, scoped to the viewer: the round and who the viewer is to it, its set-up
(criteria, judges, entries, conflicts), which programs may enter it, progress, and score
sheets. The ranking is read by ``judging.result_queries``."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Organization, Role, User
from festival.core.errors import NotFound
from festival.festivals.models import Category, Festival
from festival.judging import conflicts as conflict_rules
from festival.judging import permissions
from festival.judging.models import (
    Conflict,
    Criterion,
    JudgeAssignment,
    JudgeTotal,
    Round,
    RoundEntry,
    RoundStatus,
    Score,
    ScoreComment,
)
from festival.judging.permissions import RoundAudience
from festival.judging.signals import sheet_videos_wanted
from festival.programs.models import Program, ProgramStatus
from festival.troupes.models import Troupe


def is_assigned(session: Session, round_id: int, user_id: int) -> bool:
    """Whether the user judges the round."""
    return session.get(JudgeAssignment, (round_id, user_id)) is not None


def load_round(session: Session, viewer: User, round_id: int) -> tuple[Round, RoundAudience]:
    """The round (with its festival) and who the viewer is to it; NotFound for anyone who
    neither runs nor judges it, on the pages and through the API alike."""
    round_ = session.execute(
        select(Round)
        .where(Round.id == round_id)
        .options(joinedload(Round.festival).joinedload(Festival.organization))
    ).scalar_one_or_none()
    if round_ is None:
        raise NotFound()
    audience = permissions.round_audience(
        viewer, round_, is_assigned=is_assigned(session, round_.id, viewer.id)
    )
    if audience is None:
        raise NotFound()
    return round_, audience


def round_criteria(session: Session, round_id: int) -> list[Criterion]:
    """The round's criteria in order."""
    return list(
        session.execute(
            select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)
        ).scalars()
    )


def round_judges(session: Session, round_id: int) -> list[User]:
    return list(
        session.execute(
            select(User)
            .join(JudgeAssignment, JudgeAssignment.judge_id == User.id)
            .where(JudgeAssignment.round_id == round_id)
            .order_by(User.display_name, User.id)
        ).scalars()
    )


def entry_count(session: Session, round_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(RoundEntry).where(RoundEntry.round_id == round_id)
    ).scalar_one()


def round_entry(session: Session, round_id: int, program_id: int) -> RoundEntry | None:
    """The program's entry in the round, with the program; None if it does not take part."""
    return session.execute(
        select(RoundEntry)
        .where(RoundEntry.round_id == round_id, RoundEntry.program_id == program_id)
        .options(joinedload(RoundEntry.program))
    ).scalar_one_or_none()


@dataclass
class EntryRow:
    program_id: int
    title: str
    troupe_name: str
    category_name: str


def round_entries(session: Session, round_id: int) -> list[EntryRow]:
    """The programs of the round with their troupes, by category and title."""
    return [
        EntryRow(*row)
        for row in session.execute(
            select(Program.id, Program.title, Troupe.name, Category.name)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .join(Category, Program.category_id == Category.id)
            .where(RoundEntry.round_id == round_id)
            .order_by(Category.position, Program.title)
        )
    ]


def previous_round(session: Session, round_: Round) -> Round | None:
    if round_.position <= 1:
        return None
    return session.execute(
        select(Round).where(
            Round.festival_id == round_.festival_id, Round.position == round_.position - 1
        )
    ).scalar_one_or_none()


def may_enter(round_: Round) -> Select:
    """The rule of who may enter a round, as a select of program ids: the festival's
    submitted programs for the first round, those that advanced from the round before for a
    later one."""
    if round_.position <= 1:
        return select(Program.id).where(
            Program.festival_id == round_.festival_id, Program.status == ProgramStatus.submitted
        )
    previous = (
        select(Round.id)
        .where(Round.festival_id == round_.festival_id, Round.position == round_.position - 1)
        .scalar_subquery()
    )
    return select(RoundEntry.program_id).where(
        RoundEntry.round_id == previous, RoundEntry.advanced.is_(True)
    )


def allowed_entries(session: Session, round_: Round, program_ids: list[int]) -> set[int]:
    """Which of ``program_ids`` may enter the round (``may_enter``)."""
    query = may_enter(round_)
    return set(session.execute(query.where(query.selected_columns[0].in_(program_ids))).scalars())


def programs_to_enter(session: Session, round_: Round) -> list[int]:
    """What "enter every program" enters: the programs that may enter the round
    (``may_enter``) and are not entered yet."""
    query = may_enter(round_)
    column = query.selected_columns[0]
    entered = select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
    return list(session.execute(query.where(column.not_in(entered)).order_by(column)).scalars())


def judge_accounts(session: Session, round_id: int) -> list[User]:
    """Active judge accounts not yet assigned to the round."""
    assigned = select(JudgeAssignment.judge_id).where(JudgeAssignment.round_id == round_id)
    return list(
        session.execute(
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
    reason: str  # an automatic conflict's reason is said from the rule, in the reader's language
    declared_by: str | None
    declared_at: datetime
    automatic: bool = False


def round_conflicts(session: Session, round_id: int) -> list[ConflictRow]:
    """The round's conflicts of interest, by judge and title, with who declared them; the
    automatic ones (回避) with their reason from the rule."""
    judge, declarer = aliased(User), aliased(User)
    judge_organization, troupe_organization = aliased(Organization), aliased(Organization)
    rows = session.execute(
        select(
            judge.id,
            judge.display_name,
            Program.id,
            Program.title,
            Troupe.name,
            Conflict.reason,
            declarer.display_name,
            Conflict.declared_at,
            Conflict.automatic,
            judge_organization.id,
            judge_organization.name,
            troupe_organization.name,
            Troupe.organization_id,
        )
        .join(judge, Conflict.judge_id == judge.id)
        .join(Program, Conflict.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(troupe_organization, Troupe.organization_id == troupe_organization.id)
        .outerjoin(judge_organization, judge.organization_id == judge_organization.id)
        .outerjoin(declarer, Conflict.declared_by_id == declarer.id)
        .where(Conflict.round_id == round_id)
        .order_by(judge.display_name, Program.title, Conflict.id)
    )
    rows = rows.all()
    parents, festival_organization = {}, None
    if any(row[8] for row in rows):  # the automatic ones: their reason from the tree
        parents = conflict_rules.organization_parents(session)
        festival_organization = session.execute(
            select(Festival.organization_id).join(Round).where(Round.id == round_id)
        ).scalar_one()
    conflicts = []
    for *row, automatic, judge_org_id, judge_org, troupe_org, troupe_org_id in rows:
        if automatic:
            kind = conflict_rules.relation(
                judge_org_id, troupe_org_id, festival_organization, parents
            )
            row[5] = conflict_rules.automatic_reason(judge_org, troupe_org, kind=kind)
        conflicts.append(ConflictRow(*row, automatic=automatic))
    return conflicts


def criterion_ids(session: Session, round_id: int) -> list[int]:
    """The ids of the round's criteria, in order."""
    return list(
        session.execute(
            select(Criterion.id).where(Criterion.round_id == round_id).order_by(Criterion.position)
        ).scalars()
    )


@dataclass
class SheetRow:
    entry: RoundEntry
    program: Program
    scores: dict[int, Decimal]  # criterion id → this judge's value
    comment: str = ""  # this judge's comment (点评)


def _judge_entries(round_: Round, judge: User) -> Select:
    """The round's entries a judge scores: all but their conflicts, in the sheet's order."""
    conflicted = select(Conflict.program_id).where(
        Conflict.round_id == round_.id, Conflict.judge_id == judge.id
    )
    return select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.program_id.not_in(conflicted)
    )


def judge_sheet(
    session: Session, round_: Round, judge: User, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Criterion], list[SheetRow]]:
    """A judge's entries (without their conflicts), all or ``limit`` from ``offset``, and
    their own scores and comments on them, nobody else's."""
    criteria = round_criteria(session, round_.id)
    found = session.execute(
        _judge_entries(round_, judge)
        .add_columns(ScoreComment.text)
        .outerjoin(
            ScoreComment,
            (ScoreComment.entry_id == RoundEntry.id) & (ScoreComment.judge_id == judge.id),
        )
        .options(
            joinedload(RoundEntry.program).joinedload(Program.category),
            joinedload(RoundEntry.program).joinedload(Program.troupe),
        )
        .order_by(RoundEntry.id)
        .offset(offset)
        .limit(limit)
    ).all()
    entries = [entry for entry, _text in found]
    comments = {entry.id: text or "" for entry, text in found}
    own: dict[int, dict[int, Decimal]] = defaultdict(dict)
    scores = (
        select(Score.entry_id, Score.criterion_id, Score.value)
        .join(RoundEntry, Score.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, Score.judge_id == judge.id)
    )
    if limit is not None:
        scores = scores.where(Score.entry_id.in_([entry.id for entry in entries]))
    for entry_id, criterion_id, value in session.execute(scores):
        own[entry_id][criterion_id] = value
    return criteria, [
        SheetRow(entry=e, program=e.program, scores=own[e.id], comment=comments[e.id])
        for e in entries
    ]


def judge_progress(session: Session, round_: Round, judge: User) -> tuple[int, int]:
    """(programs the judge scored in full, programs they score): two counts."""
    total = session.execute(
        select(func.count()).select_from(_judge_entries(round_, judge).subquery())
    ).scalar_one()
    scored = session.execute(
        select(func.count())
        .select_from(JudgeTotal)
        .join(RoundEntry, JudgeTotal.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, JudgeTotal.judge_id == judge.id)
    ).scalar_one()
    return scored, total


def sheet_position(session: Session, round_: Round, judge: User, program_id: int) -> int:
    """How many of the judge's entries come before the program's on the sheet."""
    entry_id = (
        select(RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id)
        .scalar_subquery()
    )
    return session.execute(
        select(func.count()).select_from(
            _judge_entries(round_, judge).where(RoundEntry.id < entry_id).subquery()
        )
    ).scalar_one()


def festival_rounds(session: Session, festival_id: int) -> list[Round]:
    return list(
        session.execute(
            select(Round).where(Round.festival_id == festival_id).order_by(Round.position)
        ).scalars()
    )


@dataclass
class RoundLine:
    round: Round
    festival_name: str
    scored: int
    total: int

    @property
    def left(self) -> int:
        """Programs the judge has still to score in full."""
        return max(self.total - self.scored, 0)


def judge_rounds(session: Session, judge_id: int) -> list[RoundLine]:
    """The judge's rounds, open first, with how many of their programs they scored fully;
    three queries whatever the number of rounds and entries."""
    rounds = session.execute(
        select(Round, Festival.name)
        .join(JudgeAssignment, JudgeAssignment.round_id == Round.id)
        .join(Festival, Round.festival_id == Festival.id)
        .where(JudgeAssignment.judge_id == judge_id)
        .order_by(
            case((Round.status == RoundStatus.open, 0), else_=1),
            Round.created_at.desc(),
            Round.id.desc(),
        )
    ).all()
    conflicted = exists().where(
        Conflict.round_id == RoundEntry.round_id,
        Conflict.program_id == RoundEntry.program_id,
        Conflict.judge_id == judge_id,
    )
    to_score = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeAssignment, JudgeAssignment.round_id == RoundEntry.round_id)
            .where(JudgeAssignment.judge_id == judge_id, ~conflicted)
            .group_by(RoundEntry.round_id)
        ).all()
    )
    # A judge's total exists once they scored every criterion of the entry.
    scored = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeTotal, JudgeTotal.entry_id == RoundEntry.id)
            .where(JudgeTotal.judge_id == judge_id)
            .group_by(RoundEntry.round_id)
        ).all()
    )
    return [
        RoundLine(
            round=round_,
            festival_name=festival_name,
            scored=scored.get(round_.id, 0),
            total=to_score.get(round_.id, 0),
        )
        for round_, festival_name in rounds
    ]


@dataclass(frozen=True)
class RoundProgress:
    entries: int
    judges: int
    missing: int  # score sheets (program × judge, without conflicts) not complete yet

    @property
    def complete(self) -> bool:
        return self.entries > 0 and self.judges > 0 and self.missing == 0


def rounds_progress(session: Session, rounds: Select) -> dict[int, RoundProgress]:
    """Entries, judges and missing score sheets of each round that ``rounds`` selects (a
    ``select(Round.id)`` narrowed by festival or status): four queries whatever their number."""
    chosen = rounds.subquery()

    def per_round(column):
        return dict(
            session.execute(
                select(column, func.count()).where(column.in_(select(chosen.c.id))).group_by(column)
            ).all()
        )

    entries = per_round(RoundEntry.round_id)
    judges = per_round(JudgeAssignment.round_id)
    conflicts = per_round(Conflict.round_id)
    # Complete sheets: the judge totals of assigned judges (kept once every criterion is in).
    complete = dict(
        session.execute(
            select(RoundEntry.round_id, func.count())
            .join(JudgeTotal, JudgeTotal.entry_id == RoundEntry.id)
            .join(
                JudgeAssignment,
                (JudgeAssignment.round_id == RoundEntry.round_id)
                & (JudgeAssignment.judge_id == JudgeTotal.judge_id),
            )
            .where(RoundEntry.round_id.in_(select(chosen.c.id)))
            .group_by(RoundEntry.round_id)
        ).all()
    )
    ids = set(entries) | set(judges)
    progress = {}
    for round_id in ids:
        n_entries, n_judges = entries.get(round_id, 0), judges.get(round_id, 0)
        expected = n_entries * n_judges - conflicts.get(round_id, 0)
        progress[round_id] = RoundProgress(
            entries=n_entries, judges=n_judges, missing=max(expected - complete.get(round_id, 0), 0)
        )
    return progress


@dataclass
class RoundRow:
    round: Round
    entries: int
    judges: int
    missing: int

    @property
    def complete(self) -> bool:
        return self.entries > 0 and self.judges > 0 and self.missing == 0


def rounds_overview(session: Session, festival_id: int) -> list[RoundRow]:
    """The festival's rounds with entries, judges and missing score sheets: five queries."""
    rounds = festival_rounds(session, festival_id)
    progress = rounds_progress(session, select(Round.id).where(Round.festival_id == festival_id))
    empty = RoundProgress(entries=0, judges=0, missing=0)
    return [
        RoundRow(round=round_, entries=row.entries, judges=row.judges, missing=row.missing)
        for round_ in rounds
        for row in [progress.get(round_.id, empty)]
    ]


def sheet_videos(session: Session, round_: Round, program_ids: list[int]) -> dict[int, object]:
    """The videos a judge's sheet shows beside the criteria, ``{program id: video}`` for
    ``program_ids`` (the sheet's own entries: never one the judge may not score); empty unless
    the round is screened by video. The media domain answers ``signals.sheet_videos_wanted``."""
    if not round_.by_video or not program_ids:
        return {}
    found: dict[int, object] = {}
    for _receiver, videos in sheet_videos_wanted.send(
        round_, session=session, program_ids=program_ids
    ):
        found.update(videos or {})
    return found
