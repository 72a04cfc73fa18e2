"""Reads of troupes and people, scoped to who is asking."""

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Organization, Role, User
from festival.accounts.queries import organization_subtree
from festival.core.errors import NotFound, Unauthorized
from festival.core.ids import DB_INT_MAX
from festival.core.pagination import Page, paginate
from festival.troupes.models import Membership, Person, Troupe
from festival.troupes.permissions import can_manage_troupe


def visible_troupes(viewer: User) -> Select:
    """Troupes ``viewer`` may manage: a leader's own, an organizer's organisation tree, all."""
    query = select(Troupe)
    if viewer.role is Role.admin:
        return query
    if viewer.role is Role.leader:
        return query.where(Troupe.leader_id == viewer.id)
    if viewer.role is Role.organizer and viewer.organization_id:
        tree = organization_subtree(viewer.organization_id)
        return query.where(Troupe.organization_id.in_(select(tree.c.id)))
    return query.where(False)


def person_is_visible(viewer: User) -> ColumnElement[bool]:
    """A condition on ``Person``: ``viewer`` may reach this person, their date of birth and
    phone. That is a member of a troupe they manage (a leader's own troupes; an organizer's
    organisation and those under it), or someone they registered who is in no troupe (yet);
    admins reach everyone. Every path that takes a person's id goes through it, and answers a
    person out of reach exactly as one that does not exist."""
    if not viewer.is_authenticated:
        return false()
    if viewer.role is Role.admin:
        return true()
    # Correlated to Person only: the condition may sit in a query that joins memberships.
    member = aliased(Membership)
    managed = visible_troupes(viewer).with_only_columns(Troupe.id).scalar_subquery()
    in_managed_troupe = (
        select(member.person_id)
        .where(member.person_id == Person.id, member.troupe_id.in_(managed))
        .correlate(Person)
        .exists()
    )
    in_no_troupe = ~(
        select(member.person_id).where(member.person_id == Person.id).correlate(Person).exists()
    )
    return or_(in_managed_troupe, and_(in_no_troupe, Person.created_by_id == viewer.id))


def load_person(session: Session, viewer: User, person_id: int | None) -> Person:
    """The person if ``viewer`` may reach them (``person_is_visible``); NotFound otherwise,
    the same answer as for an id that no person has."""
    if person_id is None or not -DB_INT_MAX - 1 <= person_id <= DB_INT_MAX:
        raise NotFound()  # no person has it (the database would refuse the number)
    person = session.execute(
        select(Person).where(Person.id == person_id, person_is_visible(viewer))
    ).scalar_one_or_none()
    if person is None:
        raise NotFound()
    return person


MEMBER_COUNT = (
    select(func.count())
    .select_from(Membership)
    .where(Membership.troupe_id == Troupe.id)
    .correlate(Troupe)
    .scalar_subquery()
)


def troupes_page(
    session: Session,
    viewer: User,
    *,
    page: int,
    per_page: int,
    kind: str | None = None,
    organization_id: int | None = None,
    search: str | None = None,
) -> Page:
    """A page of (troupe, member count) rows, with organisation and leader loaded."""
    query = (
        visible_troupes(viewer)
        .add_columns(MEMBER_COUNT.label("member_count"))
        .options(joinedload(Troupe.organization), joinedload(Troupe.leader))
    )
    if kind:
        query = query.where(Troupe.kind == kind)
    if organization_id:
        query = query.where(Troupe.organization_id == organization_id)
    if search:
        query = query.where(Troupe.name.contains(search, autoescape=True))
    query = query.order_by(Troupe.name, Troupe.id)
    total = session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=[(row[0], row[1]) for row in rows], page=page, per_page=per_page, total=total)


def troupe_for(session: Session, troupe_id: int) -> Troupe | None:
    return session.execute(
        select(Troupe)
        .where(Troupe.id == troupe_id)
        .options(joinedload(Troupe.organization), joinedload(Troupe.leader))
    ).scalar_one_or_none()


def load_managed_troupe(session: Session, viewer: User, troupe_id: int) -> Troupe:
    """The troupe if ``viewer`` manages it (its leader, its office's organizers, admins);
    NotFound otherwise: a leader learns nothing of other troupes (Unauthorized to nobody
    logged in)."""
    if not viewer.is_authenticated:
        raise Unauthorized()
    troupe = troupe_for(session, troupe_id)
    if troupe is None or not can_manage_troupe(viewer, troupe):
        raise NotFound()
    return troupe


def members_page(session: Session, troupe_id: int, *, page: int, per_page: int) -> Page:
    """A page of (membership, person) of a troupe, by name."""
    query = (
        select(Membership)
        .where(Membership.troupe_id == troupe_id)
        .join(Membership.person)
        .options(joinedload(Membership.person))
        .order_by(Person.name, Person.id)
    )
    return paginate(session, query, page=page, per_page=per_page)


def all_members(session: Session, troupe_id: int) -> list[Person]:
    """Every member of a troupe (to choose performers), by name."""
    return list(
        session.execute(
            select(Person)
            .join(Membership)
            .where(Membership.troupe_id == troupe_id)
            .order_by(Person.name, Person.id)
        ).scalars()
    )


def person_troupes(session: Session, viewer: User, person_id: int) -> list[Troupe]:
    """The troupes of a person that ``viewer`` manages (not the others the person is in)."""
    return list(
        session.execute(
            visible_troupes(viewer)
            .join(Membership)
            .where(Membership.person_id == person_id)
            .options(joinedload(Troupe.organization))
            .order_by(Troupe.name)
        ).scalars()
    )


def organizations_for_troupes(session: Session, viewer: User) -> list[Organization]:
    """Organisations a viewer may register troupes under."""
    query = select(Organization).order_by(Organization.name)
    if viewer.role is Role.organizer and viewer.organization_id:
        tree = organization_subtree(viewer.organization_id)
        query = query.where(Organization.id.in_(select(tree.c.id)))
    return list(session.execute(query).scalars())


def leaders(session: Session) -> list[User]:
    return list(
        session.execute(
            select(User)
            .where(User.role == Role.leader, User.is_active.is_(True))
            .order_by(User.display_name)
        ).scalars()
    )


def people_to_add(session: Session, viewer: User, troupe: Troupe, *, limit: int = 500) -> list:
    """People the viewer could add to ``troupe``: members of the viewer's other troupes
    (organizers: of the troupe's organisation) who are not in it yet."""
    source = visible_troupes(viewer).with_only_columns(Troupe.id)
    if viewer.role is not Role.leader:
        source = source.where(Troupe.organization_id == troupe.organization_id)
    already = select(Membership.person_id).where(Membership.troupe_id == troupe.id)
    return list(
        session.execute(
            select(Person)
            .join(Membership)
            .where(Membership.troupe_id.in_(source.scalar_subquery()), Person.id.not_in(already))
            .distinct()
            .order_by(Person.name, Person.id)
            .limit(limit)
        ).scalars()
    )
