"""The JSON API under /api/v1 (contract: shared/API.md)."""

from festival.api.envelope import authenticate_request
from festival.api.registry import bp

bp.before_request(authenticate_request)

# Each module adds its endpoints to ``bp`` when imported.
from festival.api import (  # noqa: E402, F401
    awards,
    events,
    festivals,
    openapi,
    organizations,
    programs,
    rounds,
    tokens,
    troupes,
    users,
)

__all__ = ["bp"]
