"""Check-in on the performance day: ticking a troupe off when it arrives (and taking a
mistaken tick back). Only the round's organizers, only while the round is open."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Forbidden, NotFound
from festival.judging.models import Round, RoundEntry
from festival.judging.permissions import can_manage_round
from festival.judging.services import ensure_open
from festival.performance.order import running_order


def entry_of(session: Session, round_: Round, program_id: int) -> RoundEntry:
    """The program's entry in the round; NotFound when the program does not take part."""
    entry = session.execute(
        select(RoundEntry).where(
            RoundEntry.round_id == round_.id, RoundEntry.program_id == program_id
        )
    ).scalar_one_or_none()
    if entry is None:
        raise NotFound(_l("This program does not take part in this round."))
    return entry


def ensure_may_change(round_: Round, actor: User) -> None:
    """The round's organizers run its day, while the round is open."""
    if not can_manage_round(actor, round_):
        raise Forbidden()
    ensure_open(round_)


def _audit(session: Session, round_: Round, entry: RoundEntry, action: str, actor, now) -> None:
    record(
        session,
        actor=actor,
        action=action,
        entity_type="round",
        entity_id=round_.id,
        changes={"program_id": entry.program_id},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )


def check_in(
    session: Session, *, round_: Round, program_id: int, actor: User, now: datetime
) -> RoundEntry:
    """The troupe of the program has arrived. A second check-in keeps the first time."""
    ensure_may_change(round_, actor)
    entry = entry_of(session, round_, program_id)
    if entry.checked_in_at is not None:
        return entry
    entry.checked_in_at = now
    session.flush()
    _audit(session, round_, entry, "check_in", actor, now)
    return entry


def undo_check_in(
    session: Session, *, round_: Round, program_id: int, actor: User, now: datetime
) -> RoundEntry:
    """Take back a mistaken tick: the troupe counts as not arrived again."""
    ensure_may_change(round_, actor)
    entry = entry_of(session, round_, program_id)
    if entry.checked_in_at is None:
        return entry
    entry.checked_in_at = None
    session.flush()
    _audit(session, round_, entry, "undo_check_in", actor, now)
    return entry


@dataclass
class OrderLine:
    """One program of the running order as the day's pages show it."""

    position: int  # 1, 2, ... in the running order
    entry_id: int
    program_id: int
    title: str
    troupe_name: str
    checked_in: bool


def order_lines(session: Session, round_id: int) -> list[OrderLine]:
    """The round's programs in the running order (``order.running_order``: places first, the
    rest after them by entry), numbered 1..n, with their check-in: one query."""
    return [
        OrderLine(index, row.entry_id, row.program_id, row.title, row.troupe_name, row.checked_in)
        for index, row in enumerate(running_order(session, round_id), start=1)
    ]
