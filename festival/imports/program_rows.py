"""Checking the rows of a programs import: through the same eligibility rules as the form
and the API, performers found by name among the troupe's members."""

import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.core.titles import bare_title
from festival.festivals.models import Festival, FestivalStatus
from festival.imports import queries
from festival.imports.columns import ImportRow
from festival.imports.reading import cell_text, parse_whole_number
from festival.imports.rows import Plan, TroupeFinder, name_key
from festival.programs.eligibility import Performer, Rules, Submission, submission_problems
from festival.programs.models import Program, ProgramPerformer, ProgramStatus

PERFORMER_SEPARATORS = re.compile(r"[、,，;；\n]+")
# Which column each field of the eligibility rules is about.
PROGRAM_FIELDS = {
    "title": "title",
    "category_id": "category",
    "duration_minutes": "duration_minutes",
    "performer_ids": "performers",
}


def _performer_names(value: Any) -> list[str]:
    return [name.strip() for name in PERFORMER_SEPARATORS.split(cell_text(value)) if name.strip()]


def check_programs(
    session: Session, *, festival: Festival, rows: list[ImportRow], now: datetime, actor: User
) -> Plan:
    plan = Plan()
    troupes = TroupeFinder(
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
        title = bare_title(cell_text(row.values["title"]))  # pages add the 《》 themselves
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
            min_age_share=category.min_age_share if category else Decimal(1),
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
