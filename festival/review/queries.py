"""Reads for the year-in-review page beyond the figures themselves: the years worth offering
in its year picker."""

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from festival.festivals.models import Festival
from festival.schedules.models import Event
from festival.troupes.models import Troupe


def years_with_records(session: Session, organization_id: int) -> list[int]:
    """The years in which the organisation ran a festival or its troupes or festivals had
    events (a series counts for every year it spans), oldest first: two queries."""
    years = set(
        session.execute(
            select(Festival.year).where(Festival.organization_id == organization_id).distinct()
        ).scalars()
    )
    first, last = session.execute(
        select(func.min(Event.starts_at), func.max(Event.series_ends_at)).where(
            or_(
                Event.troupe_id.in_(
                    select(Troupe.id).where(Troupe.organization_id == organization_id)
                ),
                Event.festival_id.in_(
                    select(Festival.id).where(Festival.organization_id == organization_id)
                ),
            )
        )
    ).one()
    if first is not None and last is not None:
        years.update(range(first.year, last.year + 1))
    return sorted(years)
