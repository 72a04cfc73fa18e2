"""What is on stage in a round now: the organizer puts a program on (or clears the stage),
or steps to the next or previous program of the running order. Audited; only the round's
organizers, only while the round is open. A program not yet checked in may go on stage (the
page warns)."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Conflict
from festival.db import locked
from festival.judging.models import Round, RoundEntry, RoundStage
from festival.performance.checkin import ensure_may_change, entry_of, order_lines
from festival.programs.models import Program
from festival.troupes.models import Troupe


@dataclass
class OnStage:
    """The program on stage, as the API and the pages show it."""

    entry_id: int
    program_id: int
    title: str
    troupe_name: str
    position: int | None  # its place in the running order (None before there is one)
    checked_in_at: datetime | None

    @property
    def checked_in(self) -> bool:
        return self.checked_in_at is not None


def on_stage(session: Session, round_id: int) -> OnStage | None:
    """The program on stage in the round now, or None when the stage is empty: one query."""
    row = session.execute(
        select(
            RoundEntry.id,
            RoundEntry.program_id,
            Program.title,
            Troupe.name,
            RoundEntry.running_position,
            RoundEntry.checked_in_at,
        )
        .select_from(RoundStage)
        .join(RoundEntry, RoundStage.entry_id == RoundEntry.id)
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .where(RoundStage.round_id == round_id)
    ).one_or_none()
    return None if row is None else OnStage(*row)


def put_on_stage(
    session: Session, *, round_: Round, program_id: int | None, actor: User, now: datetime
) -> RoundEntry | None:
    """Put the program on stage (None: the stage is empty)."""
    ensure_may_change(round_, actor)
    entry = None if program_id is None else entry_of(session, round_, program_id)
    locked(session, Round, round_.id)  # two organizers' taps take turns on the one stage row
    stage = session.get(RoundStage, round_.id)
    before = None
    if stage is None:
        stage = RoundStage(round_id=round_.id)
        session.add(stage)
    elif stage.entry_id is not None:
        before = session.get(RoundEntry, stage.entry_id)
    stage.entry_id = entry.id if entry is not None else None
    stage.changed_at = now
    session.flush()
    record(
        session,
        actor=actor,
        action="put_on_stage",
        entity_type="round",
        entity_id=round_.id,
        changes={
            "program_id": [
                before.program_id if before is not None else None,
                entry.program_id if entry is not None else None,
            ]
        },
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    return entry


def _step(session: Session, round_: Round, step: int) -> int:
    """The program ``step`` places from the one on stage in the running order (the first one
    when the stage is empty)."""
    lines = order_lines(session, round_.id)
    if not lines:
        raise Conflict(_l("No program takes part in this round yet."))
    current = on_stage(session, round_.id)
    if current is None:
        return lines[0].program_id if step > 0 else lines[-1].program_id
    index = next(i for i, line in enumerate(lines) if line.entry_id == current.entry_id)
    target = index + step
    if target >= len(lines):
        raise Conflict(_l("The last program of the running order is on stage."))
    if target < 0:
        raise Conflict(_l("The first program of the running order is on stage."))
    return lines[target].program_id


def next_on_stage(session: Session, *, round_: Round, actor: User, now: datetime) -> RoundEntry:
    """The next program of the running order goes on stage (the first one when it is empty)."""
    ensure_may_change(round_, actor)
    return put_on_stage(
        session, round_=round_, program_id=_step(session, round_, 1), actor=actor, now=now
    )


def previous_on_stage(session: Session, *, round_: Round, actor: User, now: datetime) -> RoundEntry:
    """The previous program of the running order goes back on stage."""
    ensure_may_change(round_, actor)
    return put_on_stage(
        session, round_=round_, program_id=_step(session, round_, -1), actor=actor, now=now
    )
