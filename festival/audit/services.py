"""Writing the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from festival.audit.models import AuditEntry

if TYPE_CHECKING:  # the log sits under every domain: it names accounts only in types
    from festival.accounts.models import User


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, Any] | None = None,
    organization_id: int | None,
    festival_id: int | None = None,
    now: datetime,
) -> AuditEntry:
    """Add one audit entry; ``changes`` maps a field to ``[old, new]`` or holds plain facts.

    ``organization_id`` is the organisation the changed thing belongs to (a festival's or a
    troupe's organisation, the organisation itself; None for what belongs to none): its
    organizers and those above them read the entry. ``festival_id`` names the festival the
    thing belongs to, so the log can be read festival by festival."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes or {},
        organization_id=organization_id,
        festival_id=festival_id,
    )
    session.add(entry)
    return entry
