"""The JSON API under /api/v1 (contract: shared/API.md)."""

from festival.api.envelope import authenticate_request
from festival.api.registry import bp
from festival.core.errors import NotFound
from festival.core.ids import DB_INT_MAX


@bp.url_value_preprocessor
def refuse_impossible_ids(_endpoint, values) -> None:
    """An id in the path beyond the database's integers names nothing: 404 before a query
    fails on it (Flask's int converter takes any size)."""
    if values and any(isinstance(value, int) and value > DB_INT_MAX for value in values.values()):
        raise NotFound()


bp.before_request(authenticate_request)

# Each module adds its endpoints to ``bp`` when imported.
from festival.api import (  # noqa: E402, F401
    awards,
    calendars,
    event_sessions,
    events,
    festivals,
    live,
    media,
    objections,
    openapi,
    order,
    organizations,
    playlist,
    programs,
    records,
    results,
    rounds,
    scores,
    stage,
    tokens,
    troupes,
    uploads,
    users,
    years,
)

__all__ = ["bp"]
