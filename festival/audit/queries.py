"""Reads of the audit log, scoped to who is asking."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import Role, User
from festival.accounts.queries import organization_subtree
from festival.accounts.usernames import normalize_username
from festival.audit.models import AuditEntry
from festival.core.pagination import Page, paginate
from festival.festivals.models import Festival


@dataclass(frozen=True)
class AuditFilters:
    """What the reader narrowed the log to; None or empty means no limit."""

    actions: tuple[str, ...] = ()
    entity_type: str | None = None
    username: str | None = None
    since: datetime | None = None  # inclusive, aware
    until: datetime | None = None  # exclusive, aware
    festival_id: int | None = None


def visible_entries(viewer: User) -> Select:
    """Entries ``viewer`` may read: admins all; an organizer those about their organisation
    and the organisations under it (entries with no organisation only admins read)."""
    query = select(AuditEntry)
    if viewer.is_authenticated and viewer.role is Role.admin:
        return query
    if viewer.is_authenticated and viewer.role is Role.organizer and viewer.organization_id:
        tree = organization_subtree(viewer.organization_id)
        return query.where(AuditEntry.organization_id.in_(select(tree.c.id)))
    return query.where(false())


def _filtered(query: Select, filters: AuditFilters) -> Select:
    if filters.actions:
        query = query.where(AuditEntry.action.in_(filters.actions))
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.username:
        actor = select(User.id).where(User.username == normalize_username(filters.username))
        query = query.where(AuditEntry.actor_id == actor.scalar_subquery())
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    if filters.festival_id is not None:
        query = query.where(AuditEntry.festival_id == filters.festival_id)
    return query


def _listing(viewer: User, filters: AuditFilters) -> Select:
    """Newest first, with the actor's names and the festival's name loaded in the same query."""
    return (
        _filtered(visible_entries(viewer), filters)
        .options(
            joinedload(AuditEntry.actor).load_only(User.username, User.display_name),
            joinedload(AuditEntry.festival).load_only(Festival.name),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def entries_page(
    session: Session, viewer: User, filters: AuditFilters, *, page: int, per_page: int
) -> Page[AuditEntry]:
    """A page of the entries ``viewer`` may read that match ``filters``, newest first."""
    return paginate(session, _listing(viewer, filters), page=page, per_page=per_page)


def entries_for_export(
    session: Session, viewer: User, filters: AuditFilters, *, limit: int
) -> Iterator[AuditEntry]:
    """At most ``limit`` of the matching entries, newest first, read in batches."""
    result = session.execute(
        _listing(viewer, filters).limit(limit).execution_options(yield_per=1000)
    )
    return result.scalars()


def festivals_for_filter(session: Session, viewer: User) -> list[tuple[int, str, int]]:
    """(id, name, year) of the festivals whose entries ``viewer`` may read, newest first."""
    query = select(Festival.id, Festival.name, Festival.year)
    if viewer.role is not Role.admin:
        if viewer.role is not Role.organizer or not viewer.organization_id:
            return []
        tree = organization_subtree(viewer.organization_id)
        query = query.where(Festival.organization_id.in_(select(tree.c.id)))
    query = query.order_by(Festival.year.desc(), Festival.name, Festival.id)
    return [tuple(row) for row in session.execute(query)]
