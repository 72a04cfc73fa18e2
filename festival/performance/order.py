"""The running order of a round (抽签): drawn from a seed that anyone can repeat, set by hand,
read, and published (on the festival's page and, as one event of the day, in its calendar).

How a draw is made, so that anyone can repeat it from the seed (``draw_order``):

1. take the program ids of the round's entries, sorted ascending;
2. make one generator ``rng = random.Random(seed)`` from the seed *as a string*
   (Python seeds a string through its SHA-512, the same on every machine since Python 3.2);
3. without categories: ``rng.shuffle(ids)``; the shuffled list is the order;
   by category: for each category in the festival's order (its position, then id), take that
   category's ids (ascending) and ``rng.shuffle`` them with the same generator in turn; the
   order is the categories' lists one after another.

Setting the order by hand keeps the seed: the round's page then says "drawn with seed X, then
changed by hand" (the stored order no longer equals the draw from its seed), and the audit log
has the order set by hand.
"""

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import RoundClosed, ValidationFailed
from festival.core.titles import book_title
from festival.festivals.models import Category, Festival
from festival.judging.models import Round, RoundEntry, RoundStatus
from festival.programs.models import Program
from festival.schedules.event_details import EventDetails
from festival.schedules.models import Event, EventKind
from festival.schedules.services import create_event, delete_event, update_event
from festival.troupes.models import Troupe

SEED_MAX_LENGTH = 64  # Round.draw_seed

# The snippet shown on the order page: the draw, repeated by anyone with Python 3.
REPEAT_SNIPPET = """import random

def draw(seed, program_ids, categories=None):
    # categories: None, or the lists of program ids of each category in the festival's order
    rng = random.Random(seed)  # the seed as a string
    if categories is None:
        order = sorted(program_ids)
        rng.shuffle(order)
        return order
    order = []
    for ids in categories:
        ids = sorted(ids)
        rng.shuffle(ids)
        order += ids
    return order"""


@dataclass(frozen=True)
class OrderRow:
    position: int | None
    program_id: int
    title: str
    troupe_name: str
    category_name: str
    checked_in: bool
    entry_id: int


@dataclass(frozen=True)
class OrderDay:
    """When and where the performance day is held, for the festival's calendar."""

    on: date
    starts: time
    ends: time
    location: str = ""


def new_seed() -> str:
    """A fresh seed: 16 hexadecimal characters (64 random bits)."""
    return secrets.token_hex(8)


def draw_order(
    seed: str, program_ids: Sequence[int], categories: Sequence[Sequence[int]] | None = None
) -> list[int]:
    """The running order drawn from ``seed`` (the method in the module's docstring):
    ``categories`` (each category's program ids, in the festival's order) or None."""
    rng = random.Random(str(seed))
    if categories is None:
        order = sorted(program_ids)
        rng.shuffle(order)
        return order
    order: list[int] = []
    for ids in categories:
        group = sorted(ids)
        rng.shuffle(group)
        order += group
    return order


def _ensure_open(round_: Round) -> None:
    """A closed round's order is history."""
    if round_.status is RoundStatus.closed:
        raise RoundClosed()


def _entries_by_category(session: Session, round_id: int) -> list[tuple[int, int]]:
    """(program id, category id) of every entry, categories in the festival's order."""
    return [
        (program_id, category_id)
        for program_id, category_id in session.execute(
            select(Program.id, Category.id)
            .join(RoundEntry, RoundEntry.program_id == Program.id)
            .join(Category, Program.category_id == Category.id)
            .where(RoundEntry.round_id == round_id)
            .order_by(Category.position, Category.id, Program.id)
        )
    ]


