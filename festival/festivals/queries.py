"""Reads of festivals, scoped to who is asking."""

from collections.abc import Callable

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from festival.accounts.models import Role, User
from festival.accounts.queries import organization_subtree
from festival.core.errors import Forbidden, NotFound, Unauthorized
from festival.core.pagination import Page, paginate
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.permissions import can_manage_festival, can_view_festival


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


def load_festival(session: Session, viewer: User, festival_id: int) -> Festival:
    """The festival, with its organisation and categories, if ``viewer`` may see it; NotFound
    otherwise (another office's draft is unknown, not forbidden)."""
    festival = festival_with_categories(session, festival_id)
    if festival is None or not can_view_festival(viewer, festival):
        raise NotFound()
    return festival


def load_managed_festival(
    session: Session,
    viewer: User,
    festival_id: int,
    *,
    may_manage: Callable[[User, Festival], bool] = can_manage_festival,
) -> Festival:
    """``load_festival`` for those who run it (``may_manage``: the award pages ask
    ``can_manage_awards``); Forbidden to one who sees it but does not run it (Unauthorized to
    nobody logged in)."""
    festival = load_festival(session, viewer, festival_id)
    if not viewer.is_authenticated:
        raise Unauthorized()
    if not may_manage(viewer, festival):
        raise Forbidden()
    return festival


def festival_by_slug(
    session: Session, slug: str, *, with_categories: bool = False
) -> Festival | None:
    """The festival at its public address (with its organisation and categories: two
    queries; without, the feed's one)."""
    query = select(Festival).where(Festival.slug == slug)
    if with_categories:
        query = query.options(joinedload(Festival.organization), selectinload(Festival.categories))
    return session.execute(query).scalar_one_or_none()


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


def office_zone(session: Session, organization_id: int | None) -> str | None:
    """The time zone the office works in: that of its most recent festival, if any."""
    if organization_id is None:
        return None
    return session.execute(
        select(Festival.timezone)
        .where(Festival.organization_id == organization_id)
        .order_by(Festival.created_at.desc(), Festival.id.desc())
        .limit(1)
    ).scalar_one_or_none()
