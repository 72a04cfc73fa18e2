"""Reads behind the public pages: the published award lists, a certificate, the award list
by tier, dates as printed.

Each function costs a fixed number of queries, whatever the size of the festival.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, joinedload

from festival.accounts.models import Organization
from festival.awards.models import Award
from festival.awards.permissions import awards_are_public
from festival.awards.queries import AwardRow
from festival.core.titles import book_title
from festival.festivals.models import Category, Festival, FestivalStatus
from festival.programs.models import Program
from festival.troupes.models import Troupe

CHINESE_DIGITS = "〇一二三四五六七八九"
# How many published award lists the home page links.
PUBLISHED_LISTS = 6


def awards_by_tier(rows: Sequence[AwardRow]) -> list[tuple[str, list[AwardRow]]]:
    """The award rows in groups of one tier, keeping their order (best tier first)."""
    return [(tier, list(group)) for tier, group in groupby(rows, key=lambda row: row.tier)]


def awards_by_category(
    rows: Sequence[AwardRow],
) -> list[tuple[str | None, list[tuple[str, list[AwardRow]]]]] | None:
    """When the list is grouped by category (``AwardRow.by_category``): each category's
    name (None for the awards without one, last) with its rows by tier; else None."""
    if not rows or not rows[0].by_category:
        return None
    return [
        (name, awards_by_tier(list(group)))
        for (_id, name), group in groupby(
            rows, key=lambda row: (row.category_id, row.category_name)
        )
    ]


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
            return f"{self.troupe_name}{book_title(self.program.title)}"
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


def published_festivals(session: Session, *, limit: int = PUBLISHED_LISTS) -> list[Festival]:
    """Festivals whose award lists are public, the latest first: one query."""
    return list(
        session.execute(
            select(Festival)
            .where(
                Festival.status.in_((FestivalStatus.announced, FestivalStatus.final)),
                Festival.published_at.is_not(None),
            )
            .options(joinedload(Festival.organization))
            .order_by(Festival.published_at.desc(), Festival.id.desc())
            .limit(limit)
        ).scalars()
    )
