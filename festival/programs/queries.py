"""Reads of programs, scoped to who is asking."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from festival.accounts.models import Role, User
from festival.core.pagination import Page, paginate
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.permissions import can_manage_festival
from festival.programs.models import Program, ProgramPerformer, ProgramStatus
from festival.programs.signals import (
    comments_wanted,
    listing_media_problems_wanted,
    media_problems_wanted,
    path_built,
    path_results_visible,
)
from festival.troupes.models import Troupe
from festival.troupes.queries import MEMBER_COUNT, visible_troupes

# A program climbs district → city → province: a path has at most three levels.
MAX_LEVELS = 3


def programs_of(festival: Festival, viewer: User) -> Select:
    """The festival's programs ``viewer`` may see: organizers all, leaders their troupes'."""
    query = select(Program).where(Program.festival_id == festival.id)
    if can_manage_festival(viewer, festival):
        return query
    if viewer.is_authenticated and viewer.role is Role.leader:
        return query.join(Program.troupe).where(Troupe.leader_id == viewer.id)
    return query.where(False)


def programs_page(
    session: Session,
    festival: Festival,
    viewer: User,
    *,
    page: int,
    per_page: int,
    status: str | None = None,
    category_id: int | None = None,
    troupe_id: int | None = None,
    organization_id: int | None = None,
    late: bool = False,
    with_performers: bool = False,
) -> Page[Program]:
    # Loaded by id after the page is chosen: joined in, they let PostgreSQL's planner join
    # and sort every program of the festival to find the newest fifty.
    query = programs_of(festival, viewer).options(
        selectinload(Program.category), selectinload(Program.troupe).joinedload(Troupe.organization)
    )
    if with_performers:
        query = query.options(selectinload(Program.performers))
    if status:
        query = query.where(Program.status == status)
    if category_id:
        query = query.where(Program.category_id == category_id)
    if troupe_id:
        query = query.where(Program.troupe_id == troupe_id)
    if organization_id:
        query = query.where(Program.troupe.has(Troupe.organization_id == organization_id))
    if late:
        query = query.where(Program.is_late.is_(True), Program.status != ProgramStatus.withdrawn)
    query = query.order_by(Program.submitted_at.desc(), Program.id.desc())
    return paginate(session, query, page=page, per_page=per_page)


def status_counts(session: Session, festival_id: int) -> dict[str, int]:
    """Programs of a festival per status (every status present, zeros included)."""
    counts = dict.fromkeys((s.value for s in ProgramStatus), 0)
    rows = session.execute(
        select(Program.status, func.count())
        .where(Program.festival_id == festival_id)
        .group_by(Program.status)
    )
    for status, count in rows:
        counts[status.value] = count
    return counts


def submittable_troupes(session: Session, viewer: User) -> list[Troupe]:
    """The troupes ``viewer`` may submit a program for, by name (at most 2000)."""
    query = visible_troupes(viewer).order_by(Troupe.name)
    return list(session.execute(query.limit(2000)).scalars())


def program_for(session: Session, program_id: int) -> Program | None:
    """One program with everything its page shows."""
    return session.execute(
        select(Program)
        .where(Program.id == program_id)
        .options(
            joinedload(Program.festival).joinedload(Festival.organization),
            joinedload(Program.category),
            joinedload(Program.troupe).joinedload(Troupe.organization),
            selectinload(Program.performers).joinedload(ProgramPerformer.person),
        )
    ).scalar_one_or_none()


def leader_programs(session: Session, leader: User) -> list[Program]:
    """Every program of a leader's troupes, newest first (a leader has a handful)."""
    return list(
        session.execute(
            select(Program)
            .join(Program.troupe)
            .where(Troupe.leader_id == leader.id)
            .options(
                joinedload(Program.festival),
                joinedload(Program.category),
                joinedload(Program.troupe),
            )
            .order_by(Program.submitted_at.desc())
        ).scalars()
    )


@dataclass(frozen=True)
class TroupeSummary:
    troupe: Troupe
    member_count: int


@dataclass(frozen=True)
class MissingItem:
    """Something a leader still has to do, with where to do it."""

    message: object
    url_endpoint: str
    url_values: dict


@dataclass(frozen=True)
class LeaderOverview:
    troupes: list[TroupeSummary]
    programs: list[Program]
    open_festivals: list[Festival]
    missing: list[MissingItem]


def leader_overview(session: Session, leader: User, *, now: datetime) -> LeaderOverview:
    """A leader's home: their troupes, programs, open festivals and what is still missing."""
    troupes = [
        TroupeSummary(troupe, count)
        for troupe, count in session.execute(
            select(Troupe, MEMBER_COUNT).where(Troupe.leader_id == leader.id).order_by(Troupe.name)
        )
    ]
    programs = leader_programs(session, leader)
    festivals = list(
        session.execute(
            select(Festival)
            .where(Festival.status == FestivalStatus.open, Festival.submission_deadline > now)
            .order_by(Festival.submission_deadline)
        ).scalars()
    )
    missing: list[MissingItem] = []
    for summary in troupes:
        if summary.member_count == 0:
            missing.append(
                MissingItem(
                    _l("%(troupe)s has no members yet.", troupe=summary.troupe.name),
                    "troupes.show",
                    {"troupe_id": summary.troupe.id},
                )
            )
    submitted = {
        (p.festival_id, p.troupe_id) for p in programs if p.status is not ProgramStatus.withdrawn
    }
    for festival in festivals:
        days = (festival.submission_deadline - now).days
        for summary in troupes:
            if (festival.id, summary.troupe.id) not in submitted:
                missing.append(
                    MissingItem(
                        lazy_ngettext(
                            "%(troupe)s has not submitted a program to %(festival)s; "
                            "%(num)d day left.",
                            "%(troupe)s has not submitted a program to %(festival)s; "
                            "%(num)d days left.",
                            days,
                            troupe=summary.troupe.name,
                            festival=festival.name,
                        ),
                        "programs.submit",
                        {"festival_id": festival.id, "troupe_id": summary.troupe.id},
                    )
                )
    return LeaderOverview(
        troupes=troupes, programs=programs, open_festivals=festivals, missing=missing
    )


