"""Attendance: who came to one session of a troupe's event."""

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.core.errors import NotFound, ValidationFailed
from festival.core.wording import listing
from festival.db import locked
from festival.schedules.models import (
    Attendance,
    Event,
)
from festival.schedules.occurrences import original_start
from festival.troupes.membership_dates import was_member_on
from festival.troupes.models import Membership

# The field that confirms a roll call with no one present, and the question that asks for it.
CONFIRM_ALL_ABSENT = "confirm_all_absent"
ALL_ABSENT_QUESTION = _l("No one is marked present. Save everyone as absent?")


def record_attendance(
    session: Session,
    *,
    event: Event,
    day: date,
    present_ids: Sequence[int],
    absent_ids: Sequence[int],
    actor: User,
    now: datetime,
    all_absent_confirmed: bool = True,
) -> dict[str, int]:
    """Who came to one session of a troupe's event: ticks for members only (from the day they
    joined), on the day of the session or later. Replaces what was recorded for the people
    named. A list with no one present is refused unless ``all_absent_confirmed`` (the roll
    call's page asks first; an API client names every status explicitly)."""
    locked(session, Event, event.id)  # changes of one event take turns
    if event.troupe_id is None:
        raise NotFound()
    tz = ZoneInfo(event.timezone)
    original = original_start(event, day)
    if original in {row.occurrence_at for row in event.cancellations}:
        raise ValidationFailed(fields={"occurrence": [_l("This session is cancelled.")]})
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    held_on = (override.starts_at if override else original).astimezone(tz).date()
    if held_on > now.astimezone(tz).date():
        raise ValidationFailed(
            fields={
                "occurrence": [_l("Attendance can be taken on the day of the session or later.")]
            }
        )
    present, absent = set(present_ids), set(absent_ids)
    joined = dict(
        session.execute(
            select(Membership.person_id, Membership.joined_on).where(
                Membership.troupe_id == event.troupe_id
            )
        ).all()
    )
    members = {person for person, joined_on in joined.items() if was_member_on(joined_on, held_on)}
    problems: dict[str, list] = {}
    if present & absent:
        problems["absent"] = [_l("Someone is marked both present and absent.")]
    for name, ids in (("present", present), ("absent", absent)):
        strangers = sorted(ids - set(joined))
        if strangers:
            problems.setdefault(name, []).append(
                _l("Not members of this troupe: %(ids)s.", ids=listing(strangers))
            )
        newcomers = sorted((ids & set(joined)) - members)
        if newcomers:
            problems.setdefault(name, []).append(
                _l(
                    "Not yet members on the day of this session: %(ids)s.",
                    ids=listing(newcomers),
                )
            )
    if problems:
        raise ValidationFailed(fields=problems)
    if absent and not present and not all_absent_confirmed:
        raise ValidationFailed(
            ALL_ABSENT_QUESTION, fields={CONFIRM_ALL_ABSENT: [ALL_ABSENT_QUESTION]}
        )
    existing = {
        row.person_id: row
        for row in session.execute(
            select(Attendance).where(
                Attendance.event_id == event.id, Attendance.occurrence_at == original
            )
        ).scalars()
    }
    for person_id, came in [*((p, True) for p in present), *((p, False) for p in absent)]:
        row = existing.get(person_id)
        if row is None:
            session.add(
                Attendance(
                    event_id=event.id,
                    occurrence_at=original,
                    person_id=person_id,
                    present=came,
                    recorded_by_id=actor.id,
                    recorded_at=now,
                )
            )
        elif row.present != came:
            row.present, row.recorded_by_id, row.recorded_at = came, actor.id, now
    session.flush()
    return {"present": len(present), "absent": len(absent)}
