"""Reads of festivals, scoped to who is asking."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from festival.accounts.models import Role, User
from festival.accounts.queries import organization_subtree
from festival.core.pagination import Page, paginate
from festival.festivals.models import Festival, FestivalStatus
from festival.programs.models import Program


def visible_festivals(viewer: User) -> Select:
    """Festivals ``viewer`` may see: opened ones, plus the drafts of their own organisations."""
    query = select(Festival)
    if viewer.is_authenticated and viewer.role is Role.admin:
        return query
    if viewer.is_authenticated and viewer.role is Role.organizer and viewer.organization_id:
        tree = organization_subtree(viewer.organization_id)
        return query.where(
            or_(
                Festival.status != FestivalStatus.draft,
                Festival.organization_id.in_(select(tree.c.id)),
            )
        )
    return query.where(Festival.status != FestivalStatus.draft)


def festivals_page(
    session: Session,
    viewer: User,
    *,
    page: int,
    per_page: int,
    level: str | None = None,
    year: int | None = None,
) -> Page[Festival]:
    """A page of the festivals ``viewer`` may see, with their categories (which lists show)."""
    query = visible_festivals(viewer).options(
        joinedload(Festival.organization), selectinload(Festival.categories)
    )
    if level:
        query = query.where(Festival.level == level)
    if year:
        query = query.where(Festival.year == year)
    query = query.order_by(Festival.year.desc(), Festival.starts_on.desc(), Festival.id.desc())
    return paginate(session, query, page=page, per_page=per_page)


def festival_with_categories(session: Session, festival_id: int) -> Festival | None:
    return session.execute(
        select(Festival)
        .where(Festival.id == festival_id)
        .options(joinedload(Festival.organization), selectinload(Festival.categories))
    ).scalar_one_or_none()


def status_counts(session: Session, festival_id: int) -> dict[str, int]:
    """Programs of a festival per status (every status present, zeros included)."""
    from festival.programs.models import ProgramStatus

    counts = dict.fromkeys((s.value for s in ProgramStatus), 0)
    rows = session.execute(
        select(Program.status, func.count())
        .where(Program.festival_id == festival_id)
        .group_by(Program.status)
    )
    for status, count in rows:
        counts[status.value] = count
    return counts


def open_festivals(session: Session) -> list[Festival]:
    """Festivals taking submissions now, soonest deadline first."""
    return list(
        session.execute(
            select(Festival)
            .where(Festival.status == FestivalStatus.open)
            .options(selectinload(Festival.categories))
            .order_by(Festival.submission_deadline, Festival.id)
        ).scalars()
    )