def recommendation_links(
    session: Session, program: Program
) -> tuple[Program | None, list[Program]]:
    """Where a program was recommended from, and where it was recommended to (one level each
    way), with their festivals."""
    source = None
    if program.recommended_from_id is not None:
        source = session.execute(
            select(Program)
            .where(Program.id == program.recommended_from_id)
            .options(joinedload(Program.festival))
        ).scalar_one_or_none()
    onward = list(
        session.execute(
            select(Program)
            .where(Program.recommended_from_id == program.id)
            .options(joinedload(Program.festival))
            .order_by(Program.id)
        ).scalars()
    )
    return source, onward


@dataclass
class PathLevel:
    """One level of a program's path; ``rounds``, ``awards`` and ``awards_are_public`` are
    filled in by the receivers of ``signals.path_built``."""

    program: Program
    festival: Festival
    results_visible: bool
    is_current: bool = False
    rounds: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    awards_are_public: bool = False

    @property
    def festival_is_public(self) -> bool:
        """Its festival has a public page (links go there)."""
        return self.festival.status is not FestivalStatus.draft


def can_see_path_results(viewer: User, festival: Festival) -> bool:
    """Whether ``viewer`` may see the results of ``festival`` on a program's path (the
    domains that have results answer ``signals.path_results_visible``)."""
    return any(visible for _receiver, visible in path_results_visible.send(festival, viewer=viewer))


@dataclass
class CommentRound:
    """One round's comments on a program, as its page lists them."""

    round_name: str
    texts: list[str] = field(default_factory=list)


def judges_comments(session: Session, viewer: User, program: Program) -> list[CommentRound] | None:
    """The judges' comments on the program that ``viewer`` may read, grouped by round in the
    order given (the judging domain answers ``signals.comments_wanted``); None when they may
    read none."""
    answers = [
        found
        for _receiver, found in comments_wanted.send(program, session=session, viewer=viewer)
        if found is not None
    ]
    if not answers:
        return None
    rounds: dict[int, CommentRound] = {}
    for comment in (c for found in answers for c in found):
        rounds.setdefault(comment.round_id, CommentRound(comment.round_name)).texts.append(
            comment.text
        )
    return list(rounds.values())


def _program_with_festival(session: Session, condition) -> Program | None:
    return session.execute(
        select(Program)
        .where(condition)
        .options(joinedload(Program.festival), joinedload(Program.troupe))
        .order_by(Program.id)
        .limit(1)
    ).scalar_one_or_none()


def program_path(
    session: Session, program: Program, *, can_see_results: Callable[[Festival], bool]
) -> list[PathLevel]:
    """The program's way through the levels, lowest first: where it was recommended from and
    to (at most three levels, one query per level), with the results the domains above add
    (closed rounds' ranks and scores, awards) at each. Results show only where
    ``can_see_results(festival)``; a draft festival's level shows only to those who may see
    its results."""
    below: list[Program] = []
    current = program
    while current.recommended_from_id is not None and len(below) < MAX_LEVELS - 1:
        current = _program_with_festival(session, Program.id == current.recommended_from_id)
        if current is None:
            break
        below.append(current)
    above: list[Program] = []
    current = program
    while len(below) + len(above) < MAX_LEVELS - 1:
        current = _program_with_festival(session, Program.recommended_from_id == current.id)
        if current is None:
            break
        above.append(current)
    levels = [
        PathLevel(
            program=step,
            festival=step.festival,
            results_visible=can_see_results(step.festival),
            is_current=step is program,
        )
        for step in [*reversed(below), program, *above]
    ]
    levels = [
        level
        for level in levels
        if level.results_visible or level.festival.status is not FestivalStatus.draft
    ]
    path_built.send(program, session=session, levels=levels)
    return levels


def media_problems_of(session: Session, program: Program) -> list:
    """What the program's video and backing track lack or exceed (objects with ``code`` and
    ``message``; the media domain answers ``signals.media_problems_wanted``)."""
    return [
        problem
        for _receiver, found in media_problems_wanted.send(program, session=session)
        for problem in found or []
    ]


def listing_media_problems(session: Session, festival: Festival, programs: list) -> dict:
    """``{program id: media problems}`` for one page of the festival's program list, in a
    fixed number of queries (the media domain answers)."""
    found: dict[int, list] = {}
    for _receiver, problems in listing_media_problems_wanted.send(
        festival, session=session, programs=programs
    ):
        for program_id, listed in (problems or {}).items():
            found.setdefault(program_id, []).extend(listed)
    return found
