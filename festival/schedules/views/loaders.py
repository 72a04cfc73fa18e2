"""Loading and authorizing for the schedule pages, and what every page of them shares: a
leader learns nothing of other troupes' schedules (404)."""

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, url_for
from flask_login import current_user

from festival.core.errors import DomainError, NotFound
from festival.db import db
from festival.schedules import recurrence
from festival.schedules.clash_queries import clashes_for
from festival.schedules.models import Event
from festival.schedules.permissions import can_manage_event
from festival.web.auth import require
from festival.web.forms import show_errors_on_form

MAX_CLASH_WARNINGS = 10
# Where the services' field names land on the pages' forms.
EVENT_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "rrule": "repeat"}
OCCURRENCE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "occurrence": "day"}
TOUR_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "location": "stops"}


def managed_event_or_404(event_id: int) -> Event:
    """The event if the viewer may change it; 404 otherwise (nothing of others' is revealed)."""
    require(current_user.is_authenticated)
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(current_user, event):
        raise NotFound()
    return event


def session_start_or_404(event: Event, day: str) -> tuple[date, datetime]:
    """The local date and the original start (UTC) of the series' session on that date."""
    session_day = date_or_404(day)
    zone = ZoneInfo(event.timezone)
    start = recurrence.start_on(event.starts_at.astimezone(zone), event.rrule, session_day)
    if start is None:
        raise NotFound()
    return session_day, start.astimezone(UTC)


def owner_of(event: Event) -> dict:
    """The event's owner for the page's breadcrumbs: its troupe or its festival."""
    return {
        "troupe": event.troupe if event.troupe_id else None,
        "festival": event.festival if not event.troupe_id else None,
    }


def troupe_zone() -> str:
    """The zone a troupe's events are in: the site's default."""
    return current_app.config["DEFAULT_TIMEZONE"]


def uid_domain() -> str:
    """The domain of the events' iCalendar UIDs."""
    return current_app.config["CALENDAR_UID_DOMAIN"]


def date_or_404(text: str) -> date:
    """A session's date in a URL; 404 when it is not a date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound() from None


def show_errors(form, error: DomainError, names: Mapping[str, str]) -> None:
    """The service's field messages on the form's fields, renamed where the form differs."""
    renamed: dict[str, list] = {}
    for name, messages in error.fields.items():
        renamed.setdefault(names.get(name, name), []).extend(messages)
    show_errors_on_form(form, type(error)(error.message, fields=renamed))


def flash_clashes(events: Iterable[Event]) -> None:
    """Clashes are warnings, never refusals: each is said once."""
    said: list[str] = []
    for event in events:
        for clash in clashes_for(db.session, event):
            message = str(clash.message)
            if message not in said and len(said) < MAX_CLASH_WARNINGS:
                said.append(message)
    for message in said:
        flash(message, "warning")


def schedule_url(event: Event) -> str:
    """The calendar page the event is on: its troupe's or its festival's."""
    if event.troupe_id:
        return url_for("schedules.troupe_schedule", troupe_id=event.troupe_id)
    return url_for("schedules.festival_schedule", festival_id=event.festival_id)
