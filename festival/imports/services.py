"""Importing troupes, members and programs: check every row first, store all or nothing.

The check loads what it needs in a fixed number of queries (troupes, members, people,
categories, titles of the festival) and then works in Python, so its cost in queries does
not grow with the file. Programs go through the same eligibility rules as the form and API.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import LazyString, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import Organization, User
from festival.accounts.usernames import normalize_username
from festival.audit.services import record
from festival.festivals.models import Festival, FestivalStatus
from festival.imports import queries
from festival.imports.columns import COLUMNS, KINDS, ImportRow, Problem, header_key
from festival.imports.reading import cell_text, parse_date, parse_whole_number
from festival.programs.eligibility import Performer, Rules, Submission, submission_problems
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.troupes.models import Gender, MemberRole, Membership, Person, Troupe, TroupeKind
from festival.troupes.services import TROUPE_NAME_MAX, person_problems


def _long_date(value: date) -> LazyString:
    """2026年10月24日 / October 24, 2026, in the reader's language when the message is shown."""
    return LazyString(lambda: format_date(value, "long"))


TROUPE_KINDS = {
    "troupe": TroupeKind.troupe,
    "团体": TroupeKind.troupe,
    "团": TroupeKind.troupe,
    "team": TroupeKind.team,
    "队": TroupeKind.team,
    "方队": TroupeKind.team,
    "队伍": TroupeKind.team,
}
GENDERS = {
    "female": Gender.female,
    "f": Gender.female,
    "女": Gender.female,
    "male": Gender.male,
    "m": Gender.male,
    "男": Gender.male,
}
PERFORMER_SEPARATORS = re.compile(r"[、,，;；\n]+")
# Which column each field of the eligibility rules is about.
PROGRAM_FIELDS = {
    "title": "title",
    "category_id": "category",
    "duration_minutes": "duration_minutes",
    "performer_ids": "performers",
}


@dataclass
class ImportResult:
    kind: str
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Plan:
    """What a check found: the problems, or the new objects to store."""

    problems: list[Problem] = field(default_factory=list)
    new_objects: list[Any] = field(default_factory=list)
    file_problems: dict[str, Any] = field(default_factory=dict)

    def add(self, row: ImportRow, column: str | None, message) -> None:
        self.problems.append(Problem(row.number, column, message))


def import_rows(
    session: Session,
    *,
    festival: Festival,
    kind: str,
    rows: list[ImportRow],
    actor: User,
    now: datetime,
) -> ImportResult:
    """Check every row; when every row is good add them all and flush (the caller commits)."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    if not rows:
        return ImportResult(
            kind, [Problem(None, None, _l("The file has no rows below the header."))]
        )
    plan = _CHECKS[kind](session, festival=festival, rows=rows, now=now, actor=actor)
    problems = [Problem(None, None, message) for message in plan.file_problems.values()]
    if plan.problems or problems:
        order = {column.key: index for index, column in enumerate(COLUMNS[kind])}
        problems += sorted(plan.problems, key=lambda p: (p.row or 0, order.get(p.column or "", -1)))
        return ImportResult(kind, problems)
    session.add_all(plan.new_objects)
    session.flush()
    record(
        session,
        actor=actor,
        action=f"import_{kind}",
        entity_type="festival",
        entity_id=festival.id,
        changes={"rows": len(rows)},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    return ImportResult(kind, [], created=len(rows))


def name_key(text: str) -> str:
    """Names compare without regard to case, surrounding spaces or full-width letters."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _Troupes:
    """Finds a troupe under the festival's organisation by its name (and organisation)."""

    def __init__(self, organizations: list[Organization], troupes: list[Troupe]):
        self.organizations = {name_key(o.name): o for o in organizations}
        self.organization_names = {o.id: o.name for o in organizations}
        self.by_name: dict[str, list[Troupe]] = defaultdict(list)
        for troupe in troupes:
            self.by_name[name_key(troupe.name)].append(troupe)

    def organization(self, plan: _Plan, row: ImportRow) -> tuple[bool, Organization | None]:
        text = cell_text(row.values.get("organization"))
        if not text:
            return True, None
        organization = self.organizations.get(name_key(text))
        if organization is None:
            plan.add(
                row,
                "organization",
                _l(
                    "There is no organisation called %(name)s under the festival's organisation.",
                    name=text,
                ),
            )
            return False, None
        return True, organization

    def find(self, plan: _Plan, row: ImportRow) -> Troupe | None:
        text = cell_text(row.values.get("troupe"))
        found, organization = self.organization(plan, row)
        if not text:
            plan.add(row, "troupe", _l("Enter the name of the troupe."))
            return None
        if not found:
            return None
        candidates = self.by_name.get(name_key(text), [])
        if organization is not None:
            candidates = [t for t in candidates if t.organization_id == organization.id]
        if not candidates:
            plan.add(
                row,
                "troupe",
                _l(
                    "There is no troupe called %(name)s under the festival's organisation.",
                    name=text,
                ),
            )
            return None
        if len(candidates) > 1:
            plan.add(
                row,
                "organization",
                _l(
                    "Several organisations have a troupe called %(name)s (%(organizations)s); "
                    "enter the organisation.",
                    name=text,
                    organizations="、".join(
                        sorted(self.organization_names[t.organization_id] for t in candidates)
                    ),
                ),
            )
            return None
        return candidates[0]


