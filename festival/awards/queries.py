"""Reads of awards: the list of a festival, one certificate, a program's path upward."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, select
from sqlalchemy.orm import Session, aliased

from festival.accounts.models import Organization
from festival.awards.allocation import TIER_ORDER
from festival.awards.models import Award
from festival.festivals.models import Category, Festival
from festival.programs.models import Program
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


def festival_awards(session: Session, festival_id: int) -> list[AwardRow]:
    """Best tier first, then score: one query whatever the number of awards."""
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
        )
        .outerjoin(Program, Award.program_id == Program.id)
        .outerjoin(Troupe, Program.troupe_id == Troupe.id)
        .outerjoin(troupe_org, Troupe.organization_id == troupe_org.id)
        .outerjoin(recipient_org, Award.organization_id == recipient_org.id)
        .outerjoin(Category, Award.category_id == Category.id)
        .where(Award.festival_id == festival_id)
        .order_by(TIER_RANK, Award.score.desc().nulls_last(), Award.rank, Award.id)
    ).all()
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
        )
        for award, title, troupe, troupe_org_id, troupe_org_name, recipient, category in rows
    ]


def award_by_certificate(session: Session, number: str) -> tuple[Award, Festival] | None:
    row = session.execute(
        select(Award, Festival)
        .join(Festival, Award.festival_id == Festival.id)
        .where(Award.certificate_number == number)
    ).first()
    return (row[0], row[1]) if row else None
