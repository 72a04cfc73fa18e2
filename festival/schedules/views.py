"""Schedule pages: calendars, events and series, tours, attendance, the subscription page."""

from flask import Blueprint

bp = Blueprint("schedules", __name__)
