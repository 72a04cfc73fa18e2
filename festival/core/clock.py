"""The one seam for the current time: services take ``now``, views pass ``utcnow()``."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)
