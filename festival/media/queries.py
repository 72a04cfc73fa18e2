"""Reads of programs' media: a program's files, one media with its program, and whether a
judge judges a program (which lets them see its video)."""

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import User
from festival.festivals.models import Festival
from festival.judging.models import JudgeAssignment, RoundEntry
from festival.media.models import Media, MediaKind
from festival.programs.models import Program

KIND_ORDER = {MediaKind.video: 0, MediaKind.backing_track: 1}


def media_of_program(session: Session, program_id: int) -> list[Media]:
    """A program's media (a video and a backing track at most), the video first."""
    found = session.scalars(select(Media).where(Media.program_id == program_id)).all()
    return sorted(found, key=lambda media: KIND_ORDER[media.kind])


def media_with_program(session: Session, media_id: int) -> Media | None:
    """One media with its program, festival, organisation and troupe (for permissions)."""
    return session.execute(
        select(Media)
        .where(Media.id == media_id)
        .options(
            joinedload(Media.program)
            .joinedload(Program.festival)
            .joinedload(Festival.organization),
            joinedload(Media.program).joinedload(Program.troupe),
        )
    ).scalar_one_or_none()


def judges_program(session: Session, user: User, program_id: int) -> bool:
    """Whether ``user`` is a judge of a round ``program_id`` is entered in."""
    if not user.is_authenticated:
        return False
    return bool(
        session.scalar(
            select(
                exists()
                .where(JudgeAssignment.judge_id == user.id)
                .where(RoundEntry.round_id == JudgeAssignment.round_id)
                .where(RoundEntry.program_id == program_id)
            )
        )
    )


def program_for_media(session: Session, program_id: int) -> Program | None:
    """A program with what the media permissions read: its festival, organisation, troupe."""
    return session.execute(
        select(Program)
        .where(Program.id == program_id)
        .options(
            joinedload(Program.festival).joinedload(Festival.organization),
            joinedload(Program.troupe),
        )
    ).scalar_one_or_none()
