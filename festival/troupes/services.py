"""Troupes, teams and people: create, edit, membership."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, Role, User
from festival.audit.services import record
from festival.core import bounds
from festival.core.errors import Conflict, ValidationFailed
from festival.troupes.models import Gender, MemberRole, Membership, Person, Troupe, TroupeKind
from festival.troupes.signals import troupe_renamed

TROUPE_NAME_MAX = 120
PERSON_NAME_MAX = 80
PHONE_MAX = 32


def _troupe_problems(
    session: Session,
    *,
    name: str,
    organization_id: int | None,
    kind,
    leader_id: int | None,
    troupe_id: int | None = None,
) -> dict[str, list]:
    problems: dict[str, list] = {}
    if not 1 <= len(name) <= TROUPE_NAME_MAX:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=TROUPE_NAME_MAX)]
    if organization_id is None or session.get(Organization, organization_id) is None:
        problems["organization_id"] = [_l("No such organisation.")]
    elif "name" not in problems:
        clash = select(Troupe.id).where(
            Troupe.organization_id == organization_id, Troupe.name == name
        )
        if troupe_id is not None:
            clash = clash.where(Troupe.id != troupe_id)
        if session.execute(clash).first():
            problems["name"] = [_l("This organisation has a troupe of this name already.")]
    try:
        TroupeKind(kind)
    except ValueError:
        problems["kind"] = [_l("Choose troupe or team.")]
    if leader_id is not None:
        leader = session.get(User, leader_id)
        if leader is None or leader.role is not Role.leader:
            problems["leader_id"] = [_l("Choose an account with the troupe leader role.")]
    return problems


def create_troupe(
    session: Session,
    *,
    name: str,
    organization_id: int | None,
    kind: TroupeKind | str = TroupeKind.troupe,
    leader_id: int | None = None,
    actor: User,
    now: datetime,
) -> Troupe:
    """A troupe or team under an organisation; a leader who registers it leads it."""
    name = name.strip()
    if actor.role is Role.leader:
        leader_id = actor.id
    problems = _troupe_problems(
        session, name=name, organization_id=organization_id, kind=kind, leader_id=leader_id
    )
    if problems:
        raise ValidationFailed(fields=problems)
    troupe = Troupe(
        name=name,
        organization_id=organization_id,
        kind=TroupeKind(kind),
        leader_id=leader_id,
        created_at=now,
    )
    session.add(troupe)
    session.flush()
    record(
        session,
        actor=actor,
        action="create_troupe",
        entity_type="troupe",
        entity_id=troupe.id,
        changes={"name": name},
        organization_id=troupe.organization_id,
        now=now,
    )
    return troupe


def update_troupe(
    session: Session,
    *,
    troupe: Troupe,
    name: str,
    kind: TroupeKind | str,
    leader_id: int | None,
    actor: User,
    now: datetime,
) -> Troupe:
    """Rename, change kind or leader (leaders cannot hand their troupe to someone else)."""
    name = name.strip()
    if actor.role is Role.leader:
        leader_id = troupe.leader_id
    problems = _troupe_problems(
        session,
        name=name,
        organization_id=troupe.organization_id,
        kind=kind,
        leader_id=leader_id,
        troupe_id=troupe.id,
    )
    if problems:
        raise ValidationFailed(fields=problems)
    changes = {}
    for field, value in {"name": name, "kind": TroupeKind(kind), "leader_id": leader_id}.items():
        if getattr(troupe, field) != value:
            changes[field] = [str(getattr(troupe, field)), str(value)]
            setattr(troupe, field, value)
    if changes:
        record(
            session,
            actor=actor,
            action="update_troupe",
            entity_type="troupe",
            entity_id=troupe.id,
            changes=changes,
            organization_id=troupe.organization_id,
            now=now,
        )
    if "name" in changes:  # e.g. the name of its calendar in subscribers' apps
        troupe_renamed.send(troupe, session=session, now=now)
    session.flush()
    return troupe


def person_problems(
    *, name: str, birth_date: date | None, gender: str | None, phone: str | None, today: date
) -> dict[str, list]:
    """What is wrong with a person's details (shared by forms, API and imports)."""
    problems: dict[str, list] = {}
    if not 1 <= len(name) <= PERSON_NAME_MAX:
        problems["name"] = [_l("Enter a name of 1 to %(n)d characters.", n=PERSON_NAME_MAX)]
    if birth_date is None:
        problems["birth_date"] = [_l("Enter the date of birth.")]
    elif not bounds.EARLIEST_BIRTH_DATE <= birth_date <= today:
        problems["birth_date"] = [_l("Enter a date of birth between 1900 and today.")]
    if gender:
        try:
            Gender(gender)
        except ValueError:
            problems["gender"] = [_l("Choose female or male.")]
    if phone and len(phone) > PHONE_MAX:
        problems["phone"] = [_l("Use at most %(n)d characters.", n=PHONE_MAX)]
    return problems


def create_person(
    session: Session,
    *,
    name: str,
    birth_date: date | None,
    gender: Gender | str | None = None,
    phone: str | None = None,
    actor: User,
    now: datetime,
) -> Person:
    name, phone = name.strip(), (phone or "").strip() or None
    gender = gender or None
    problems = person_problems(
        name=name, birth_date=birth_date, gender=gender, phone=phone, today=now.date()
    )
    if problems:
        raise ValidationFailed(fields=problems)
    person = Person(
        name=name,
        birth_date=birth_date,
        gender=Gender(gender) if gender else None,
        phone=phone,
        created_at=now,
        created_by_id=actor.id,
    )
    session.add(person)
    session.flush()
    record(
        session,
        actor=actor,
        action="create_person",
        entity_type="person",
        entity_id=person.id,
        changes={"name": name},
        organization_id=None,
        now=now,
    )
    return person


def add_member(
    session: Session,
    *,
    troupe: Troupe,
    person: Person,
    role: MemberRole | str = MemberRole.member,
    actor: User,
    now: datetime,
) -> Membership:
    """Put a person in a troupe (a person may be in several troupes, once in each)."""
    if session.get(Membership, (troupe.id, person.id)) is not None:
        raise Conflict(
            _l("%(name)s is already a member of this troupe.", name=person.name),
            fields={"person_id": [_l("Already a member.")]},
        )
    membership = Membership(
        troupe_id=troupe.id, person_id=person.id, role=MemberRole(role), joined_on=now.date()
    )
    session.add(membership)
    session.flush()
    record(
        session,
        actor=actor,
        action="add_member",
        entity_type="troupe",
        entity_id=troupe.id,
        changes={"person_id": person.id},
        organization_id=troupe.organization_id,
        now=now,
    )
    return membership


def remove_member(
    session: Session, *, troupe: Troupe, person: Person, actor: User, now: datetime
) -> None:
    membership = session.get(Membership, (troupe.id, person.id))
    if membership is None:
        return
    session.delete(membership)
    record(
        session,
        actor=actor,
        action="remove_member",
        entity_type="troupe",
        entity_id=troupe.id,
        changes={"person_id": person.id},
        organization_id=troupe.organization_id,
        now=now,
    )
    session.flush()


def member_count(session: Session, troupe_id: int) -> int:
    return session.execute(
        select(func.count()).select_from(Membership).where(Membership.troupe_id == troupe_id)
    ).scalar_one()
