"""Reads of awards: the list of a festival, the choices and summaries the award pages show,
the state of publication."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from festival.accounts.models import Organization, User
from festival.accounts.queries import organization_subtree
from festival.awards.allocation import TIER_ORDER
from festival.awards.models import Award
from festival.awards.permissions import awards_are_public, can_see_awards
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Ranking, Round, RoundEntry, RoundStatus
from festival.notice.working_days import notice_last_day
from festival.programs.models import Program, ProgramStatus
from festival.programs.queries import PathLevel
from festival.programs.signals import path_built, path_results_visible
from festival.troupes.models import Troupe

TIER_RANK = case({tier: index for index, tier in enumerate(TIER_ORDER)}, value=Award.tier)


@dataclass(frozen=True)
class AwardRow:
    id: int
    tier: str
    title: str
    program_id: int | None
    program_title: str | None
    troupe_name: str | None
    organization_id: int | None
    organization_name: str | None
    category_name: str | None
    score: Decimal | None
    certificate_number: str
    category_id: int | None = None
    by_category: bool = False  # the festival's list is grouped by category


def festival_awards(session: Session, festival_id: int) -> list[AwardRow]:
    """Best tier first, then score: one query whatever the number of awards. When any award
    came from a round ranked by category, the list is grouped by category first (in the
    festival's order of categories; awards without one, such as organisation awards, last),
    then tier, then score."""
    troupe_org = aliased(Organization)
    recipient_org = aliased(Organization)
    rows = session.execute(
        select(
            Award,
            Program.title,
            Troupe.name,
            troupe_org.id,
            troupe_org.name,
            recipient_org.name,
            Category.name,
            Category.position,
            Round.ranking,
        )
        .outerjoin(Program, Award.program_id == Program.id)
        .outerjoin(Troupe, Program.troupe_id == Troupe.id)
        .outerjoin(troupe_org, Troupe.organization_id == troupe_org.id)
        .outerjoin(recipient_org, Award.organization_id == recipient_org.id)
        .outerjoin(Category, Award.category_id == Category.id)
        .outerjoin(Round, Award.round_id == Round.id)
        .where(Award.festival_id == festival_id)
        .order_by(TIER_RANK, Award.score.desc().nulls_last(), Award.rank, Award.id)
    ).all()
    by_category = any(row[-1] is Ranking.by_category for row in rows)
    if by_category:  # a stable sort: tier, then score, within each category
        rows.sort(
            key=lambda row: (
                row[0].category_id is None,
                row[7] or 0,
                row[6] or "",
                row[0].category_id or 0,
            )
        )
    return [
        AwardRow(
            id=award.id,
            tier=award.tier.value,
            title=award.title,
            program_id=award.program_id,
            program_title=title,
            troupe_name=troupe,
            organization_id=award.organization_id or troupe_org_id,
            organization_name=recipient or troupe_org_name,
            category_name=category,
            score=award.score,
            certificate_number=award.certificate_number,
            category_id=award.category_id,
            by_category=by_category,
        )
        for (
            award,
            title,
            troupe,
            troupe_org_id,
            troupe_org_name,
            recipient,
            category,
            _position,
            _ranking,
        ) in rows
    ]


@dataclass(frozen=True)
class Publication:
    # "unpublished", "notice" (公示, until notice_until), "ended" (the notice period is over,
    # not final yet) or "final" (the organizer finalised them)
    state: str
    notice_until: datetime | None
    last_day: date | None = None  # the notice period's last day, in the festival's zone
    working_days: int | None = None  # the period in working days, or None (calendar days)
    finalized_at: datetime | None = None
    finalized_on: date | None = None  # in the festival's zone

    @property
    def changeable(self) -> bool:
        """Awards change until publication and during the notice period (as the services)."""
        return self.state in ("unpublished", "notice")

    @property
    def correctable(self) -> bool:
        """Final results change only as corrections with a reason (a new revision)."""
        return self.state == "final"


def publication_of(festival: Festival, now: datetime) -> Publication:
    """Where the festival's awards stand at ``now``: unpublished, under notice, its notice
    period over, or final."""
    if not awards_are_public(festival):
        return Publication("unpublished", None)
    until = festival.notice_until
    fields = {
        "last_day": notice_last_day(until, festival.timezone) if until else None,
        "working_days": festival.notice_working_days,
        "finalized_at": festival.finalized_at,
        "finalized_on": (
            festival.finalized_at.astimezone(ZoneInfo(festival.timezone)).date()
            if festival.finalized_at
            else None
        ),
    }
    if festival.status is FestivalStatus.final:
        return Publication("final", until, **fields)
    if until is not None and now < until:
        return Publication("notice", until, **fields)
    return Publication("ended", until, **fields)


def closed_rounds(session: Session, festival_id: int) -> list[Round]:
    """The festival's closed rounds, in their order: one query."""
    return list(
        session.execute(
            select(Round)
            .where(Round.festival_id == festival_id, Round.status == RoundStatus.closed)
            .order_by(Round.position)
        ).scalars()
    )


@dataclass(frozen=True)
class ProgramChoice:
    id: int
    title: str
    troupe_name: str
    category_name: str


def program_choices(session: Session, festival_id: int) -> list[ProgramChoice]:
    """The festival's programs that have not been withdrawn, by title: one query."""
    return [
        ProgramChoice(*row)
        for row in session.execute(
            select(Program.id, Program.title, Troupe.name, Category.name)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .join(Category, Program.category_id == Category.id)
            .where(Program.festival_id == festival_id, Program.status != ProgramStatus.withdrawn)
            .order_by(Program.title, Troupe.name, Program.id)
        )
    ]


def round_programs(session: Session, round_id: int) -> dict[int, ProgramChoice]:
    """The programs of a round, by id: one query, selected by the round."""
    return {
        row[0]: ProgramChoice(*row)
        for row in session.execute(
            select(Program.id, Program.title, Troupe.name, Category.name)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .join(Category, Program.category_id == Category.id)
            .where(RoundEntry.round_id == round_id)
        )
    }


def organization_choices(session: Session, festival: Festival) -> list[Organization]:
    """The festival's organisation and every organisation under it, by name."""
    tree = organization_subtree(festival.organization_id)
    return list(
        session.execute(
            select(Organization)
            .where(Organization.id.in_(select(tree.c.id)))
            .order_by(Organization.name)
        ).scalars()
    )


def award_count(session: Session, festival_id: int) -> int:
    """How many awards the festival has given."""
    return session.execute(
        select(func.count()).select_from(Award).where(Award.festival_id == festival_id)
    ).scalar_one()


@dataclass(frozen=True)
class AwardSummary:
    award: Award
    program_title: str | None
    troupe_name: str | None
    organization_name: str | None


def award_summary(session: Session, award_id: int) -> AwardSummary | None:
    """One award with its recipient's names, for the confirmation page: one query."""
    row = session.execute(
        select(Award, Program.title, Troupe.name, Organization.name)
        .outerjoin(Program, Award.program_id == Program.id)
        .outerjoin(Troupe, Program.troupe_id == Troupe.id)
        .outerjoin(Organization, Award.organization_id == Organization.id)
        .where(Award.id == award_id)
    ).first()
    return AwardSummary(*row) if row else None


@dataclass(frozen=True)
class RoundResult:
    round_name: str
    rank: int | None
    entries: int
    score: Decimal | None
    advanced: bool


@path_built.connect
def add_path_results(_program: Program, *, session: Session, levels: list[PathLevel]) -> None:
    """Each level's closed rounds (rank of how many, score, advanced) and awards, where its
    results are visible: two queries whatever the number of levels."""
    for level in levels:
        level.awards_are_public = awards_are_public(level.festival)
    by_program = {level.program.id: level for level in levels if level.results_visible}
    if not by_program:
        return
    other = aliased(RoundEntry)
    entries = (
        select(func.count(other.id))
        .where(other.round_id == Round.id)
        .correlate(Round)
        .scalar_subquery()
    )
    for entry, round_name, count in session.execute(
        select(RoundEntry, Round.name, entries)
        .join(Round, RoundEntry.round_id == Round.id)
        .where(RoundEntry.program_id.in_(by_program), Round.status == RoundStatus.closed)
        .order_by(Round.festival_id, Round.position)
    ):
        by_program[entry.program_id].rounds.append(
            RoundResult(
                round_name=round_name,
                rank=entry.final_rank,
                entries=count,
                score=entry.final_score,
                advanced=entry.advanced,
            )
        )
    for award in session.execute(
        select(Award).where(Award.program_id.in_(by_program)).order_by(Award.id)
    ).scalars():
        by_program[award.program_id].awards.append(award)


@path_results_visible.connect
def path_results_visible_to(festival: Festival, *, viewer: User) -> bool:
    """A program's path shows a festival's results to whoever may see its awards."""
    return can_see_awards(viewer, festival)


@dataclass(frozen=True)
class LeaderPrize:
    award_id: int
    tier: str
    title: str  # the award's own name, if it has one
    certificate_number: str
    program_id: int
    program_title: str
    troupe_name: str
    festival_id: int
    festival_name: str
    festival_slug: str
    published_at: datetime


LEADER_PRIZES_SHOWN = 10


def leader_prizes(
    session: Session, leader_id: int, *, limit: int = LEADER_PRIZES_SHOWN
) -> list[LeaderPrize]:
    """The published prizes won by programs of the leader's troupes, the latest publication
    first: one query, whatever the number of troupes, programs or festivals."""
    rows = session.execute(
        select(
            Award.id,
            Award.tier,
            Award.title,
            Award.certificate_number,
            Program.id,
            Program.title,
            Troupe.name,
            Festival.id,
            Festival.name,
            Festival.slug,
            Festival.published_at,
        )
        .join(Program, Award.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(Festival, Award.festival_id == Festival.id)
        .where(
            Troupe.leader_id == leader_id,
            Festival.status.in_((FestivalStatus.announced, FestivalStatus.final)),
            Festival.published_at.is_not(None),
        )
        .order_by(Festival.published_at.desc(), TIER_RANK, Award.id)
        .limit(limit)
    )
    return [
        LeaderPrize(
            award_id=award_id,
            tier=tier.value,
            title=title or "",
            certificate_number=number,
            program_id=program_id,
            program_title=program_title,
            troupe_name=troupe_name,
            festival_id=festival_id,
            festival_name=festival_name,
            festival_slug=slug,
            published_at=published_at,
        )
        for (
            award_id,
            tier,
            title,
            number,
            program_id,
            program_title,
            troupe_name,
            festival_id,
            festival_name,
            slug,
            published_at,
        ) in rows
    ]
