"""Checking the rows of a members import: each person as the member form checks them, found
again by name and date of birth, in a troupe under the festival's organisation."""

from datetime import date, datetime

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.festivals.models import Festival
from festival.imports import queries
from festival.imports.columns import ImportRow, header_key
from festival.imports.reading import cell_text, parse_date
from festival.imports.rows import Plan, TroupeFinder
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
    memberships = {(m.troupe_id, m.person_id) for m in queries.members_under(session, festival)}
    people = queries.people_by_name_and_birth_date(session, actor)
    new_people: dict[tuple[str, date], Person] = {}
    seen: dict[tuple[int, str, date], int] = {}
    for row in rows:
        before = len(plan.problems)
        troupe = troupes.find(plan, row)
        name = cell_text(row.values["name"])
        try:
            birth_date = parse_date(row.values["birth_date"])
            unreadable_date = False
        except ValueError:
            birth_date, unreadable_date = None, True
        gender = _gender(cell_text(row.values["gender"]))
        phone = cell_text(row.values["phone"]) or None
        for column, messages in person_problems(
            name=name, birth_date=birth_date, gender=gender, phone=phone, today=now.date()
        ).items():
            if column == "birth_date" and unreadable_date:
                messages = [_l("Write the date of birth as 1950-05-01, 1950/5/1 or 1950年5月1日.")]
            for message in messages:
                plan.add(row, column, message)
        if len(plan.problems) > before or troupe is None or birth_date is None:
            continue
        person_id = people.get((name, birth_date))
        key = (troupe.id, name, birth_date)
        if person_id is not None and (troupe.id, person_id) in memberships:
            plan.add(
                row,
                "name",
                _l("%(name)s is already a member of %(troupe)s.", name=name, troupe=troupe.name),
            )
        elif key in seen:
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
        else:
            seen[key] = row.number
            membership = Membership(
                troupe_id=troupe.id, role=MemberRole.member, joined_on=now.date()
            )
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
