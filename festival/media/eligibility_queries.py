"""What programs' media lack or exceed, read for the program's page and API and for the
festival's program list (``eligibility.media_problems`` on the stored media); the receivers of
the programs domain's signals, so that programs never imports media."""

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.festivals.models import Festival
from festival.media.eligibility import MediaProblem, media_problems
from festival.media.models import Media
from festival.media.queries import media_of_program
from festival.programs.models import Program
from festival.programs.signals import listing_media_problems_wanted, media_problems_wanted


def program_media_problems(session: Session, program: Program) -> list[MediaProblem]:
    """What the program's video and backing track lack or exceed: one query."""
    return media_problems(program, media_of_program(session, program.id))


def listing_media_problems(
    session: Session, festival_id: int, programs: Sequence[Program]
) -> dict[int, list[MediaProblem]]:
    """``{program id: problems}`` for one page of a festival's programs (their categories
    loaded): the page's media in one query, whatever the page's size."""
    if not programs:
        return {}
    found: dict[int, list[Media]] = defaultdict(list)
    rows = session.scalars(
        select(Media)
        .join(Program, Program.id == Media.program_id)
        .where(
            Program.festival_id == festival_id,
            Media.program_id.in_([program.id for program in programs]),
        )
    )
    for media in rows:
        found[media.program_id].append(media)
    return {program.id: media_problems(program, found[program.id]) for program in programs}


@media_problems_wanted.connect
def _problems_for_program_page(program: Program, *, session: Session):
    return program_media_problems(session, program)


@listing_media_problems_wanted.connect
def _problems_for_program_list(festival: Festival, *, session: Session, programs):
    return listing_media_problems(session, festival.id, programs)
