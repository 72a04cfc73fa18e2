"""The home page of each role: what to do next, said in a sentence, with where to do it.

An organizer sees their festivals in progress (drafts to open, submissions coming in, rounds
to staff, score or close, awards to give and publish, a public notice running); a judge the
rounds to score with how many programs are left; a troupe leader what is still missing, the
festivals taking programs, each troupe's next session and the rolls to take; an administrator
the accounts and organisations still to set up. Everyone sees the published award lists.

Each function costs a fixed number of queries, whatever the number of festivals, rounds,
programs, troupes or sessions.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Organization, Role, User
from festival.awards.models import Award
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Round, RoundStatus
from festival.judging.queries import RoundLine, RoundProgress, judge_rounds, rounds_progress
from festival.programs.models import Program, ProgramStatus
from festival.programs.queries import LeaderOverview, leader_overview
from festival.schedules import queries as schedule_queries
from festival.schedules.models import Event, EventKind
from festival.schedules.recurrence import Occurrence

# How many festivals in progress an office's home lists; the festival list has the rest.
OFFICE_FESTIVALS = 10
PUBLISHED_LISTS = 6
# A leader's home looks this far ahead for the next sessions, and this far back for rolls
# that were not taken.
SESSIONS_AHEAD = timedelta(days=60)
ROLLS_BEHIND = timedelta(days=7)
ROLL_KINDS = (EventKind.training, EventKind.rehearsal)
MAX_ROLLS = 3


@dataclass(frozen=True)
class Step:
    """One thing to do next, in a sentence, with the page where it is done."""

    text: str
    action: str  # the button's label
    endpoint: str
    values: dict = field(default_factory=dict)
    urgent: bool = False  # something waits for this user, not only news


def _day(moment: datetime, zone: str) -> str:
    """A moment's local date, long: 2026年10月24日 / October 24, 2026."""
    return format_date(moment.astimezone(ZoneInfo(zone)).date(), "long")


# --- published award lists, for everyone ---------------------------------------------------------


def published_festivals(session: Session, *, limit: int = PUBLISHED_LISTS) -> list[Festival]:
    """Festivals whose award lists are public, the latest first: one query."""
    return list(
        session.execute(
            select(Festival)
            .where(Festival.status == FestivalStatus.announced, Festival.published_at.is_not(None))
            .options(joinedload(Festival.organization))
            .order_by(Festival.published_at.desc(), Festival.id.desc())
            .limit(limit)
        ).scalars()
    )


# --- organizers and administrators ----------------------------------------------------------------


@dataclass
class FestivalProgress:
    """Where a festival in progress stands, as its organizer's home shows it."""

    festival: Festival
    programs: int = 0  # not withdrawn
    late: int = 0
    categories: int = 0
    awards: int = 0
    recommended: int = 0  # programs put forward to a festival of the next level
    current_round: Round | None = None
    round_progress: RoundProgress | None = None
    deadline_passed: bool = False


@dataclass
class OfficeHome:
    festivals: list[FestivalProgress]
    steps: list[Step]
    can_create: bool
    accounts: dict[str, int] | None = None  # administrators: users per role
    organizations: int | None = None


def _festivals_in_progress(session: Session, viewer: User, now: datetime) -> list[Festival]:
    """The festivals the viewer runs that are not final yet: an organizer's office's, every
    one for an administrator; the latest first, at most OFFICE_FESTIVALS."""
    query = (
        select(Festival)
        .options(joinedload(Festival.organization))
        .where(or_(Festival.status != FestivalStatus.announced, Festival.notice_until > now))
    )
    if viewer.role is not Role.admin:
        query = query.where(Festival.organization_id == viewer.organization_id)
    return list(
        session.execute(
            query.order_by(Festival.starts_on.desc(), Festival.id.desc()).limit(OFFICE_FESTIVALS)
        ).scalars()
    )


