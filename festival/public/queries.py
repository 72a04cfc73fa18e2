"""Reads behind the public pages: a festival by its slug, a certificate, a program's path.

Each function costs a fixed number of queries, whatever the size of the festival.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from festival.accounts.models import Organization
from festival.awards.models import Award
from festival.awards.permissions import awards_are_public
from festival.awards.queries import AwardRow
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.judging.models import Round, RoundEntry, RoundStatus
from festival.programs.models import Program
from festival.troupes.models import Troupe

# A program climbs district → city → province: a path has at most three levels.
MAX_LEVELS = 3
CHINESE_DIGITS = "〇一二三四五六七八九"


def festival_by_slug(session: Session, slug: str) -> Festival | None:
    """The festival with its organiser and categories (two queries)."""
    return session.execute(
        select(Festival)
        .where(Festival.slug == slug)
        .options(joinedload(Festival.organization), selectinload(Festival.categories))
    ).scalar_one_or_none()


def awards_by_tier(rows: Sequence[AwardRow]) -> list[tuple[str, list[AwardRow]]]:
    """The award rows in groups of one tier, keeping their order (best tier first)."""
    return [(tier, list(group)) for tier, group in groupby(rows, key=lambda row: row.tier)]


def published_on(festival: Festival) -> date | None:
    """The day the results were published, in the festival's own time zone."""
    if festival.published_at is None:
        return None
    return festival.published_at.astimezone(ZoneInfo(festival.timezone)).date()


def chinese_date(day: date) -> str:
    """A date as official documents write it: 二〇二六年六月二十二日."""

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        return (
            ("" if tens < 2 else CHINESE_DIGITS[tens])
            + ("十" if tens else "")
            + (CHINESE_DIGITS[ones] if ones or not tens else "")
        )

    year = "".join(CHINESE_DIGITS[int(digit)] for digit in str(day.year))
    return f"{year}年{number(day.month)}月{number(day.day)}日"


@dataclass(frozen=True)
class Certificate:
    award: Award
    festival: Festival
    issuer: Organization
    program: Program | None
    troupe_name: str | None
    organization_name: str | None
    category_name: str | None

    @property
    def recipient(self) -> str:
        """Who the certificate is made out to: the troupe and its program, or the organisation."""
        if self.program is not None:
            return f"{self.troupe_name}《{self.program.title}》"
        return self.organization_name or ""


def certificate(session: Session, number: str) -> Certificate | None:
    """A certificate by its number with everything it shows, in one query; None when the
    number is unknown or its festival's awards are not published."""
    issuer = aliased(Organization)
    troupe_org = aliased(Organization)
    recipient_org = aliased(Organization)
    row = session.execute(
        select(
            Award,
            Festival,
            issuer,
            Program,
            Troupe.name,
            troupe_org.name,
            recipient_org.name,
            Category.name,
        )
        .join(Festival, Award.festival_id == Festival.id)
        .join(issuer, Festival.organization_id == issuer.id)
        .outerjoin(Program, Award.program_id == Program.id)
        .outerjoin(Troupe, Program.troupe_id == Troupe.id)
        .outerjoin(troupe_org, Troupe.organization_id == troupe_org.id)
        .outerjoin(recipient_org, Award.organization_id == recipient_org.id)
        .outerjoin(Category, Award.category_id == Category.id)
        .where(Award.certificate_number == number)
    ).first()
    if row is None:
        return None
    award, festival, organiser, program, troupe, troupe_org_name, recipient, category = row
    if not awards_are_public(festival):
        return None
    return Certificate(
        award=award,
        festival=festival,
        issuer=organiser,
        program=program,
        troupe_name=troupe,
        organization_name=recipient or troupe_org_name,
        category_name=category,
    )


@dataclass(frozen=True)
class RoundResult:
    round_name: str
    rank: int | None
    entries: int
    score: Decimal | None
    advanced: bool


@dataclass
class PathLevel:
    program: Program
    festival: Festival
    results_visible: bool
    is_current: bool = False
    rounds: list[RoundResult] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)

    @property
    def festival_is_public(self) -> bool:
        """Its festival has a public page (links go there)."""
        return self.festival.status is not FestivalStatus.draft

    @property
    def awards_are_public(self) -> bool:
        """Its awards have public certificates (links go there)."""
        return awards_are_public(self.festival)


def _program_with_festival(session: Session, condition) -> Program | None:
    return session.execute(
        select(Program)
        .where(condition)
        .options(joinedload(Program.festival), joinedload(Program.troupe))
        .order_by(Program.id)
        .limit(1)
    ).scalar_one_or_none()


def program_path(
    session: Session,
    program: Program,
    *,
    can_see_results: Callable[[Festival], bool] = awards_are_public,
) -> list[PathLevel]:
    """The program's way through the levels, lowest first: where it was recommended from and
    to (at most three levels, one query per level), with its closed rounds' ranks and scores
    and its awards at each. Results show only where ``can_see_results(festival)``; a draft
    festival's level shows only to those who may see its results."""
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
    by_program = {level.program.id: level for level in levels if level.results_visible}
    if not by_program:
        return levels
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
    return levels