def _check_troupes(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> _Plan:
    plan = _Plan()
    organizations = queries.organizations_under(session, festival)
    by_name = {name_key(o.name): o for o in organizations}
    home = next(o for o in organizations if o.id == festival.organization_id)
    taken = {
        (t.organization_id, name_key(t.name)) for t in queries.troupes_under(session, festival)
    }
    leaders = queries.leader_ids_by_username(session)
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        before = len(plan.problems)
        name = cell_text(row.values["name"])
        if not 1 <= len(name) <= TROUPE_NAME_MAX:
            plan.add(row, "name", _l("Enter a name of 1 to %(n)d characters.", n=TROUPE_NAME_MAX))
        kind_text = cell_text(row.values["kind"])
        kind = TROUPE_KINDS.get(header_key(kind_text)) if kind_text else TroupeKind.troupe
        if kind is None:
            plan.add(row, "kind", _l("Write troupe or team (团体 or 队)."))
        organization_text = cell_text(row.values["organization"])
        organization = by_name.get(name_key(organization_text)) if organization_text else home
        if organization is None:
            plan.add(
                row,
                "organization",
                _l(
                    "There is no organisation called %(name)s under the festival's organisation.",
                    name=organization_text,
                ),
            )
        username = cell_text(row.values["leader_username"])
        leader_id = leaders.get(normalize_username(username)) if username else None
        if username and leader_id is None:
            plan.add(
                row,
                "leader_username",
                _l(
                    "There is no account %(username)s with the troupe leader role.",
                    username=username,
                ),
            )
        if organization is not None and 1 <= len(name) <= TROUPE_NAME_MAX:
            key = (organization.id, name_key(name))
            if key in taken:
                plan.add(
                    row,
                    "name",
                    _l(
                        "%(organization)s has a troupe called %(name)s already.",
                        organization=organization.name,
                        name=name,
                    ),
                )
            elif key in seen:
                plan.add(
                    row, "name", _l("%(name)s is also on row %(row)d.", name=name, row=seen[key])
                )
            else:
                seen[key] = row.number
        if len(plan.problems) == before:
            plan.new_objects.append(
                Troupe(
                    name=name,
                    kind=kind,
                    organization_id=organization.id,
                    leader_id=leader_id,
                    created_at=now,
                )
            )
    return plan


def _gender(text: str) -> str | None:
    if not text:
        return None
    gender = GENDERS.get(header_key(text))
    return gender.value if gender else text  # an unknown word: person_problems names it


def _check_members(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> _Plan:
    plan = _Plan()
    troupes = _Troupes(
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


def _performer_names(value: Any) -> list[str]:
    return [name.strip() for name in PERFORMER_SEPARATORS.split(cell_text(value)) if name.strip()]


def _check_programs(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> _Plan:
    plan = _Plan()
    troupes = _Troupes(
        queries.organizations_under(session, festival), queries.troupes_under(session, festival)
    )
    members: dict[int, dict[str, list[queries.MemberFact]]] = defaultdict(lambda: defaultdict(list))
    for member in queries.members_under(session, festival):
        members[member.troupe_id][name_key(member.name)].append(member)
    categories = {name_key(c.name): c for c in queries.categories_of(session, festival)}
    titles = queries.program_titles(session, festival)
    for row in rows:
        before = len(plan.problems)
        troupe = troupes.find(plan, row)
        title = cell_text(row.values["title"])
        category = categories.get(name_key(cell_text(row.values["category"])))
        try:
            minutes = parse_whole_number(row.values["duration_minutes"])
        except ValueError:
            minutes = None
        names = _performer_names(row.values["performers"])
        performers: list[queries.MemberFact] = []
        for name in names if troupe is not None else []:
            found = members[troupe.id].get(name_key(name), [])
            if not found:
                plan.add(
                    row,
                    "performers",
                    _l("%(name)s is not a member of %(troupe)s.", name=name, troupe=troupe.name),
                )
            elif len(found) > 1:
                plan.add(
                    row,
                    "performers",
                    _l(
                        "%(troupe)s has %(n)d members called %(name)s; tell them apart in the "
                        "troupe's member list first.",
                        troupe=troupe.name,
                        n=len(found),
                        name=name,
                    ),
                )
            else:
                performers.append(found[0])
        title_key = (troupe.id if troupe else 0, title.strip().lower())
        rules = Rules(
            min_age=festival.min_performer_age,
            starts_on=festival.starts_on,
            deadline=festival.submission_deadline,
            is_open=festival.status is FestivalStatus.open,
            may_submit_late=True,  # organizers import, and they may enter late programs
            category_name=category.name if category else None,
            category_max_minutes=category.max_duration_minutes if category else None,
            troupe_name=troupe.name if troupe else cell_text(row.values["troupe"]),
        )
        problems = submission_problems(
            Submission(
                title=title,
                duration_minutes=minutes,
                performer_ids=[p.person_id for p in performers],
            ),
            rules,
            performers=[
                Performer(id=p.person_id, name=p.name, birth_date=p.birth_date, is_member=True)
                for p in performers
            ],
            title_taken=title_key in titles,
            now=now,
        )
        for field_name in ("festival_id", "deadline"):  # about the festival, not this row
            for message in problems.pop(field_name, []):
                plan.file_problems.setdefault(field_name, message)
        if names and (troupe is None or not performers):
            problems.pop("performer_ids", None)  # the names above say what is wrong
        for field_name, messages in problems.items():
            for message in messages:
                plan.add(row, PROGRAM_FIELDS.get(field_name, field_name), message)
        if troupe is not None and title.strip():
            titles.add(title_key)  # a second row with this title is a duplicate too
        if len(plan.problems) == before and not plan.file_problems:
            plan.new_objects.append(
                Program(
                    festival_id=festival.id,
                    troupe_id=troupe.id,
                    category_id=category.id,
                    title=title.strip(),
                    duration_minutes=minutes,
                    status=ProgramStatus.submitted,
                    is_late=now > festival.submission_deadline,
                    submitted_by_id=actor.id,
                    submitted_at=now,
                    updated_at=now,
                    performers=[
                        ProgramPerformer(person_id=person_id)
                        for person_id in dict.fromkeys(p.person_id for p in performers)
                    ],
                )
            )
    return plan


_CHECKS: dict[str, Callable[..., _Plan]] = {
    "troupes": _check_troupes,
    "members": _check_members,
    "programs": _check_programs,
}