def festival_progress(
    session: Session, festivals: list[Festival], now: datetime
) -> list[FestivalProgress]:
    """Programs, categories, awards, recommendations and the current round of each festival:
    nine queries for any number of festivals (callers pass a handful)."""
    found = {
        f.id: FestivalProgress(f, deadline_passed=now > f.submission_deadline) for f in festivals
    }
    if not found:
        return []
    ids = list(found)
    for festival_id, is_late, count in session.execute(
        select(Program.festival_id, Program.is_late, func.count())
        .where(Program.festival_id.in_(ids), Program.status != ProgramStatus.withdrawn)
        .group_by(Program.festival_id, Program.is_late)
    ):
        found[festival_id].programs += count
        if is_late:
            found[festival_id].late += count
    for festival_id, count in session.execute(
        select(Category.festival_id, func.count())
        .where(Category.festival_id.in_(ids))
        .group_by(Category.festival_id)
    ):
        found[festival_id].categories = count
    for festival_id, count in session.execute(
        select(Award.festival_id, func.count())
        .where(Award.festival_id.in_(ids))
        .group_by(Award.festival_id)
    ):
        found[festival_id].awards = count
    onward = aliased(Program)
    for festival_id, count in session.execute(
        select(Program.festival_id, func.count())
        .join(onward, onward.recommended_from_id == Program.id)
        .where(Program.festival_id.in_(ids))
        .group_by(Program.festival_id)
    ):
        found[festival_id].recommended = count
    for round_ in session.execute(
        select(Round).where(Round.festival_id.in_(ids)).order_by(Round.festival_id, Round.position)
    ).scalars():
        found[round_.festival_id].current_round = round_  # the last one wins
    progress = rounds_progress(
        session,
        select(Round.id).where(Round.festival_id.in_(ids), Round.status == RoundStatus.open),
    )
    for item in found.values():
        if item.current_round is not None and item.current_round.status is RoundStatus.open:
            item.round_progress = progress.get(
                item.current_round.id, RoundProgress(entries=0, judges=0, missing=0)
            )
    return [found[f.id] for f in festivals]


def festival_steps(item: FestivalProgress) -> list[Step]:
    """What a festival's organizer has to do next, from where it stands."""
    festival = item.festival
    name, zone = festival.name, festival.timezone
    show = {"festival_id": festival.id}
    if festival.status is FestivalStatus.draft:
        if not item.categories:
            return [
                Step(
                    _(
                        "%(festival)s has no categories yet. Add them, then open it for "
                        "submissions.",
                        festival=name,
                    ),
                    _("Add categories"),
                    "festivals.show",
                    show,
                    urgent=True,
                )
            ]
        return [
            Step(
                _(
                    "%(festival)s is a draft. Check it, then open it for submissions.",
                    festival=name,
                ),
                _("Open for submissions"),
                "festivals.show",
                show,
                urgent=True,
            )
        ]
    if festival.status is FestivalStatus.open:
        deadline = _day(festival.submission_deadline, zone)
        if not item.deadline_passed and not item.programs:
            return [
                Step(
                    _(
                        "No program has been submitted to %(festival)s yet; submissions "
                        "close on %(date)s.",
                        festival=name,
                        date=deadline,
                    ),
                    _("Check the submissions"),
                    "dashboard.show",
                    show,
                )
            ]
        if not item.deadline_passed:
            return [
                Step(
                    ngettext(
                        "%(num)d program has been submitted to %(festival)s so far; "
                        "submissions close on %(date)s.",
                        "%(num)d programs have been submitted to %(festival)s so far; "
                        "submissions close on %(date)s.",
                        item.programs,
                        festival=name,
                        date=deadline,
                    ),
                    _("Check the submissions"),
                    "dashboard.show",
                    show,
                )
            ]
        return [
            Step(
                ngettext(
                    "Submissions to %(festival)s closed on %(date)s with %(num)d "
                    "program. Start the first screening round.",
                    "Submissions to %(festival)s closed on %(date)s with %(num)d "
                    "programs. Start the first screening round.",
                    item.programs,
                    festival=name,
                    date=deadline,
                ),
                _("Start screening"),
                "judging.rounds",
                show,
                urgent=True,
            )
        ]
    if festival.status is FestivalStatus.announced:
        return [
            Step(
                _(
                    "The awards of %(festival)s are under public notice until %(date)s; "
                    "until then they can still be corrected.",
                    festival=name,
                    date=_day(festival.notice_until, zone),
                ),
                _("See the awards"),
                "awards.manage",
                show,
            )
        ]
    round_, progress = item.current_round, item.round_progress
    if item.awards:
        return [
            Step(
                ngettext(
                    "%(festival)s has %(num)d award, not published yet. Check it, then publish it.",
                    "%(festival)s has %(num)d awards, not published yet. Check them, "
                    "then publish them.",
                    item.awards,
                    festival=name,
                ),
                _("Publish the awards"),
                "awards.manage",
                {**show, "_anchor": "publication"},
                urgent=True,
            )
        ]
    if round_ is None:
        return [
            Step(
                _("Start the first screening round of %(festival)s.", festival=name),
                _("Start screening"),
                "judging.rounds",
                show,
                urgent=True,
            )
        ]
    in_round = {"round_id": round_.id}
    names = {"round": round_.name, "festival": name}
    if progress is None and item.recommended:  # the last round is closed
        return [
            Step(
                ngettext(
                    "%(num)d program of %(festival)s was recommended to the next "
                    "level. If this festival gives awards of its own, give them too.",
                    "%(num)d programs of %(festival)s were recommended to the next "
                    "level. If this festival gives awards of its own, give them too.",
                    item.recommended,
                    festival=name,
                ),
                _("Give the awards"),
                "awards.manage",
                show,
            )
        ]
    if progress is None:
        return [
            Step(
                _(
                    "%(round)s of %(festival)s is closed. Give the awards, or start the "
                    "next round.",
                    **names,
                ),
                _("Give the awards"),
                "awards.manage",
                show,
                urgent=True,
            )
        ]
    if not progress.entries:
        return [
            Step(
                _("Enter the programs into %(round)s of %(festival)s.", **names),
                _("Enter the programs"),
                "judging.show",
                {**in_round, "_anchor": "entries"},
                urgent=True,
            )
        ]
    if not progress.judges:
        return [
            Step(
                _("Assign the judges of %(round)s of %(festival)s.", **names),
                _("Assign judges"),
                "judging.show",
                {**in_round, "_anchor": "judges"},
                urgent=True,
            )
        ]
    if progress.missing:
        return [
            Step(
                ngettext(
                    "%(round)s of %(festival)s: %(num)d score sheet is still missing.",
                    "%(round)s of %(festival)s: %(num)d score sheets are still missing.",
                    progress.missing,
                    **names,
                ),
                _("See who has not scored"),
                "judging.results",
                in_round,
            )
        ]
    return [
        Step(
            _("Every judge has scored %(round)s of %(festival)s. Close the round.", **names),
            _("Close the round"),
            "judging.close",
            in_round,
            urgent=True,
        )
    ]


