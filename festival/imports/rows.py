"""What the import checks share: the plan a check builds (its problems, or the objects to
store), names compared as people write them, and finding a row's troupe by its name."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.accounts.models import Organization
from festival.imports.columns import ImportRow, Problem
from festival.imports.reading import cell_text
from festival.troupes.models import Troupe


@dataclass(frozen=True)
class FieldChange:
    column: str  # the column's key
    before: Any
    after: Any


@dataclass(frozen=True)
class RowChange:
    """A row that matches what is stored and changes some of it."""

    row: int
    name: str
    troupe: str
    changes: tuple[FieldChange, ...]


@dataclass
class Plan:
    """What a check found: the problems, or the new objects to store and the changes to make
    to stored ones (``updates``: rows of ``update_model`` by primary key)."""

    problems: list[Problem] = field(default_factory=list)
    new_objects: list[Any] = field(default_factory=list)
    file_problems: dict[str, Any] = field(default_factory=dict)
    update_model: Any = None
    updates: list[dict[str, Any]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    def add(self, row: ImportRow, column: str | None, message) -> None:
        self.problems.append(Problem(row.number, column, message))


def name_key(text: str) -> str:
    """Names compare without regard to case, surrounding spaces or full-width letters."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


class TroupeFinder:
    """Finds a troupe under the festival's organisation by its name (and organisation)."""

    def __init__(self, organizations: list[Organization], troupes: list[Troupe]):
        self.organizations = {name_key(o.name): o for o in organizations}
        self.organization_names = {o.id: o.name for o in organizations}
        self.by_name: dict[str, list[Troupe]] = defaultdict(list)
        for troupe in troupes:
            self.by_name[name_key(troupe.name)].append(troupe)

    def organization(self, plan: Plan, row: ImportRow) -> tuple[bool, Organization | None]:
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

    def find(self, plan: Plan, row: ImportRow) -> Troupe | None:
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
