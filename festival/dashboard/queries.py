"""The numbers and lists of a festival's dashboard; each function is one query (or one page).

Every list is paginated and eager-loads what the page shows, so a page costs the same number
of queries whether the festival has five programs or five thousand. Organisations "under" the
festival are found by joining a recursive CTE, never by an ``IN`` list of their ids.
"""

import enum
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from festival.accounts.models import Organization
from festival.core.pagination import Page, paginate
from festival.festivals.models import Category, Festival
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.troupes.models import Membership, Person, Troupe, TroupeKind


class ProblemKind(enum.StrEnum):
    late = "late"
    under_age = "under_age"
    not_member = "not_member"
    too_long = "too_long"


def latest_eligible_birth_date(starts_on: date, min_age: int) -> date:
    """The last birth date of someone who is at least ``min_age`` on ``starts_on``.

    Same rule as ``eligibility.age_on``: born on 29 February, one turns a year older on
    1 March in common years, so on a 29 February start the cutoff of a common year is 28 February.
    """
    try:
        return starts_on.replace(year=starts_on.year - min_age)
    except ValueError:  # 29 February, and the year ``min_age`` back is a common year
        return date(starts_on.year - min_age, 2, 28)


def _subtree(root_id: int, name: str):
    """A recursive CTE of the organisation ``root_id`` and every organisation under it."""
    tree = select(Organization.id).where(Organization.id == root_id).cte(name, recursive=True)
    return tree.union_all(select(Organization.id).where(Organization.parent_id == tree.c.id))


def _active(festival: Festival):
    return and_(Program.festival_id == festival.id, Program.status != ProgramStatus.withdrawn)


# Counts


@dataclass(frozen=True)
class StatusCounts:
    by_status: dict[ProgramStatus, int]
    late: int  # late programs that are not withdrawn
    total: int  # every program, withdrawn ones included

    @property
    def active(self) -> int:
        """Programs still in the festival (all but the withdrawn)."""
        return self.total - self.by_status[ProgramStatus.withdrawn]


def status_counts(session: Session, festival: Festival) -> StatusCounts:
    """Programs per status (every status, zeros included), the late ones and the total."""
    rows = session.execute(
        select(
            Program.status,
            func.count(),
            func.sum(
                case((and_(Program.is_late, Program.status != ProgramStatus.withdrawn), 1), else_=0)
            ),
        )
        .where(Program.festival_id == festival.id)
        .group_by(Program.status)
    ).all()
    by_status = dict.fromkeys(ProgramStatus, 0)
    late = 0
    for status, count, late_count in rows:
        by_status[ProgramStatus(status)] = count
        late += late_count or 0
    return StatusCounts(by_status=by_status, late=late, total=sum(by_status.values()))


@dataclass(frozen=True)
class CategoryCount:
    id: int
    name: str
    max_duration_minutes: int | None
    programs: int
    late: int


def category_counts(session: Session, festival: Festival) -> list[CategoryCount]:
    """Non-withdrawn programs per category, in the festival's order; empty categories show 0."""
    rows = session.execute(
        select(
            Category.id,
            Category.name,
            Category.max_duration_minutes,
            func.count(Program.id),
            func.coalesce(func.sum(case((Program.is_late, 1), else_=0)), 0),
        )
        .outerjoin(
            Program,
            and_(Program.category_id == Category.id, Program.status != ProgramStatus.withdrawn),
        )
        .where(Category.festival_id == festival.id)
        .group_by(Category.id, Category.name, Category.max_duration_minutes, Category.position)
        .order_by(Category.position, Category.id)
    ).all()
    return [CategoryCount(*row) for row in rows]


@dataclass(frozen=True)
class OrganizationCount:
    id: int
    name: str
    programs: int


def organization_counts(
    session: Session, festival: Festival, *, limit: int = 15
) -> tuple[list[OrganizationCount], bool]:
    """Non-withdrawn programs per troupe's organisation, most first; and whether more exist."""
    rows = session.execute(
        select(Organization.id, Organization.name, func.count(Program.id).label("programs"))
        .select_from(Program)
        .join(Troupe, Troupe.id == Program.troupe_id)
        .join(Organization, Organization.id == Troupe.organization_id)
        .where(_active(festival))
        .group_by(Organization.id, Organization.name)
        .order_by(func.count(Program.id).desc(), Organization.name, Organization.id)
        .limit(limit + 1)
    ).all()
    return [OrganizationCount(*row) for row in rows[:limit]], len(rows) > limit


def organizations_under(session: Session, festival: Festival) -> list[Organization]:
    """The festival's organisation and every one under it, by name (for the filter)."""
    tree = _subtree(festival.organization_id, "festival_tree")
    return list(
        session.execute(
            select(Organization)
            .join(tree, tree.c.id == Organization.id)
            .order_by(Organization.name)
        ).scalars()
    )


