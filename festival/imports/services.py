"""Importing troupes, members and programs: check every row first, store all or nothing.

The check loads what it needs in a fixed number of queries (troupes, members, people,
categories, titles of the festival) and then works in Python, so its cost in queries does
not grow with the file. Programs go through the same eligibility rules as the form and API.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.festivals.models import Festival
from festival.imports.columns import COLUMNS, KINDS, ImportRow, Problem
from festival.imports.member_rows import check_members
from festival.imports.program_rows import check_programs
from festival.imports.rows import Plan, RowChange
from festival.imports.troupe_rows import check_troupes


@dataclass
class ImportResult:
    kind: str
    problems: list[Problem] = field(default_factory=list)
    created: int = 0  # rows added
    changed: list[RowChange] = field(default_factory=list)  # rows that change what is stored
    unchanged: int = 0  # rows that match what is stored
    stored: bool = False  # False for a check only (``dry_run``) or when there are problems

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
    dry_run: bool = False,
) -> ImportResult:
    """Check every row; when every row is good add them all, change the stored rows they
    update, and flush (the caller commits). ``dry_run``: check and count only, store nothing."""
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
    added = len(rows) - len(plan.changed) - plan.unchanged
    result = ImportResult(kind, [], created=added, changed=plan.changed, unchanged=plan.unchanged)
    if dry_run:
        return result
    session.add_all(plan.new_objects)
    if plan.updates:
        # One UPDATE statement by primary key, executed for all changed rows at once.
        session.execute(update(plan.update_model), plan.updates)
    session.flush()
    record(
        session,
        actor=actor,
        action=f"import_{kind}",
        entity_type="festival",
        entity_id=festival.id,
        changes={"rows": len(rows), "added": added, "changed": len(plan.changed)},
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    result.stored = True
    return result


_CHECKS: dict[str, Callable[..., Plan]] = {
    "troupes": check_troupes,
    "members": check_members,
    "programs": check_programs,
}
