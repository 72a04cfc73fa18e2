"""Event pages: a new event or series, its page with its sessions, its edit and deletion."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.festivals.models import Festival
from festival.festivals.queries import load_managed_festival
from festival.schedules import queries, recurrence, recurrence_rules, services
from festival.schedules.clash_queries import clashes_for
from festival.schedules.event_details import EventDetails
from festival.schedules.forms import EventForm
from festival.schedules.models import Event
from festival.schedules.views import bp
from festival.schedules.views.loaders import (
    EVENT_FIELDS,
    flash_clashes,
    managed_event_or_404,
    owner_of,
    schedule_url,
    show_errors,
    troupe_zone,
    uid_domain,
)
from festival.schedules.views.wording import describe_rule, span
from festival.troupes import queries as troupe_queries
from festival.troupes.models import Troupe
from festival.web.forms import ConfirmForm, choices

# Every session of every series lies between these two.
EARLIEST = bounds.EARLIEST_MOMENT
LATEST = bounds.LATEST_MOMENT
UPCOMING_ON_EVENT_PAGE = 20
RECENT_ON_EVENT_PAGE = 10


def _rule_from(form: EventForm, zone: ZoneInfo, current: str | None) -> str | None:
    if form.repeat.data == "custom":
        return current
    if form.repeat.data not in ("daily", "weekly"):
        return None
    weekdays: tuple[str, ...] = ()
    if form.repeat.data == "weekly":
        chosen = set(form.weekdays.data or ())
        weekdays = tuple(code for code in recurrence_rules.WEEKDAYS if code in chosen) or (
            recurrence_rules.WEEKDAYS[form.day.data.weekday()],
        )
    by_date = form.ends.data != "count"
    return recurrence_rules.rule_from_repeat(
        recurrence_rules.Repeat(
            freq=form.repeat.data,
            interval=form.interval.data or 1,
            weekdays=weekdays,
            until=form.until.data if by_date else None,
            count=None if by_date else form.count.data,
        ),
        zone,
    )


def _details_from(form: EventForm, zone: str, current_rule: str | None = None) -> EventDetails:
    """The form's plain date and times, read in the event's zone by the service."""
    return EventDetails(
        title=form.title.data or "",
        kind=form.kind.data,
        starts_at=datetime.combine(form.day.data, form.start_time.data),
        ends_at=datetime.combine(form.end_day.data or form.day.data, form.end_time.data),
        location=form.location.data or "",
        notes=form.notes.data or "",
        is_public=bool(form.is_public.data),
        rule=_rule_from(form, ZoneInfo(zone), current_rule),
    )


def _fill_from_event(form: EventForm, event: Event) -> None:
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    form.title.data, form.kind.data = event.title, event.kind.value
    form.day.data, form.start_time.data, form.end_time.data = start.date(), start.time(), end.time()
    form.end_day.data = end.date() if end.date() != start.date() else None
    form.location.data, form.notes.data, form.is_public.data = (
        event.location,
        event.notes,
        event.is_public,
    )
    if not event.rrule:
        form.repeat.data = "none"
        return
    repeat = recurrence_rules.repeat_from_rule(event.rrule, zone)
    if repeat is None:
        form.repeat.data = "custom"
        return
    form.repeat.data, form.interval.data = repeat.freq, repeat.interval
    form.weekdays.data = list(repeat.weekdays)
    form.ends.data = "count" if repeat.count else "until"
    form.until.data, form.count.data = repeat.until, repeat.count


def _describe_public(form: EventForm, *, festival: bool) -> None:
    form.is_public.description = (
        _("Shown to anyone on the festival's public calendar and its feed.")
        if festival
        else _("Open to anyone who wants to come and watch, e.g. a performance.")
    )


def _new_event(
    form: EventForm, *, troupe: Troupe | None, festival: Festival | None, zone: str, back_url: str
):
    status = 200
    if form.validate_on_submit():
        try:
            event = services.create_event(
                db.session,
                details=_details_from(form, zone),
                troupe=troupe,
                festival=festival,
                zone=zone,
                actor=current_user,
                now=utcnow(),
                uid_domain=uid_domain(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            show_errors(form, error, EVENT_FIELDS)
        else:
            flash_clashes([event])
            event_id, title = event.id, event.title
            db.session.commit()
            flash(_("%(title)s added to the calendar.", title=title), "success")
            return redirect(url_for("schedules.event", event_id=event_id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template(
        "schedules/event_form.html",
        form=form,
        event=None,
        troupe=troupe,
        festival=festival,
        zone=zone,
        back_url=back_url,
    ), status


@bp.route("/troupes/<int:troupe_id>/events/new", methods=["GET", "POST"])
@login_required
def new_troupe_event(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = EventForm()
    _describe_public(form, festival=False)
    return _new_event(
        form,
        troupe=troupe,
        festival=None,
        zone=troupe_zone(),
        back_url=url_for("schedules.troupe_schedule", troupe_id=troupe.id),
    )


@bp.route("/festivals/<int:festival_id>/events/new", methods=["GET", "POST"])
@login_required
def new_festival_event(festival_id: int):
    festival = load_managed_festival(db.session, current_user, festival_id)
    form = EventForm()
    _describe_public(form, festival=True)
    if request.method == "GET":
        form.is_public.data = True
    return _new_event(
        form,
        troupe=None,
        festival=festival,
        zone=festival.timezone,
        back_url=url_for("schedules.festival_schedule", festival_id=festival.id),
    )


@dataclass
class SessionRow:
    """One session on the event page, named by the local date the series gives it."""

    day: str  # YYYY-MM-DD of the original start: the session's name in URLs
    when: str
    title: str
    location: str
    moved_from: str | None
    is_changed: bool
    is_cancelled: bool
    may_take_attendance: bool


def _session_rows(
    event: Event, occurrences: list[recurrence.Occurrence], today: date
) -> list[SessionRow]:
    zone = ZoneInfo(event.timezone)
    duration = event.ends_at - event.starts_at
    rows = []
    for occurrence in occurrences:
        original = occurrence.original_start.astimezone(zone)
        moved = occurrence.is_changed and occurrence.starts_at != original
        rows.append(
            SessionRow(
                day=original.date().isoformat(),
                when=span(occurrence.starts_at, occurrence.ends_at),
                title=occurrence.title,
                location=occurrence.location,
                moved_from=span(original, original + duration) if moved else None,
                is_changed=occurrence.is_changed,
                is_cancelled=occurrence.is_cancelled,
                # Attendance is taken from the day the session is held.
                may_take_attendance=bool(event.troupe_id)
                and not occurrence.is_cancelled
                and occurrence.starts_at.date() <= today,
            )
        )
    return rows


@bp.get("/events/<int:event_id>")
@login_required
def event(event_id: int):
    event = managed_event_or_404(event_id)
    zone = ZoneInfo(event.timezone)
    now = utcnow()
    occurrences = recurrence.expand(queries.series_of(event), EARLIEST, LATEST, with_cancelled=True)
    today = now.astimezone(zone).date()
    try:
        first_day = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        first_day = None
    if first_day is None:
        coming = [o for o in occurrences if o.ends_at > now]
    else:
        coming = [o for o in occurrences if o.starts_at.date() >= first_day]
    upcoming = coming[:UPCOMING_ON_EVENT_PAGE]
    recent = [o for o in occurrences if o.ends_at <= now][-RECENT_ON_EVENT_PAGE:]
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return render_template(
        "schedules/event.html",
        event=event,
        **owner_of(event),
        first_session=span(start, end),
        rule_text=describe_rule(event),
        last_day=(event.series_ends_at - timedelta(microseconds=1)).astimezone(zone).date(),
        upcoming=_session_rows(event, upcoming, today),
        coming_count=len(coming),
        first_day=first_day,
        recent=_session_rows(event, recent, today),
        clashes=[str(clash.message) for clash in clashes_for(db.session, event)],
        form=ConfirmForm(),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = managed_event_or_404(event_id)
    form = EventForm()
    _describe_public(form, festival=not event.troupe_id)
    if (
        event.rrule
        and recurrence_rules.repeat_from_rule(event.rrule, ZoneInfo(event.timezone)) is None
    ):
        form.repeat.choices = [
            *form.repeat.choices,
            *choices([("custom", _("Keep the current rule: %(rule)s", rule=event.rrule))]),
        ]
    if request.method == "GET":
        _fill_from_event(form, event)
    status = 200
    if form.validate_on_submit():
        try:
            dropped = services.update_event(
                db.session,
                event=event,
                details=_details_from(form, event.timezone, event.rrule),
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            show_errors(form, error, EVENT_FIELDS)
        else:
            flash_clashes([event])
            db.session.commit()
            flash(_("Saved."), "success")
            if dropped:
                flash(
                    ngettext(
                        "%(num)d cancelled, changed or attended session no longer falls on the new "
                        "schedule and was removed.",
                        "%(num)d cancelled, changed or attended sessions no longer fall on the new "
                        "schedule and were removed.",
                        dropped,
                    ),
                    "warning",
                )
            return redirect(url_for("schedules.event", event_id=event_id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template(
        "schedules/event_form.html",
        form=form,
        event=event,
        **owner_of(event),
        zone=event.timezone,
        back_url=url_for("schedules.event", event_id=event.id),
    ), status


@bp.route("/events/<int:event_id>/delete", methods=["GET", "POST"])
@login_required
def delete_event(event_id: int):
    event = managed_event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        back, title = schedule_url(event), event.title
        services.delete_event(db.session, event=event, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("%(title)s deleted.", title=title), "success")
        return redirect(back)
    return render_template(
        "schedules/delete.html",
        event=event,
        **owner_of(event),
        form=form,
        rule_text=describe_rule(event),
    )
