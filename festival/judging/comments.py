"""The judges' comments (点评) on a program as its troupe reads them: round by round, never
saying who wrote them. Written by ``scores.save_scores``."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.judging import permissions
from festival.judging.models import Round, RoundEntry, ScoreComment
from festival.programs.models import Program
from festival.programs.signals import comments_wanted


@dataclass(frozen=True)
class ProgramComment:
    round_id: int
    round_name: str
    text: str


def program_comments(session: Session, program_id: int) -> list[ProgramComment]:
    """Every comment on the program, round by round in the festival's order, and within a
    round by its text: an order that tells nothing of which judge wrote which (never by the
    judge or the time of writing). One query."""
    rows = session.execute(
        select(Round.position, Round.id, Round.name, ScoreComment.text)
        .join(RoundEntry, ScoreComment.entry_id == RoundEntry.id)
        .join(Round, Round.id == RoundEntry.round_id)
        .where(RoundEntry.program_id == program_id)
    ).all()
    # Sorted here, by code point, so that both databases give the same order.
    return [
        ProgramComment(round_id=round_id, round_name=name, text=text)
        for _position, round_id, name, text in sorted(rows)
    ]


def readable_comments(session: Session, viewer: User, program: Program) -> list | None:
    """The comments the viewer may read on the program, or None when they may read none
    (``permissions.can_read_comments``)."""
    if not permissions.can_read_comments(viewer, program):
        return None
    return program_comments(session, program.id)


@comments_wanted.connect
def _comments_for_program_page(program: Program, *, session: Session, viewer: User):
    return readable_comments(session, viewer, program)