def _setup_steps(session: Session) -> tuple[list[Step], dict[str, int], int]:
    """An administrator's: organisations and the accounts of each role still missing."""
    organizations = session.execute(select(func.count()).select_from(Organization)).scalar_one()
    accounts = dict.fromkeys((role.value for role in Role), 0)
    for role, count in session.execute(select(User.role, func.count()).group_by(User.role)):
        accounts[role.value] = count
    steps = []
    if not organizations:
        steps.append(
            Step(
                _(
                    "Set up the organisations first: the province, the cities and the "
                    "districts under them."
                ),
                _("Add organisations"),
                "accounts.organizations",
                urgent=True,
            )
        )
    for role, text in (
        (
            Role.organizer,
            _(
                "There is no organizer account yet: create one for "
                "each office that runs a festival."
            ),
        ),
        (Role.judge, _("There is no judge account yet: create one for each judge.")),
        (
            Role.leader,
            _("There is no troupe leader account yet: create one for each troupe's leader."),
        ),
    ):
        if not accounts[role.value]:
            steps.append(Step(text, _("Create accounts"), "accounts.users", urgent=True))
    return steps, accounts, organizations


def office_home(session: Session, viewer: User, *, now: datetime) -> OfficeHome:
    """An organizer's or administrator's home: the festivals in progress and what each needs."""
    steps: list[Step] = []
    accounts = organizations = None
    if viewer.role is Role.admin:
        steps, accounts, organizations = _setup_steps(session)
    festivals = festival_progress(session, _festivals_in_progress(session, viewer, now), now)
    for item in festivals:
        steps.extend(festival_steps(item))
    steps.sort(key=lambda step: not step.urgent)
    can_create = viewer.role is Role.admin or viewer.organization_id is not None
    return OfficeHome(
        festivals=festivals,
        steps=steps,
        can_create=can_create,
        accounts=accounts,
        organizations=organizations,
    )


# --- judges -----------------------------------------------------------------------------------------


@dataclass
class JudgeHome:
    open_rounds: list[RoundLine]
    closed_rounds: list[RoundLine]
    steps: list[Step]


