"""Writing the audit log."""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.audit.models import AuditEntry


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: dict[str, Any] | None = None,
    now: datetime,
) -> AuditEntry:
    """Add one audit entry; ``changes`` maps a field to ``[old, new]`` or holds plain facts."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes or {},
    )
    session.add(entry)
    return entry
