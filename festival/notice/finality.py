"""Final results: the organizer finalises a festival's published awards once the notice
period has ended and no objection is open."""

from datetime import datetime

from flask_babel import format_date, lazy_ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.services import record
from festival.core.errors import Conflict, ObjectionsOpen
from festival.db import locked
from festival.festivals.models import Festival, FestivalStatus
from festival.notice.models import Objection, ObjectionStatus
from festival.notice.working_days import notice_last_day


def open_objections(session: Session, festival_id: int) -> int:
    """How many of the festival's objections await a decision."""
    return session.execute(
        select(func.count(Objection.id)).where(
            Objection.festival_id == festival_id, Objection.status == ObjectionStatus.open
        )
    ).scalar_one()


def finalize(session: Session, *, festival: Festival, actor: User, now: datetime) -> Festival:
    """Make the published results final: only after the notice period has ended, and only
    when every objection has been decided."""
    locked(session, Festival, festival.id)
    if festival.status is FestivalStatus.final:
        raise Conflict(_l("The results are final already."))
    if festival.status is not FestivalStatus.announced or festival.published_at is None:
        raise Conflict(_l("Publish the results before making them final."))
    if festival.notice_until is not None and now < festival.notice_until:
        raise Conflict(
            _l(
                "The notice period runs until the end of %(date)s; the results can be made "
                "final after it.",
                date=format_date(notice_last_day(festival.notice_until, festival.timezone), "long"),
            )
        )
    count = open_objections(session, festival.id)
    if count:
        raise ObjectionsOpen(
            lazy_ngettext(
                "%(num)d objection is still open; decide it first.",
                "%(num)d objections are still open; decide them first.",
                count,
            )
        )
    festival.status = FestivalStatus.final
    festival.finalized_at = now
    festival.updated_at = now
    record(
        session,
        actor=actor,
        action="finalize_awards",
        entity_type="festival",
        entity_id=festival.id,
        organization_id=festival.organization_id,
        festival_id=festival.id,
        now=now,
    )
    session.flush()
    return festival
