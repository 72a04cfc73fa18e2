"""Reads of objections: the organizer's queue, the public counts, one objection for its
organizer."""

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import User
from festival.awards.models import Award
from festival.awards.permissions import can_manage_awards
from festival.core.errors import Forbidden, NotFound, Unauthorized
from festival.core.pagination import MAX_PAGE, Page
from festival.festivals.permissions import can_view_festival
from festival.notice.models import Objection, ObjectionStatus
from festival.programs.models import Program


@dataclass(frozen=True)
class ObjectionCounts:
    received: int
    decided: int


@dataclass(frozen=True)
class QueueRow:
    """One objection with what it is about, as the organizer's queue shows it."""

    objection: Objection
    award_tier: str | None
    award_title: str | None
    program_title: str | None


def objection_counts(session: Session, festival_id: int) -> ObjectionCounts:
    """How many objections the festival received and how many are decided: one query."""
    received, decided = session.execute(
        select(
            func.count(Objection.id),
            func.count(Objection.id).filter(Objection.status != ObjectionStatus.open),
        ).where(Objection.festival_id == festival_id)
    ).one()
    return ObjectionCounts(received=received, decided=decided)


def _queue_order():
    return (
        case((Objection.status == ObjectionStatus.open, 0), else_=1),
        Objection.created_at,
        Objection.id,
    )


def objections_page(session: Session, festival_id: int, *, page: int, per_page: int) -> Page:
    """The festival's objections, open ones first, oldest first: two queries."""
    query = select(Objection).where(Objection.festival_id == festival_id).order_by(*_queue_order())
    total = session.execute(
        select(func.count(Objection.id)).where(Objection.festival_id == festival_id)
    ).scalar_one()
    if page > MAX_PAGE:
        return Page(items=[], page=page, per_page=per_page, total=total)
    items = session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars()
    return Page(items=list(items), page=page, per_page=per_page, total=total)


def queue_page(session: Session, festival_id: int, *, page: int, per_page: int) -> Page:
    """The organizer's queue: open objections first, each with its award and program (the
    award's program when it names no program of its own): two queries."""
    program = aliased(Program)
    query = (
        select(Objection, Award.tier, Award.title, program.title)
        .outerjoin(Award, Award.id == Objection.award_id)
        .outerjoin(program, program.id == func.coalesce(Objection.program_id, Award.program_id))
        .where(Objection.festival_id == festival_id)
        .order_by(*_queue_order())
    )
    total = session.execute(
        select(func.count(Objection.id)).where(Objection.festival_id == festival_id)
    ).scalar_one()
    rows: list[QueueRow] = []
    if page <= MAX_PAGE:
        for objection, tier, title, program_title in session.execute(
            query.limit(per_page).offset((page - 1) * per_page)
        ):
            rows.append(
                QueueRow(
                    objection=objection,
                    award_tier=tier.value if tier is not None else None,
                    award_title=title,
                    program_title=program_title,
                )
            )
    return Page(items=rows, page=page, per_page=per_page, total=total)


def load_objection(session: Session, viewer: User, objection_id: int) -> Objection:
    """The objection, with its festival, for the festival's organizers: NotFound when it does
    not exist or its festival is unknown to the viewer, Forbidden to others."""
    objection = session.execute(
        select(Objection)
        .where(Objection.id == objection_id)
        .options(joinedload(Objection.festival))
    ).scalar_one_or_none()
    if objection is None:
        raise NotFound()
    if not viewer.is_authenticated:
        raise Unauthorized()
    if not can_view_festival(viewer, objection.festival):
        raise NotFound()
    if not can_manage_awards(viewer, objection.festival):
        raise Forbidden()
    return objection
