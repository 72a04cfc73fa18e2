"""Checking the rows of a members import: each person as the member form checks them, found
again by name and date of birth, in a troupe under the festival's organisation. A row of
someone already in the troupe updates their gender and phone; it is neither a new member nor
an error, so a roster can be imported again."""

from datetime import date, datetime

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.festivals.models import Festival
from festival.imports import queries
from festival.imports.columns import ImportRow, header_key
from festival.imports.reading import ImpossibleDate, cell_text, parse_date
from festival.imports.rows import FieldChange, Plan, RowChange, TroupeFinder, name_key
from festival.troupes.models import Gender, MemberRole, Membership, Person
from festival.troupes.services import person_problems

GENDERS = {
    "female": Gender.female,
    "f": Gender.female,
    "女": Gender.female,
    "male": Gender.male,
    "m": Gender.male,
    "男": Gender.male,
}


def _long_date(value: date) -> LazyString:
    """2026年10月24日 / October 24, 2026, in the reader's language when the message is shown."""
    return LazyString(lambda: format_date(value, "long"))


def _gender(text: str) -> str | None:
    if not text:
        return None
    gender = GENDERS.get(header_key(text))
    return gender.value if gender else text  # an unknown word: person_problems names it


def check_members(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> Plan:
    plan = Plan()
    troupes = TroupeFinder(
        queries.organizations_under(session, festival), queries.troupes_under(session, festival)
    )
    # A member already in the troupe is found again by name (as names compare) and birth date.
    existing = {
        (m.troupe_id, name_key(m.name), m.birth_date): m
        for m in queries.members_under(session, festival)
    }
    people = queries.people_by_name_and_birth_date(session, actor)
    new_people: dict[tuple[str, date], Person] = {}
    seen: dict[tuple[int, str, date], int] = {}
    plan.update_model = Person
    for row in rows:
        before = len(plan.problems)
        troupe = troupes.find(plan, row)
        name = cell_text(row.values["name"])
        try:
            birth_date = parse_date(row.values["birth_date"])
            date_problem = None
        except ImpossibleDate as impossible:
            birth_date, date_problem = None, impossible.message
        except ValueError:
            birth_date = None
            date_problem = _l("Write the date of birth as 1950-05-01, 1950/5/1 or 1950年5月1日.")
        gender = _gender(cell_text(row.values["gender"]))
        phone = cell_text(row.values["phone"]) or None
        for column, messages in person_problems(
            name=name, birth_date=birth_date, gender=gender, phone=phone, today=now.date()
        ).items():
            if column == "birth_date" and date_problem is not None:
                messages = [date_problem]
            for message in messages:
                plan.add(row, column, message)
        if len(plan.problems) > before or troupe is None or birth_date is None:
            continue
        key = (troupe.id, name_key(name), birth_date)
        if key in seen:
            plan.add(
                row,
                "name",
                _l(
                    "%(name)s (born %(day)s) is also on row %(row)d.",
                    name=name,
                    day=_long_date(birth_date),
                    row=seen[key],
                ),
            )
            continue
        seen[key] = row.number
        member = existing.get(key)
        if member is not None:
            _update_member(plan, row, member, troupe.name, gender, phone)
            continue
        person_id = people.get((name, birth_date))
        membership = Membership(troupe_id=troupe.id, role=MemberRole.member, joined_on=now.date())
        if person_id is not None:
            membership.person_id = person_id
        else:
            person = new_people.get((name, birth_date))
            if person is None:
                person = Person(
                    name=name,
                    birth_date=birth_date,
                    gender=Gender(gender) if gender else None,
                    phone=phone,
                    created_at=now,
                )
                new_people[(name, birth_date)] = person
            membership.person = person
        plan.new_objects.append(membership)
    return plan


def _update_member(
    plan: Plan,
    row: ImportRow,
    member: queries.MemberFact,
    troupe_name: str,
    gender: str | None,
    phone: str | None,
) -> None:
    """A member already in the troupe: the row's gender and phone replace the stored ones; an
    empty cell keeps what is stored."""
    after = {
        "gender": Gender(gender) if gender else member.gender,
        "phone": phone if phone is not None else member.phone,
    }
    changes = tuple(
        FieldChange(column, getattr(member, column), value)
        for column, value in after.items()
        if value != getattr(member, column)
    )
    if not changes:
        plan.unchanged += 1
        return
    plan.changed.append(RowChange(row.number, member.name, troupe_name, changes))
    plan.updates.append({"id": member.person_id, **after})