# Lists


def troupes_without_programs(
    session: Session,
    festival: Festival,
    *,
    kind: TroupeKind | None = None,
    organization_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Troupe]:
    """Troupes of the festival's organisation or those under it with no non-withdrawn program
    in this festival; ``organization_id`` narrows to that organisation and those under it."""
    tree = _subtree(festival.organization_id, "festival_tree")
    query = (
        select(Troupe)
        .join(tree, tree.c.id == Troupe.organization_id)
        .join(Organization, Organization.id == Troupe.organization_id)
        .where(~exists().where(Program.troupe_id == Troupe.id, _active(festival)))
        .options(joinedload(Troupe.organization), joinedload(Troupe.leader))
        .order_by(Organization.name, Troupe.name, Troupe.id)
    )
    if kind is not None:
        query = query.where(Troupe.kind == kind)
    if organization_id is not None:
        branch = _subtree(organization_id, "filter_tree")
        query = query.join(branch, branch.c.id == Troupe.organization_id)
    return paginate(session, query, page=page, per_page=per_page)


@dataclass
class ProgramProblems:
    """One program and everything wrong with it."""

    program: Program
    is_late: bool
    too_long: bool
    under_age: list[str] = field(default_factory=list)  # performers' names
    not_members: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> list[ProblemKind]:
        found = [
            (self.is_late, ProblemKind.late),
            (bool(self.under_age), ProblemKind.under_age),
            (bool(self.not_members), ProblemKind.not_member),
            (self.too_long, ProblemKind.too_long),
        ]
        return [kind for present, kind in found if present]


def _conditions(cutoff: date):
    # Two levels down: correlate to the outer programs row, not to a programs table of its own.
    performer_is_member = (
        exists()
        .where(
            Membership.troupe_id == Program.troupe_id,
            Membership.person_id == ProgramPerformer.person_id,
        )
        .correlate_except(Membership)
    )
    return {
        ProblemKind.late: Program.is_late,
        ProblemKind.under_age: exists().where(
            ProgramPerformer.program_id == Program.id,
            Person.id == ProgramPerformer.person_id,
            Person.birth_date > cutoff,
        ),
        ProblemKind.not_member: exists().where(
            ProgramPerformer.program_id == Program.id, ~performer_is_member
        ),
        ProblemKind.too_long: exists().where(
            Category.id == Program.category_id,
            Category.max_duration_minutes.is_not(None),
            Program.duration_minutes > Category.max_duration_minutes,
        ),
    }


def programs_with_problems(
    session: Session,
    festival: Festival,
    *,
    kind: ProblemKind | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[ProgramProblems]:
    """Non-withdrawn programs that are late, have a performer under the minimum age on the
    first day or no longer in the troupe, or run longer than their category allows."""
    cutoff = latest_eligible_birth_date(festival.starts_on, festival.min_performer_age)
    conditions = _conditions(cutoff)
    wanted = conditions[kind] if kind is not None else or_(*conditions.values())
    query = (
        select(Program)
        .where(_active(festival), wanted)
        .options(
            joinedload(Program.troupe).joinedload(Troupe.organization),
            joinedload(Program.category),
        )
        .order_by(Program.title, Program.id)
    )
    listing = paginate(session, query, page=page, per_page=per_page)
    problems = {
        program.id: ProgramProblems(
            program=program,
            is_late=program.is_late,
            too_long=program.category.max_duration_minutes is not None
            and program.duration_minutes > program.category.max_duration_minutes,
        )
        for program in listing.items
    }
    for program_id, name, under_age, is_member in _problem_performers(
        session, list(problems), cutoff
    ):
        if under_age:
            problems[program_id].under_age.append(name)
        if not is_member:
            problems[program_id].not_members.append(name)
    return Page(
        items=list(problems.values()),
        page=listing.page,
        per_page=listing.per_page,
        total=listing.total,
    )


def _problem_performers(session: Session, program_ids: list[int], cutoff: date):
    """(program id, name, is under age, is a member) of the performers who are a problem, for
    the programs of one page (at most ``MAX_PER_PAGE`` ids)."""
    if not program_ids:
        return []
    is_member = exists().where(
        Membership.troupe_id == Program.troupe_id, Membership.person_id == Person.id
    )
    under_age = Person.birth_date > cutoff
    rows = session.execute(
        select(ProgramPerformer.program_id, Person.name, under_age, is_member)
        .join(Person, Person.id == ProgramPerformer.person_id)
        .join(Program, Program.id == ProgramPerformer.program_id)
        .where(ProgramPerformer.program_id.in_(program_ids), under_age | ~is_member)
        .order_by(ProgramPerformer.program_id, Person.name, Person.id)
    ).all()
    return [(pid, name, bool(young), bool(member)) for pid, name, young, member in rows]
