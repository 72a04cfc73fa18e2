"""Visible versions of a published award list: number 1 when it is published, one more for
each correction after the results were final, each with the SHA-256 of its ``.csv``."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.awards.exports import award_list_csv
from festival.awards.models import AwardRevision
from festival.festivals.models import Festival


def add_revision(
    session: Session, *, festival: Festival, reason: str = "", actor: User | None, now: datetime
) -> AwardRevision:
    """The next revision of the festival's list as it stands now (1 for the first)."""
    session.flush()
    number = (
        session.execute(
            select(func.max(AwardRevision.number)).where(AwardRevision.festival_id == festival.id)
        ).scalar()
        or 0
    ) + 1
    revision = AwardRevision(
        festival_id=festival.id,
        number=number,
        at=now,
        actor_id=actor.id if actor else None,
        reason=reason,
        awards_sha256=hashlib.sha256(award_list_csv(session, festival.id)).hexdigest(),
    )
    session.add(revision)
    session.flush()
    return revision


def delete_revisions(session: Session, *, festival: Festival) -> None:
    """Forget the festival's revisions (the list was taken down during its notice period)."""
    session.execute(delete(AwardRevision).where(AwardRevision.festival_id == festival.id))
    session.flush()


@dataclass(frozen=True)
class RevisionRow:
    number: int
    on: date  # in the festival's zone
    reason: str
    awards_sha256: str


def revisions_of(session: Session, festival: Festival) -> list[RevisionRow]:
    """The festival's revisions, newest first, dated in its zone: one query."""
    zone = ZoneInfo(festival.timezone)
    rows = session.execute(
        select(
            AwardRevision.number,
            AwardRevision.at,
            AwardRevision.reason,
            AwardRevision.awards_sha256,
        )
        .where(AwardRevision.festival_id == festival.id)
        .order_by(AwardRevision.number.desc())
    ).all()
    return [
        RevisionRow(number, at.astimezone(zone).date(), reason, digest)
        for number, at, reason, digest in rows
    ]


def current_revision(session: Session, festival_id: int) -> int | None:
    """The number of the festival's latest revision; None before publication."""
    return session.execute(
        select(func.max(AwardRevision.number)).where(AwardRevision.festival_id == festival_id)
    ).scalar()