def _grouped(rows: list[tuple[int, int]]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for program_id, category_id in rows:
        groups.setdefault(category_id, []).append(program_id)
    return list(groups.values())


def _store(session: Session, round_id: int, order: list[int]) -> None:
    entries = {
        e.program_id: e
        for e in session.execute(select(RoundEntry).where(RoundEntry.round_id == round_id))
        .scalars()
        .all()
    }
    for position, program_id in enumerate(order, start=1):
        entries[program_id].running_position = position
    session.flush()


def draw(
    session: Session,
    *,
    round_: Round,
    seed: str | None,
    by_category: bool,
    actor: User,
    now: datetime,
) -> str:
    """Draw the round's running order from ``seed`` (a new random one when None), replacing
    any order before; returns the seed."""
    _ensure_open(round_)
    seed = new_seed() if seed is None or not seed.strip() else seed.strip()
    if len(seed) > SEED_MAX_LENGTH:
        raise ValidationFailed(
            fields={"seed": [_l("At most %(n)d characters.", n=SEED_MAX_LENGTH)]}
        )
    rows = _entries_by_category(session, round_.id)
    if not rows:
        raise ValidationFailed(fields={"program_ids": [_l("The round has no programs yet.")]})
    ids = [program_id for program_id, _category in rows]
    order = draw_order(seed, ids, _grouped(rows) if by_category else None)
    _store(session, round_.id, order)
    round_.draw_seed = seed
    round_.draw_by_category = by_category
    session.flush()
    record(
        session,
        actor=actor,
        action="draw_order",
        entity_type="round",
        entity_id=round_.id,
        changes={"seed": seed, "by_category": by_category, "order": order},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    _refresh_event(session, round_, actor=actor, now=now)
    return seed


def set_order(
    session: Session, *, round_: Round, program_ids: list[int], actor: User, now: datetime
) -> None:
    """Set the running order by hand: every entry of the round exactly once. The seed is kept
    (the page says the drawn order was then changed by hand)."""
    _ensure_open(round_)
    entered = set(
        session.execute(
            select(RoundEntry.program_id).where(RoundEntry.round_id == round_.id)
        ).scalars()
    )
    seen: set[int] = set()
    duplicated = sorted({i for i in program_ids if i in seen or seen.add(i)})
    unknown = sorted(seen - entered)
    missing = sorted(entered - seen)
    problems = []
    if missing:
        problems.append(_l("Missing: %(ids)s.", ids=", ".join(map(str, missing))))
    if duplicated:
        problems.append(_l("More than once: %(ids)s.", ids=", ".join(map(str, duplicated))))
    if unknown:
        problems.append(_l("Not entered in this round: %(ids)s.", ids=", ".join(map(str, unknown))))
    if problems:
        raise ValidationFailed(fields={"program_ids": problems})
    _store(session, round_.id, list(program_ids))
    record(
        session,
        actor=actor,
        action="set_running_order",
        entity_type="round",
        entity_id=round_.id,
        changes={"order": list(program_ids), "by_hand": True, "seed": round_.draw_seed},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )
    _refresh_event(session, round_, actor=actor, now=now)


def move(
    session: Session, *, round_: Round, program_id: int, step: int, actor: User, now: datetime
) -> None:
    """Move one program a place up (``step`` -1) or down (+1) in the order: ``set_order`` with
    the two swapped. Entries without a place yet follow in the reading order."""
    order = [row.program_id for row in running_order(session, round_.id)]
    if program_id not in order:
        raise ValidationFailed(fields={"program_id": [_l("Not entered in this round.")]})
    here = order.index(program_id)
    there = here + step
    if 0 <= there < len(order):
        order[here], order[there] = order[there], order[here]
    set_order(session, round_=round_, program_ids=order, actor=actor, now=now)


def running_order(session: Session, round_id: int) -> list[OrderRow]:
    """The round's entries in running order: places first (1..n), entries without one after
    them by entry id; in one query."""
    return [
        OrderRow(*row)
        for row in session.execute(
            select(
                RoundEntry.running_position,
                Program.id,
                Program.title,
                Troupe.name,
                Category.name,
                RoundEntry.checked_in_at.is_not(None),
                RoundEntry.id,
            )
            .join(Program, RoundEntry.program_id == Program.id)
            .join(Troupe, Program.troupe_id == Troupe.id)
            .join(Category, Program.category_id == Category.id)
            .where(RoundEntry.round_id == round_id)
            .order_by(
                case((RoundEntry.running_position.is_(None), 1), else_=0),
                RoundEntry.running_position,
                RoundEntry.id,
            )
        )
    ]


def changed_by_hand(session: Session, round_: Round, rows: list[OrderRow]) -> bool:
    """Whether the stored order differs from the draw from the round's seed (it was changed
    by hand since, or entries were added)."""
    if round_.draw_seed is None:
        return False
    if round_.draw_by_category:
        drawn = draw_order(round_.draw_seed, [], _grouped(_entries_by_category(session, round_.id)))
    else:
        drawn = draw_order(round_.draw_seed, [r.program_id for r in rows])
    return drawn != [r.program_id for r in rows if r.position is not None]


def order_event_uid(round_id: int) -> str:
    """The calendar event of a round's published order (one per round)."""
    return f"running-order-{round_id}@festival.invalid"


def order_event(session: Session, round_id: int) -> Event | None:
    return session.execute(
        select(Event).where(Event.uid == order_event_uid(round_id))
    ).scalar_one_or_none()


def _order_notes(rows: list[OrderRow], *, blind: bool) -> str:
    lines = []
    for row in rows:
        line = f"{row.position}. {book_title(row.title)}"
        if not blind:
            line += f" {row.troupe_name}"
        lines.append(line)
    return "\n".join(lines)


def _event_title(round_: Round) -> str:
    return str(_l("%(round)s: running order", round=f"{round_.festival.name} {round_.name}"))[:200]


def _refresh_event(session: Session, round_: Round, *, actor: User, now: datetime) -> None:
    """A published order's calendar event follows the order."""
    if not round_.order_published:
        return
    event = order_event(session, round_.id)
    if event is None:
        return
    notes = _order_notes(running_order(session, round_.id), blind=round_.is_blind)
    if notes != event.notes:
        update_event(
            session,
            event=event,
            details=_details_of(event, notes=notes),
            actor=actor,
            now=now,
        )


def _details_of(event: Event, **changed) -> EventDetails:
    return EventDetails(
        **{
            "title": event.title,
            "kind": event.kind,
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "location": event.location,
            "notes": event.notes,
            "is_public": True,
        }
        | changed
    )


def default_day(festival: Festival) -> OrderDay:
    """The publish form's defaults: the festival's first day, 9:00 to 12:00."""
    return OrderDay(on=festival.starts_on, starts=time(9, 0), ends=time(12, 0))


def publish_order(
    session: Session,
    *,
    round_: Round,
    published: bool,
    actor: User,
    now: datetime,
    day: OrderDay | None = None,
) -> None:
    """Make the round's running order public (on the festival's page and, with ``day``, as
    one public event of the festival's calendar listing the order) or take it down (the event
    is removed). Publishing needs every entry placed."""
    _ensure_open(round_)
    rows = running_order(session, round_.id)
    if published and (not rows or any(r.position is None for r in rows)):
        raise ValidationFailed(
            fields={"order": [_l("Draw or set the running order of every program first.")]}
        )
    round_.order_published = published
    session.flush()
    event = order_event(session, round_.id)
    if published and day is not None:
        zone = ZoneInfo(round_.festival.timezone)
        starts = datetime.combine(day.on, day.starts, zone)
        ends = datetime.combine(day.on, day.ends, zone)
        if ends <= starts:
            ends = starts + timedelta(hours=3)
        details = EventDetails(
            title=_event_title(round_),
            kind=EventKind.performance,
            starts_at=starts.astimezone(UTC),
            ends_at=ends.astimezone(UTC),
            location=day.location,
            notes=_order_notes(rows, blind=round_.is_blind),
            is_public=True,
        )
        if event is None:
            event = create_event(
                session,
                details=details,
                festival=round_.festival,
                zone=round_.festival.timezone,
                actor=actor,
                now=now,
            )
            event.uid = order_event_uid(round_.id)  # found again by the round, not by a copy
            session.flush()
        else:
            update_event(session, event=event, details=details, actor=actor, now=now)
    elif not published and event is not None:
        delete_event(session, event=event, actor=actor, now=now)
    record(
        session,
        actor=actor,
        action="publish_order" if published else "unpublish_order",
        entity_type="round",
        entity_id=round_.id,
        changes={"order": [r.program_id for r in rows]},
        organization_id=round_.festival.organization_id,
        festival_id=round_.festival_id,
        now=now,
    )


@dataclass(frozen=True)
class PublishedOrder:
    round_id: int
    round_name: str
    is_blind: bool
    rows: list[OrderRow]


def published_orders(session: Session, festival_id: int) -> list[PublishedOrder]:
    """The published running orders of the festival's rounds, by round, in one query."""
    result = session.execute(
        select(
            Round.id,
            Round.name,
            Round.is_blind,
            RoundEntry.running_position,
            Program.id,
            Program.title,
            Troupe.name,
            Category.name,
            RoundEntry.checked_in_at.is_not(None),
            RoundEntry.id,
        )
        .join(RoundEntry, RoundEntry.round_id == Round.id)
        .join(Program, RoundEntry.program_id == Program.id)
        .join(Troupe, Program.troupe_id == Troupe.id)
        .join(Category, Program.category_id == Category.id)
        .where(Round.festival_id == festival_id, Round.order_published.is_(True))
        .order_by(Round.position, RoundEntry.running_position, RoundEntry.id)
    )
    orders: dict[int, PublishedOrder] = {}
    for round_id, name, blind, *row in result:
        if round_id not in orders:
            orders[round_id] = PublishedOrder(round_id, name, blind, [])
        orders[round_id].rows.append(OrderRow(*row))
    return list(orders.values())
