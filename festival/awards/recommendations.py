"""Recommending a program upward: an advanced or awarded program of a round goes forward to a
festival of a higher level as a linked copy. The rule of which festivals a program may be
recommended to lives here once, for the results page, the recommend page, the service and the
API; the results page of a closed round learns the targets through
``judging.signals.closed_results_shown``."""

from collections import defaultdict
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Level, User
from festival.audit.services import record
from festival.awards.models import Award
from festival.core.errors import QuotaExceeded, ValidationFailed
from festival.db import locked
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Round, RoundEntry
from festival.judging.signals import closed_results_shown
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.programs.services import submit_program

TAKING_PROGRAMS = (FestivalStatus.open, FestivalStatus.screening)


def levels_above(level: Level) -> list[Level]:
    """The levels a program of a festival at ``level`` may be recommended to: every higher
    one (district → city → province); none from a festival outside the ladder."""
    if level.rank == 0:
        return []
    return [other for other in Level if other.rank > level.rank]


def target_problem(source: Festival, target: Festival):
    """Why a program of ``source`` may not be recommended to ``target`` (None if it may): the
    target is of a higher level and takes programs now (open or in screening)."""
    if target.level not in levels_above(source.level):
        return _l("Recommend to a festival of a higher level (district → city → province).")
    if target.status not in TAKING_PROGRAMS:
        return _l("That festival is not taking programs.")
    return None


def recommendation_targets(session: Session, festival: Festival) -> list[Festival]:
    """The festivals a program of ``festival`` may be recommended to (``target_problem``),
    newest first."""
    higher = levels_above(festival.level)
    if not higher:
        return []
    return list(
        session.execute(
            select(Festival)
            .where(Festival.level.in_(higher), Festival.status.in_(TAKING_PROGRAMS))
            .options(joinedload(Festival.organization))
            .order_by(Festival.year.desc(), Festival.name)
            .limit(200)
        ).scalars()
    )


def recommendations_of_round(session: Session, round_id: int) -> dict[int, list[tuple[int, str]]]:
    """For each program of the round: the festivals it has been recommended to (id, name)."""
    linked: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for source_id, festival_id, name in session.execute(
        select(Program.recommended_from_id, Festival.id, Festival.name)
        .join(Festival, Program.festival_id == Festival.id)
        .join(RoundEntry, RoundEntry.program_id == Program.recommended_from_id)
        .where(RoundEntry.round_id == round_id)
        .order_by(Festival.name)
    ):
        linked[source_id].append((festival_id, name))
    return linked


def quota_used(session: Session, *, target: Festival, organization_id: int) -> int:
    """How many programs of festivals run by ``organization_id`` are recommended into
    ``target`` and not withdrawn: what counts against the target's sending quota."""
    source, source_festival = aliased(Program), aliased(Festival)
    return session.execute(
        select(func.count())
        .select_from(Program)
        .join(source, Program.recommended_from_id == source.id)
        .join(source_festival, source.festival_id == source_festival.id)
        .where(
            Program.festival_id == target.id,
            Program.status != ProgramStatus.withdrawn,
            source_festival.organization_id == organization_id,
        )
    ).scalar_one()


def quota_use(session: Session, *, source: Festival, target: Festival) -> tuple[int, int] | None:
    """(used, quota) of ``source``'s organising office at ``target``; None without a quota."""
    if target.recommendation_quota is None:
        return None
    used = quota_used(session, target=target, organization_id=source.organization_id)
    return used, target.recommendation_quota


def quota_problem(target: Festival, *, sender: str, used: int):
    """Why one more program from ``sender`` may not be recommended to ``target`` (None if it
    may): the target takes at most ``recommendation_quota`` from each sending organisation."""
    quota = target.recommendation_quota
    if quota is None or used < quota:
        return None
    return lazy_ngettext(
        "%(organization)s may send at most %(num)d program to %(festival)s and has "
        "recommended %(used)d already.",
        "%(organization)s may send at most %(num)d programs to %(festival)s and has "
        "recommended %(used)d already.",
        quota,
        organization=sender,
        festival=target.name,
        used=used,
    )


@closed_results_shown.connect
def recommending_section(round_: Round, *, session: Session) -> dict:
    """What a closed round's results page shows its organizers to recommend upward: the
    festivals to recommend to, and where each program is recommended already."""
    return {
        "targets": recommendation_targets(session, round_.festival),
        "recommended": recommendations_of_round(session, round_.id),
    }


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
    problems: dict[str, list] = {}
    refusal = target_problem(program.festival, target)
    if refusal is not None:
        problems["festival_id"] = [refusal]
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
    # The quota is a count of other rows: lock the target festival first, so two
    # recommendations at the same moment take turns and the second counts the first.
    target = locked(session, Festival, target.id)
    if target.recommendation_quota is not None:
        sender = program.festival.organization
        refusal = quota_problem(
            target,
            sender=sender.name,
            used=quota_used(session, target=target, organization_id=sender.id),
        )
        if refusal is not None:
            raise QuotaExceeded(refusal)
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
