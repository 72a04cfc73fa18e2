"""Clashes: other events at the same time as an event's sessions, of the same troupe, of a
troupe sharing members, or at the same venue. A warning, never a refusal."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from festival.festivals.models import Festival
from festival.schedules import recurrence
from festival.schedules.models import (
    Event,
    EventCancellation,
    EventOverride,
)
from festival.schedules.queries import occurrences_between, set_loaded
from festival.troupes.models import Membership, Person, Troupe


@dataclass(frozen=True)
class ScheduleClash:
    """Another event at the same time: of the same troupe, of a troupe sharing members, or at
    the same venue."""

    kind: str  # "troupe", "people" or "venue"
    other_title: str
    owner_name: str
    first_at: datetime
    count: int
    people: tuple[str, ...] = ()
    people_total: int = 0

    @property
    def message(self):
        when = f"{format_date(self.first_at, 'long')} {self.first_at:%H:%M}"
        more = _l(" (and %(n)d more times)", n=self.count - 1) if self.count > 1 else ""
        if self.kind == "venue":
            return _l(
                "The venue is also booked for %(title)s of %(owner)s on %(when)s%(more)s.",
                title=self.other_title,
                owner=self.owner_name,
                when=when,
                more=more,
            )
        if self.kind == "troupe":
            return _l(
                "This troupe also has %(title)s on %(when)s%(more)s.",
                title=self.other_title,
                when=when,
                more=more,
            )
        names = "、".join(self.people)
        if self.people_total > len(self.people):
            names = str(
                _l(
                    "%(names)s and %(n)d others",
                    names=names,
                    n=self.people_total - len(self.people),
                )
            )
        return _l(
            "%(names)s also belong to %(owner)s, which has %(title)s on %(when)s%(more)s.",
            names=names,
            owner=self.owner_name,
            title=self.other_title,
            when=when,
            more=more,
        )


def clashes_for(session: Session, event: Event, *, limit: int = 10) -> list[ScheduleClash]:
    """Other events that overlap this one's sessions: a warning, never a refusal."""
    people_troupes = select(Membership.troupe_id).where(
        Membership.person_id.in_(
            select(Membership.person_id).where(Membership.troupe_id == event.troupe_id)
        )
    )
    related = (
        [or_(Event.troupe_id == event.troupe_id, Event.troupe_id.in_(people_troupes))]
        if event.troupe_id
        else []
    )
    if event.location:
        related.append(Event.location == event.location)
    if not related:
        return []
    candidates = list(
        session.execute(
            select(Event)
            .where(
                Event.id != event.id,
                Event.starts_at < event.series_ends_at,
                Event.series_ends_at > event.starts_at,
                or_(*related),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(200)
        )
        .unique()
        .scalars()
    )
    if not candidates:
        return []
    owners = _owner_names(session, candidates)
    shared = (
        _shared_people(session, event.troupe_id, {c.troupe_id for c in candidates})
        if event.troupe_id
        else {}
    )
    mine = occurrences_between([event], event.starts_at, event.series_ends_at)
    clashes = []
    for other in _with_exceptions(session, candidates):
        theirs = occurrences_between([other], event.starts_at, event.series_ends_at)
        first, count = _overlaps(mine, theirs)
        if first is None:
            continue
        if other.troupe_id is not None and other.troupe_id == event.troupe_id:
            kind, people = "troupe", []
        elif other.troupe_id is not None and other.troupe_id in shared:
            kind, people = "people", shared[other.troupe_id]
        else:
            kind, people = "venue", []
        clashes.append(
            ScheduleClash(
                kind=kind,
                other_title=other.title,
                owner_name=owners.get(other.id, ""),
                first_at=first.starts_at,
                count=count,
                people=tuple(people[:5]),
                people_total=len(people),
            )
        )
        if len(clashes) >= limit:
            break
    return clashes


def _with_exceptions(session: Session, events: list[Event]) -> list[Event]:
    ids = [event.id for event in events]
    by_id = {event.id: event for event in events}
    for event in events:
        set_loaded(event, "cancellations", [])
        set_loaded(event, "overrides", [])
    for model, attribute in ((EventCancellation, "cancellations"), (EventOverride, "overrides")):
        for row in session.execute(select(model).where(model.event_id.in_(ids))).scalars():
            getattr(by_id[row.event_id], attribute).append(row)
    return events


def _overlaps(
    mine: list[recurrence.Occurrence], theirs: list[recurrence.Occurrence]
) -> tuple[recurrence.Occurrence | None, int]:
    """The first of my occurrences that overlaps one of theirs, and how many do (both sorted)."""
    first, count, j = None, 0, 0
    for occurrence in mine:
        while j < len(theirs) and theirs[j].ends_at <= occurrence.starts_at:
            j += 1
        k = j
        while k < len(theirs) and theirs[k].starts_at < occurrence.ends_at:
            if theirs[k].ends_at > occurrence.starts_at:
                first = first or occurrence
                count += 1
                break
            k += 1
    return first, count


def _owner_names(session: Session, events: list[Event]) -> dict[int, str]:
    troupe_ids = {e.troupe_id for e in events if e.troupe_id}
    festival_ids = {e.festival_id for e in events if e.festival_id and not e.troupe_id}
    troupes = (
        dict(session.execute(select(Troupe.id, Troupe.name).where(Troupe.id.in_(troupe_ids))).all())
        if troupe_ids
        else {}
    )
    festivals = (
        dict(
            session.execute(
                select(Festival.id, Festival.name).where(Festival.id.in_(festival_ids))
            ).all()
        )
        if festival_ids
        else {}
    )
    return {e.id: troupes.get(e.troupe_id) or festivals.get(e.festival_id, "") for e in events}


def _shared_people(session: Session, troupe_id: int, other_ids: set) -> dict[int, list[str]]:
    other = aliased(Membership)
    rows = session.execute(
        select(other.troupe_id, Person.name)
        .join(Membership, Membership.person_id == other.person_id)
        .join(Person, Person.id == other.person_id)
        .where(
            Membership.troupe_id == troupe_id,
            other.troupe_id != troupe_id,
            other.troupe_id.in_([i for i in other_ids if i]),
        )
        .order_by(other.troupe_id, Person.name)
    )
    shared: dict[int, list[str]] = defaultdict(list)
    for other_troupe_id, name in rows:
        shared[other_troupe_id].append(name)
    return shared
