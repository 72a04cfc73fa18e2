"""Reads of users and organisations, scoped to who is asking."""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import Organization, Role, User
from festival.core.pagination import Page, paginate


def organization_subtree(root_id: int):
    """A recursive CTE of the organisation and every organisation under it (column ``id``);
    join or select from it instead of passing long lists of ids."""
    tree = select(Organization.id).where(Organization.id == root_id).cte(recursive=True)
    return tree.union_all(select(Organization.id).where(Organization.parent_id == tree.c.id))


def organization_subtree_ids(session: Session, root_id: int) -> list[int]:
    """The organisation and every organisation under it, by a recursive query."""
    return list(session.execute(select(organization_subtree(root_id).c.id)).scalars())


def organizations_page(session: Session, *, page: int, per_page: int) -> Page[Organization]:
    query = (
        select(Organization)
        .options(joinedload(Organization.parent))
        .order_by(Organization.level.desc(), Organization.name, Organization.id)
    )
    return paginate(session, query, page=page, per_page=per_page)


def organizations_for_parent_choice(session: Session, viewer: User) -> list[Organization]:
    """The organisations ``viewer`` may create organisations under."""
    query = select(Organization).order_by(Organization.name)
    if viewer.role is not Role.admin:
        if viewer.organization_id is None:
            return []
        query = query.where(
            Organization.id.in_(organization_subtree_ids(session, viewer.organization_id))
        )
    return list(session.execute(query).scalars())


def all_organizations(session: Session) -> list[Organization]:
    return list(session.execute(select(Organization).order_by(Organization.name)).scalars())


def users_page(session: Session, *, page: int, per_page: int) -> Page[User]:
    query = select(User).options(joinedload(User.organization)).order_by(User.username)
    return paginate(session, query, page=page, per_page=per_page)
