"""Schedule pages: calendars, events and series, single sessions, attendance, tours, and the
troupe's calendar subscription. The blueprint is made here; each module adds its pages."""

from flask import Blueprint

bp = Blueprint("schedules", __name__)

from festival.schedules.views import (  # noqa: E402, F401
    attendance,
    calendars,
    events,
    sessions,
    subscriptions,
    tours,
)

__all__ = ["bp"]
