"""Importing troupes, members and programs: check every row first, store all or nothing.

The check loads what it needs in a fixed number of queries (troupes, members, people,
categories, titles of the festival) and then works in Python, so its cost in queries does
not grow with the file. Programs go through the same eligibility rules as the form and API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.festivals.models import Festival
from festival.imports.columns import COLUMNS, KINDS, ImportRow, Problem
from festival.imports.member_rows import check_members
from festival.imports.program_rows import check_programs
from festival.imports.rows import Plan
from festival.imports.troupe_rows import check_troupes


@dataclass
class ImportResult:
    kind: str
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


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


_CHECKS: dict[str, Callable[..., Plan]] = {
    "troupes": check_troupes,
    "members": check_members,
    "programs": check_programs,
}
