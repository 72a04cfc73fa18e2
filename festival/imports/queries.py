"""Reads for imports and exports, scoped to one festival; each a single query.

Children are selected through their parent (a join on the organisation subtree, or
``festival_id = ?``), never through long ``IN`` lists, whatever the size of the list.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, Role, User
from festival.festivals.models import Category, Festival
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.troupes.models import Gender, Membership, Person, Troupe
from festival.troupes.queries import person_is_visible


def _subtree(root_id: int):
    tree = select(Organization.id).where(Organization.id == root_id).cte(recursive=True)
    return tree.union_all(select(Organization.id).where(Organization.parent_id == tree.c.id))


def organizations_under(session: Session, festival: Festival) -> list[Organization]:
    """The festival's organisation and every organisation under it."""
    tree = _subtree(festival.organization_id)
    return list(
        session.execute(
            select(Organization)
            .join(tree, Organization.id == tree.c.id)
            .order_by(Organization.name)
        ).scalars()
    )


def troupes_under(session: Session, festival: Festival) -> list[Troupe]:
    """The troupes of the festival's organisation and of those under it."""
    tree = _subtree(festival.organization_id)
    return list(
        session.execute(
            select(Troupe)
            .join(tree, Troupe.organization_id == tree.c.id)
            .order_by(Troupe.name, Troupe.id)
        ).scalars()
    )


@dataclass(frozen=True)
class MemberFact:
    troupe_id: int
    person_id: int
    name: str
    birth_date: date
    gender: Gender | None = None
    phone: str | None = None


def members_under(session: Session, festival: Festival) -> list[MemberFact]:
    """Every membership of the troupes under the festival's organisation, with the person's
    details an import may change."""
    tree = _subtree(festival.organization_id)
    rows = session.execute(
        select(
            Membership.troupe_id,
            Person.id,
            Person.name,
            Person.birth_date,
            Person.gender,
            Person.phone,
        )
        .join(Person, Person.id == Membership.person_id)
        .join(Troupe, Troupe.id == Membership.troupe_id)
        .join(tree, Troupe.organization_id == tree.c.id)
    )
    return [MemberFact(*row) for row in rows]


def people_by_name_and_birth_date(session: Session, viewer: User) -> dict[tuple[str, date], int]:
    """(name, date of birth) → the oldest person record with them that ``viewer`` may reach,
    to reuse on import (someone out of reach with the same name and birthday is not linked:
    the import registers a person of its own)."""
    rows = session.execute(
        select(Person.name, Person.birth_date, func.min(Person.id))
        .where(person_is_visible(viewer))
        .group_by(Person.name, Person.birth_date)
    )
    return {(name, birth_date): person_id for name, birth_date, person_id in rows}


def leader_ids_by_username(session: Session) -> dict[str, int]:
    """Accounts with the troupe leader role, by username (stored normalised: look names up
    with accounts.usernames.normalize_username)."""
    rows = session.execute(
        select(User.username, User.id).where(User.role == Role.leader, User.is_active.is_(True))
    )
    return {username: user_id for username, user_id in rows}


def categories_of(session: Session, festival: Festival) -> list[Category]:
    return list(
        session.execute(
            select(Category).where(Category.festival_id == festival.id).order_by(Category.position)
        ).scalars()
    )


def program_titles(session: Session, festival: Festival) -> set[tuple[int, str]]:
    """(troupe id, lower-cased title) of every program already in the festival."""
    rows = session.execute(
        select(Program.troupe_id, func.lower(Program.title)).where(
            Program.festival_id == festival.id
        )
    )
    return {(troupe_id, title) for troupe_id, title in rows}


# What the exports show


def troupe_rows(session: Session, festival: Festival) -> list[tuple]:
    """Name, kind, organisation and leader's username of each troupe under the festival."""
    tree = _subtree(festival.organization_id)
    return list(
        session.execute(
            select(Troupe.name, Troupe.kind, Organization.name, User.username)
            .join(tree, Troupe.organization_id == tree.c.id)
            .join(Organization, Organization.id == Troupe.organization_id)
            .outerjoin(User, User.id == Troupe.leader_id)
            .order_by(Organization.name, Troupe.name)
        ).all()
    )


def member_rows(session: Session, festival: Festival) -> list[tuple]:
    """Troupe, organisation, name, birth date, gender and phone of every member."""
    tree = _subtree(festival.organization_id)
    return list(
        session.execute(
            select(
                Troupe.name,
                Organization.name,
                Person.name,
                Person.birth_date,
                Person.gender,
                Person.phone,
            )
            .select_from(Membership)
            .join(Person, Person.id == Membership.person_id)
            .join(Troupe, Troupe.id == Membership.troupe_id)
            .join(tree, Troupe.organization_id == tree.c.id)
            .join(Organization, Organization.id == Troupe.organization_id)
            .order_by(Organization.name, Troupe.name, Person.name, Person.id)
        ).all()
    )


def program_rows(session: Session, festival: Festival) -> list[tuple]:
    """Troupe, organisation, title, category, minutes and performer names of each program
    (withdrawn ones left out), in two queries."""
    programs = session.execute(
        select(
            Program.id,
            Troupe.name,
            Organization.name,
            Program.title,
            Category.name,
            Program.duration_minutes,
        )
        .join(Troupe, Troupe.id == Program.troupe_id)
        .join(Organization, Organization.id == Troupe.organization_id)
        .join(Category, Category.id == Program.category_id)
        .where(Program.festival_id == festival.id, Program.status != ProgramStatus.withdrawn)
        .order_by(Organization.name, Troupe.name, Program.title)
    ).all()
    performers: dict[int, list[str]] = {}
    for program_id, name in session.execute(
        select(ProgramPerformer.program_id, Person.name)
        .join(Program, Program.id == ProgramPerformer.program_id)
        .join(Person, Person.id == ProgramPerformer.person_id)
        .where(Program.festival_id == festival.id)
        .order_by(ProgramPerformer.program_id, Person.name)
    ):
        performers.setdefault(program_id, []).append(name)
    return [
        (troupe, organization, title, category, minutes, performers.get(program_id, []))
        for program_id, troupe, organization, title, category, minutes in programs
    ]