def judge_home(session: Session, judge: User) -> JudgeHome:
    """A judge's rounds: those to score with how many programs are left, then closed ones."""
    lines = judge_rounds(session, judge.id)
    open_rounds = [line for line in lines if line.round.status is RoundStatus.open]
    steps = []
    for line in open_rounds:
        names = {"round": line.round.name, "festival": line.festival_name}
        sheet = {"round_id": line.round.id}
        if not line.total:
            steps.append(
                Step(
                    _("%(round)s of %(festival)s has no programs for you to score yet.", **names),
                    _("Open the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                )
            )
        elif line.left:
            steps.append(
                Step(
                    _(
                        "Score %(round)s of %(festival)s: %(left)d of %(total)d programs left.",
                        left=line.left,
                        total=line.total,
                        **names,
                    ),
                    _("Open the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                    urgent=True,
                )
            )
        else:
            steps.append(
                Step(
                    _(
                        "You have scored every program of %(round)s of %(festival)s. "
                        "Thank you! Scores can be corrected until the round is "
                        "closed.",
                        **names,
                    ),
                    _("Check the score sheet"),
                    "judging_sheet.sheet",
                    sheet,
                )
            )
    steps.sort(key=lambda step: not step.urgent)
    return JudgeHome(
        open_rounds=open_rounds,
        closed_rounds=[line for line in lines if line not in open_rounds],
        steps=steps,
    )


# --- troupe leaders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NextSession:
    troupe_id: int
    event_id: int
    title: str
    kind: str
    starts_at: datetime
    zone: str  # the event's, in which its times are shown
    location: str
    day: str  # the occurrence's local date (ISO), as session URLs name it


@dataclass
class LeaderHome:
    overview: LeaderOverview
    next_sessions: dict[int, NextSession]  # troupe id → its next session
    steps: list[Step]


def _session(occurrence: Occurrence, event: Event) -> NextSession:
    zone = ZoneInfo(event.timezone)
    return NextSession(
        troupe_id=event.troupe_id,
        event_id=occurrence.event_id,
        title=occurrence.title,
        kind=event.kind.value,
        starts_at=occurrence.starts_at,
        zone=event.timezone,
        location=occurrence.location,
        day=occurrence.original_start.astimezone(zone).date().isoformat(),
    )


def leader_home(session: Session, leader: User, *, now: datetime) -> LeaderHome:
    """A leader's troupes and programs, what is still missing before each deadline, each
    troupe's next session, and the rolls of the last week not taken yet: seven queries."""
    overview = leader_overview(session, leader, now=now)
    events = schedule_queries.leader_events(
        session, leader.id, after=now - ROLLS_BEHIND, before=now + SESSIONS_AHEAD
    )
    recorded = schedule_queries.recorded_sessions(session, leader.id, after=now - ROLLS_BEHIND)
    by_id = {event.id: event for event in events}
    occurrences = schedule_queries.occurrences_between(
        events, now - ROLLS_BEHIND, now + SESSIONS_AHEAD
    )
    next_sessions: dict[int, NextSession] = {}
    rolls: list[Step] = []
    for occurrence in occurrences:
        event = by_id[occurrence.event_id]
        if occurrence.starts_at >= now:
            next_sessions.setdefault(event.troupe_id, _session(occurrence, event))
        elif (
            occurrence.ends_at <= now
            and event.kind in ROLL_KINDS
            and (event.id, occurrence.original_start) not in recorded
        ):
            item = _session(occurrence, event)
            rolls.append(
                Step(
                    _(
                        "Take the roll of %(title)s (%(troupe)s) of %(day)s.",
                        title=occurrence.title,
                        troupe=event.troupe.name,
                        day=format_date(occurrence.starts_at.date(), "long"),
                    ),
                    _("Take attendance"),
                    "schedules.take_attendance",
                    {"event_id": event.id, "occurrence": item.day},
                    urgent=True,
                )
            )
    steps = []
    if not overview.troupes:
        steps.append(
            Step(
                _("Register your troupe, add its members, then submit its programs."),
                _("Register a troupe"),
                "troupes.create",
                urgent=True,
            )
        )
    actions = {"troupes.show": _("Add members"), "programs.submit": _("Submit a program")}
    for item in overview.missing:
        steps.append(
            Step(
                str(item.message),
                actions.get(item.url_endpoint, _("Open")),
                item.url_endpoint,
                item.url_values,
                urgent=True,
            )
        )
    steps.extend(list(reversed(rolls))[:MAX_ROLLS])  # the latest first
    return LeaderHome(overview=overview, next_sessions=next_sessions, steps=steps)
