"""Days of the working-day calendar that an admin sets by hand (public holidays and make-up
working days of years the library does not know yet): the list, adding and removing."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import NotFound, ValidationFailed
from festival.notice.models import CalendarDay
from festival.notice.working_days import library_workday

NOTE_MAX = 200
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def calendar_days(session: Session) -> list[CalendarDay]:
    """Every admin-set day, the latest first: one query."""
    return list(session.execute(select(CalendarDay).order_by(CalendarDay.day.desc())).scalars())


def set_calendar_day(
    session: Session, *, day: date, working: bool, note: str = "", actor: User, now: datetime
) -> CalendarDay:
    """Set whether ``day`` is a working day (it wins over the library); replaces an earlier
    setting of the same day."""
    note = (note or "").strip()
    problems: dict[str, list] = {}
    if not EARLIEST <= day <= LATEST:
        problems["day"] = [_l("Enter a day from 2000 to 2100.")]
    if len(note) > NOTE_MAX:
        problems["note"] = [_l("Use at most %(n)d characters.", n=NOTE_MAX)]
    if problems:
        raise ValidationFailed(fields=problems)
    found = session.get(CalendarDay, day)
    before = None if found is None else found.working
    if found is None:
        found = CalendarDay(day=day, working=working, note=note, created_at=now)
        session.add(found)
    found.working, found.note = working, note
    found.created_by_id, found.created_at = actor.id, now
    record(
        session,
        actor=actor,
        action="set_calendar_day",
        entity_type="calendar_day",
        entity_id=None,
        changes={
            "day": day.isoformat(),
            "working": [before, working],
            "library": library_workday(day),
            "note": note,
        },
        organization_id=None,
        now=now,
    )
    session.flush()
    return found


def remove_calendar_day(session: Session, *, day: date, actor: User, now: datetime) -> None:
    """Forget the admin's setting of ``day``: the library (or Monday to Friday) counts again."""
    found = session.get(CalendarDay, day)
    if found is None:
        raise NotFound(_l("This day is not set."))
    record(
        session,
        actor=actor,
        action="remove_calendar_day",
        entity_type="calendar_day",
        entity_id=None,
        changes={"day": day.isoformat(), "working": found.working, "note": found.note},
        organization_id=None,
        now=now,
    )
    session.delete(found)
    session.flush()
