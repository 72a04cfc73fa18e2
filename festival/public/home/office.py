"""An organizer's or administrator's home: the festivals in progress (drafts to open,
submissions coming in, rounds to staff, score or close, awards to give and publish, a public
notice running) and, for an administrator, the accounts and organisations still to set up."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Organization, Role, User
from festival.awards.models import Award
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Round, RoundStatus
from festival.judging.queries import RoundProgress, rounds_progress
from festival.programs.models import Program, ProgramStatus
from festival.public.home.steps import Step

# How many festivals in progress an office's home lists; the festival list has the rest.
OFFICE_FESTIVALS = 10


def _day(moment: datetime, zone: str) -> str:
    """A moment's local date, long: 2026年10月24日 / October 24, 2026."""
    return format_date(moment.astimezone(ZoneInfo(zone)).date(), "long")


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
    notice_over: bool = False  # published, and its notice period (if any) has ended


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
        .where(Festival.status != FestivalStatus.final)
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
        f.id: FestivalProgress(
            f,
            deadline_passed=now > f.submission_deadline,
            notice_over=f.notice_until is None or now >= f.notice_until,
        )
        for f in festivals
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
    # Once a round is set up its progress is the next step, even while submissions are open
    # (setting up a round no longer closes them).
    if festival.status is FestivalStatus.open and item.current_round is None:
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
    if festival.status is FestivalStatus.announced and item.notice_over:
        return [
            Step(
                _(
                    "The awards of %(festival)s are published and their notice period is "
                    "over: make them final once every objection is decided.",
                    festival=name,
                ),
                _("Make the results final"),
                "awards.manage",
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
