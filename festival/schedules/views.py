"""Schedule pages: calendars, events and series, tours, attendance, the subscription page."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.lists import format_list
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, DomainError, NotFound, ValidationFailed
from festival.db import db
from festival.festivals.models import Festival, FestivalStatus
from festival.festivals.queries import load_managed_festival
from festival.schedules import queries, recurrence, services, tours
from festival.schedules.forms import CancelForm, EventForm, OccurrenceForm, TourForm
from festival.schedules.models import Event
from festival.schedules.permissions import can_manage_event
from festival.troupes import queries as troupe_queries
from festival.troupes.models import Troupe
from festival.web import charts
from festival.web.auth import require
from festival.web.external_urls import external_url, webcal_url
from festival.web.forms import ConfirmForm, choices, show_errors_on_form
from festival.web.i18n import current_language
from festival.web.qr import qr_svg

bp = Blueprint("schedules", __name__)

# Every session of every series lies between these two.
EARLIEST = bounds.EARLIEST_MOMENT
LATEST = bounds.LATEST_MOMENT
UPCOMING_ON_EVENT_PAGE = 20
RECENT_ON_EVENT_PAGE = 10
UPCOMING_TO_CANCEL = 60
MAX_CLASH_WARNINGS = 10
ATTENDANCE_WEEKS = 8
MAX_REPORT_DAYS = 800
MONTH_ARG = re.compile(r"^(\d{4})-(\d{1,2})$")
DATE_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")

# Where the services' field names land on the pages' forms.
EVENT_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "rrule": "repeat"}
OCCURRENCE_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "occurrence": "day"}
TOUR_FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "location": "stops"}


# Loading and authorizing: a leader learns nothing of other troupes' schedules (404).


def managed_event_or_404(event_id: int) -> Event:
    require(current_user.is_authenticated)
    event = db.session.get(Event, event_id)
    if event is None or not can_manage_event(current_user, event):
        raise NotFound()
    return event


def _troupe_zone() -> str:
    return current_app.config["DEFAULT_TIMEZONE"]


def _uid_domain() -> str:
    return current_app.config["CALENDAR_UID_DOMAIN"]


def _date_or_404(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFound() from None


def _show_errors(form, error: DomainError, names: Mapping[str, str]) -> None:
    """The service's field messages on the form's fields, renamed where the form differs."""
    renamed: dict[str, list] = {}
    for name, messages in error.fields.items():
        renamed.setdefault(names.get(name, name), []).extend(messages)
    show_errors_on_form(form, type(error)(error.message, fields=renamed))


def _flash_clashes(events: Iterable[Event]) -> None:
    """Clashes are warnings, never refusals: each is said once."""
    said: list[str] = []
    for event in events:
        for clash in queries.clashes_for(db.session, event):
            message = str(clash.message)
            if message not in said and len(said) < MAX_CLASH_WARNINGS:
                said.append(message)
    for message in said:
        flash(message, "warning")


def _schedule_url(event: Event) -> str:
    if event.troupe_id:
        return url_for("schedules.troupe_schedule", troupe_id=event.troupe_id)
    return url_for("schedules.festival_schedule", festival_id=event.festival_id)


# Dates and times as the pages say them.


def _skeleton(skeleton: str, value: date | datetime) -> str:
    """A date in the reader's language by CLDR skeleton: 5月9日周六 / Sat, May 9."""
    return format_skeleton(skeleton, value, locale=get_locale())


def _span(start: datetime, end: datetime) -> str:
    """2026年5月9日周六 09:00–11:00, with the end's date when it ends on a later day."""
    if end.date() == start.date():
        return f"{_skeleton('yMMMEd', start)} {start:%H:%M}–{end:%H:%M}"
    return f"{_skeleton('yMMMEd', start)} {start:%H:%M} – {_skeleton('yMMMEd', end)} {end:%H:%M}"


def _weekday_names(codes: Iterable[str]) -> str:
    # 周六 reads naturally after 每 in Chinese; English wants the whole name.
    width = "EEE" if current_language() == "zh" else "EEEE"
    monday = date(2024, 1, 1)
    names = [
        format_date(monday + timedelta(days=recurrence.WEEKDAYS.index(code)), width)
        for code in recurrence.WEEKDAYS
        if code in codes
    ]
    return format_list(names, locale=get_locale())


def describe_rule(event: Event) -> str | None:
    """The series' rule in words, e.g. 每周六 09:00–11:00，至2027年10月30日; None when the plain
    form cannot say it (the page shows the RRULE then)."""
    if not event.rrule:
        return None
    zone = ZoneInfo(event.timezone)
    repeat = recurrence.repeat_from_rule(event.rrule, zone)
    if repeat is None:
        return None
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if repeat.freq == "daily":
        pattern = (
            _("Every day") if repeat.interval == 1 else _("Every %(n)d days", n=repeat.interval)
        )
    else:
        days = _weekday_names(repeat.weekdays or (recurrence.WEEKDAYS[start.weekday()],))
        pattern = (
            _("Every %(days)s", days=days)
            if repeat.interval == 1
            else _("Every %(n)d weeks on %(days)s", n=repeat.interval, days=days)
        )
    times = {"pattern": pattern, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if repeat.until:
        return _(
            "%(pattern)s %(start)s–%(end)s, until %(day)s",
            **times,
            day=format_date(repeat.until, "long"),
        )
    if repeat.count:
        return _("%(pattern)s %(start)s–%(end)s, %(n)d sessions in all", **times, n=repeat.count)
    return _("%(pattern)s %(start)s–%(end)s", **times)


# The month grid and the agenda: one calendar for troupes, festivals and the public.


@dataclass
class Entry:
    """One session as a calendar cell or an agenda line shows it."""

    event_id: int
    title: str
    kind: str
    starts: str
    ends: str
    location: str
    url: str | None
    is_changed: bool = False
    is_cancelled: bool = False
    is_public: bool = False
    continues: bool = False  # a later day of an event over several days


@dataclass
class Day:
    day: date
    label: str
    in_month: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)


def _session_url(event: Event, occurrence: recurrence.Occurrence) -> str:
    """The event page listing sessions from this one's day, scrolled to it."""
    original = occurrence.original_start.astimezone(occurrence.starts_at.tzinfo).date()
    return url_for(
        "schedules.event",
        event_id=event.id,
        _anchor=f"session-{original}",
        **{"from": occurrence.starts_at.date().isoformat()},
    )


def _month_arg(today: date) -> date:
    match = MONTH_ARG.match(request.args.get("month", ""))
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if bounds.FIRST_YEAR <= year <= bounds.LAST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def _calendar(
    zone: ZoneInfo,
    *,
    troupe_id: int | None = None,
    festival_id: int | None = None,
    public_only: bool = False,
    managers: bool = True,
) -> dict:
    """The month asked for (?month=YYYY-MM, the current one by default) as weeks of days and as
    an agenda: three queries whatever the number of events."""
    today = utcnow().astimezone(zone).date()
    month = _month_arg(today)
    view = "agenda" if request.args.get("view") == "agenda" else "month"
    weeks = queries.month_weeks(month)
    after = datetime.combine(weeks[0][0], time(0), zone)
    before = datetime.combine(weeks[-1][-1] + timedelta(days=1), time(0), zone)
    events = queries.owner_events(
        db.session,
        troupe_id=troupe_id,
        festival_id=festival_id,
        public_only=public_only,
        after=after,
        before=before,
    )
    by_id = {event.id: event for event in events}
    days = {
        day: Day(day, _skeleton("MMMEd", day), day.month == month.month, day == today)
        for week in weeks
        for day in week
    }
    for occurrence in queries.occurrences_between(events, after, before, with_cancelled=managers):
        event = by_id[occurrence.event_id]
        start, end = occurrence.starts_at, occurrence.ends_at
        last_day = (end - timedelta(microseconds=1)).date()
        day = start.date()
        while day <= last_day:
            if day in days:
                days[day].entries.append(
                    Entry(
                        event_id=event.id,
                        title=occurrence.title,
                        kind=event.kind.value,
                        starts=f"{start:%H:%M}",
                        ends=f"{end:%H:%M}",
                        location=occurrence.location,
                        url=_session_url(event, occurrence) if managers else None,
                        is_changed=occurrence.is_changed,
                        is_cancelled=occurrence.is_cancelled,
                        is_public=event.is_public,
                        continues=day != start.date(),
                    )
                )
            day += timedelta(days=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)

    def page(target: date, chosen_view: str) -> str:
        return url_for(
            request.endpoint, **(request.view_args or {}), month=f"{target:%Y-%m}", view=chosen_view
        )

    return {
        "month": month,
        "month_title": _skeleton("yMMMM", month),
        "view": view,
        "weekday_names": [format_date(day, "EEE") for day in weeks[0]],
        "weeks": [[days[day] for day in week] for week in weeks],
        "agenda": [
            days[day] for week in weeks for day in week if days[day].in_month and days[day].entries
        ],
        "previous_url": page(previous, view),
        "previous_title": _skeleton("yMMMM", previous),
        "next_url": page(following, view),
        "next_title": _skeleton("yMMMM", following),
        "today_url": page(today, view) if today.replace(day=1) != month else None,
        "month_url": page(month, "month"),
        "agenda_url": page(month, "agenda"),
        "managers": managers,
        "has_entries": any(day.entries for day in days.values() if day.in_month),
    }


@bp.get("/troupes/<int:troupe_id>/schedule")
@login_required
def troupe_schedule(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    calendar = _calendar(ZoneInfo(_troupe_zone()), troupe_id=troupe.id)
    return render_template("schedules/troupe_schedule.html", troupe=troupe, **calendar)


@bp.get("/festivals/<int:festival_id>/schedule")
@login_required
def festival_schedule(festival_id: int):
    festival = load_managed_festival(db.session, current_user, festival_id)
    calendar = _calendar(ZoneInfo(festival.timezone), festival_id=festival.id)
    return render_template(
        "schedules/festival_schedule.html",
        festival=festival,
        is_open=festival.status is not FestivalStatus.draft,
        show_public=True,
        **calendar,
    )


@bp.get("/festivals/<slug>/calendar")
def public_calendar(slug: str):
    festival = queries.festival_by_slug(db.session, slug)
    if festival is None or festival.status is FestivalStatus.draft:
        raise NotFound()
    calendar = _calendar(
        ZoneInfo(festival.timezone), festival_id=festival.id, public_only=True, managers=False
    )
    feed_url = external_url("feeds.festival_feed", slug=festival.slug)
    return render_template(
        "schedules/public_calendar.html",
        festival=festival,
        feed_url=feed_url,
        webcal_url=webcal_url(feed_url),
        **calendar,
    )


# Events and series.


def _rule_from(form: EventForm, zone: ZoneInfo, current: str | None) -> str | None:
    if form.repeat.data == "custom":
        return current
    if form.repeat.data not in ("daily", "weekly"):
        return None
    weekdays: tuple[str, ...] = ()
    if form.repeat.data == "weekly":
        chosen = set(form.weekdays.data or ())
        weekdays = tuple(code for code in recurrence.WEEKDAYS if code in chosen) or (
            recurrence.WEEKDAYS[form.day.data.weekday()],
        )
    by_date = form.ends.data != "count"
    return recurrence.rule_from_repeat(
        recurrence.Repeat(
            freq=form.repeat.data,
            interval=form.interval.data or 1,
            weekdays=weekdays,
            until=form.until.data if by_date else None,
            count=None if by_date else form.count.data,
        ),
        zone,
    )


def _details_from(
    form: EventForm, zone: str, current_rule: str | None = None
) -> services.EventDetails:
    """The form's plain date and times, read in the event's zone by the service."""
    return services.EventDetails(
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
    repeat = recurrence.repeat_from_rule(event.rrule, zone)
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
                uid_domain=_uid_domain(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            _show_errors(form, error, EVENT_FIELDS)
        else:
            _flash_clashes([event])
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
        zone=_troupe_zone(),
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
                when=_span(occurrence.starts_at, occurrence.ends_at),
                title=occurrence.title,
                location=occurrence.location,
                moved_from=_span(original, original + duration) if moved else None,
                is_changed=occurrence.is_changed,
                is_cancelled=occurrence.is_cancelled,
                # Attendance is taken from the day the session is held.
                may_take_attendance=bool(event.troupe_id)
                and not occurrence.is_cancelled
                and occurrence.starts_at.date() <= today,
            )
        )
    return rows


def _owner(event: Event) -> dict:
    return {
        "troupe": event.troupe if event.troupe_id else None,
        "festival": event.festival if not event.troupe_id else None,
    }


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
        **_owner(event),
        first_session=_span(start, end),
        rule_text=describe_rule(event),
        last_day=(event.series_ends_at - timedelta(microseconds=1)).astimezone(zone).date(),
        upcoming=_session_rows(event, upcoming, today),
        coming_count=len(coming),
        first_day=first_day,
        recent=_session_rows(event, recent, today),
        clashes=[str(clash.message) for clash in queries.clashes_for(db.session, event)],
        form=ConfirmForm(),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit_event(event_id: int):
    event = managed_event_or_404(event_id)
    form = EventForm()
    _describe_public(form, festival=not event.troupe_id)
    if event.rrule and recurrence.repeat_from_rule(event.rrule, ZoneInfo(event.timezone)) is None:
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
            _show_errors(form, error, EVENT_FIELDS)
        else:
            _flash_clashes([event])
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
        **_owner(event),
        zone=event.timezone,
        back_url=url_for("schedules.event", event_id=event.id),
    ), status


@bp.route("/events/<int:event_id>/delete", methods=["GET", "POST"])
@login_required
def delete_event(event_id: int):
    event = managed_event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        back, title = _schedule_url(event), event.title
        services.delete_event(db.session, event=event, actor=current_user, now=utcnow())
        db.session.commit()
        flash(_("%(title)s deleted.", title=title), "success")
        return redirect(back)
    return render_template(
        "schedules/delete.html",
        event=event,
        **_owner(event),
        form=form,
        rule_text=describe_rule(event),
    )


def _days_from(ticked: Iterable[str], typed: str | None) -> tuple[list[date], list[str]]:
    """The ticked sessions and the typed dates (one a line), or what is wrong with the lines."""
    days, problems = [], []
    for value in ticked:
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            raise BadRequest() from None
    lines = [line.strip() for line in (typed or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = DATE_LINE.match(line)
        try:
            days.append(date(*(int(part) for part in match.groups())))
        except (AttributeError, ValueError):
            problems.append(
                _("Line %(n)d: %(text)s is not a date.", n=number, text=line.split()[0])
            )
    return days, problems


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_sessions(event_id: int):
    event = managed_event_or_404(event_id)
    zone = ZoneInfo(event.timezone)
    now = utcnow()
    form = CancelForm()
    coming = [o for o in recurrence.expand(queries.series_of(event), now, LATEST)][
        :UPCOMING_TO_CANCEL
    ]
    form.days.choices = choices(
        (
            o.original_start.astimezone(zone).date().isoformat(),
            _span(o.starts_at, o.ends_at) + (f" · {o.title}" if o.title != event.title else ""),
        )
        for o in coming
    )
    status = 200
    if form.validate_on_submit():
        days, problems = _days_from(form.days.data or [], form.dates.data)
        if problems:
            form.dates.errors = [*form.dates.errors, *map(str, problems)]
        else:
            try:
                added = services.cancel_occurrences(
                    db.session, event=event, days=days, actor=current_user, now=now
                )
            except ValidationFailed as error:
                db.session.rollback()
                _show_errors(form, error, {"occurrence": "dates"})
            else:
                db.session.commit()
                if added:
                    flash(
                        ngettext(
                            "%(num)d session cancelled.", "%(num)d sessions cancelled.", len(added)
                        ),
                        "success",
                    )
                else:
                    flash(_("Those sessions were cancelled already."), "success")
                return redirect(url_for("schedules.event", event_id=event_id))
        status = 422
    elif request.method == "POST":
        status = 422
    # "Cancel this session" on the event's page asks about that one session first.
    labels = (
        {choice.value: choice.label for choice in form.days.choices}
        if request.method == "GET"
        else {}
    )
    single = request.args.get("day")
    return render_template(
        "schedules/cancel.html",
        form=form,
        event=event,
        single=(single, labels[single]) if single in labels else None,
        **_owner(event),
    ), status


@bp.post("/events/<int:event_id>/occurrences/<occurrence>/restore")
@login_required
def restore_session(event_id: int, occurrence: str):
    event = managed_event_or_404(event_id)
    session_day = _date_or_404(occurrence)
    services.restore_occurrence(
        db.session, event=event, day=session_day, actor=current_user, now=utcnow()
    )
    db.session.commit()
    flash(
        _(
            "The session of %(day)s is back as the series has it.",
            day=format_date(session_day, "long"),
        ),
        "success",
    )
    return redirect(url_for("schedules.event", event_id=event_id))


def _session_start_or_404(event: Event, day: str) -> tuple[date, datetime]:
    """The local date and the original start (UTC) of the series' session on that date."""
    session_day = _date_or_404(day)
    zone = ZoneInfo(event.timezone)
    start = recurrence.start_on(event.starts_at.astimezone(zone), event.rrule, session_day)
    if start is None:
        raise NotFound()
    return session_day, start.astimezone(UTC)


@bp.route("/events/<int:event_id>/occurrences/<occurrence>", methods=["GET", "POST"])
@login_required
def change_session(event_id: int, occurrence: str):
    event = managed_event_or_404(event_id)
    if not event.rrule:
        return redirect(url_for("schedules.edit_event", event_id=event.id))
    session_day, original = _session_start_or_404(event, occurrence)
    zone = ZoneInfo(event.timezone)
    is_cancelled = original in {row.occurrence_at for row in event.cancellations}
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    start = (override.starts_at if override else original).astimezone(zone)
    end = (
        override.ends_at if override else original + (event.ends_at - event.starts_at)
    ).astimezone(zone)
    form = OccurrenceForm()
    if request.method == "GET":
        form.day.data, form.start_time.data, form.end_time.data = (
            start.date(),
            start.time(),
            end.time(),
        )
        form.title.data = override.title if override and override.title else event.title
        form.location.data = (
            override.location if override and override.location is not None else event.location
        )
    status = 200
    if form.validate_on_submit():
        try:
            services.change_occurrence(
                db.session,
                event=event,
                day=session_day,
                starts_at=datetime.combine(form.day.data, form.start_time.data),
                ends_at=datetime.combine(form.day.data, form.end_time.data),
                title=form.title.data,
                location=form.location.data or "",
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            _show_errors(form, error, OCCURRENCE_FIELDS)
        else:
            db.session.commit()
            flash(
                _("The session of %(day)s is changed.", day=format_date(session_day, "long")),
                "success",
            )
            return redirect(url_for("schedules.event", event_id=event_id))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template(
        "schedules/change_session.html",
        form=form,
        event=event,
        **_owner(event),
        day=session_day,
        planned=_span(
            original.astimezone(zone), original.astimezone(zone) + (event.ends_at - event.starts_at)
        ),
        is_cancelled=is_cancelled,
        is_changed=override is not None,
        confirm=ConfirmForm(),
    ), status


# Attendance.


def _person_ids(values: Iterable[str]) -> list[int]:
    try:
        return [int(value) for value in values]
    except ValueError:
        raise BadRequest() from None


@bp.route("/events/<int:event_id>/attendance/<occurrence>", methods=["GET", "POST"])
@login_required
def take_attendance(event_id: int, occurrence: str):
    event = managed_event_or_404(event_id)
    if event.troupe_id is None:
        raise NotFound()
    session_day, original = _session_start_or_404(event, occurrence)
    zone = ZoneInfo(event.timezone)
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    start = (override.starts_at if override else original).astimezone(zone)
    end = (
        override.ends_at if override else original + (event.ends_at - event.starts_at)
    ).astimezone(zone)
    sheet = queries.attendance_sheet(db.session, event, original)
    members = {line.person_id for line in sheet}
    ticked = {line.person_id for line in sheet if line.present}
    if request.args.get("all"):
        ticked = set(members)
    form = ConfirmForm()
    status = 200
    if form.validate_on_submit():
        present = _person_ids(request.form.getlist("present"))
        try:
            counts = services.record_attendance(
                db.session,
                event=event,
                day=session_day,
                present_ids=present,
                absent_ids=sorted(members - set(present)),
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            show_errors_on_form(form, error)
            ticked = set(present) & members
            status = 422
        else:
            db.session.commit()
            flash(_("Attendance saved: %(present)d came, %(absent)d did not.", **counts), "success")
            return redirect(url_for("schedules.event", event_id=event_id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "schedules/attendance.html",
        form=form,
        event=event,
        troupe=event.troupe,
        day=session_day,
        when=_span(start, end),
        sheet=sheet,
        ticked=ticked,
        is_recorded=any(line.present is not None for line in sheet),
        is_cancelled=original in {row.occurrence_at for row in event.cancellations},
        is_future=start.date() > utcnow().astimezone(zone).date(),
    ), status


@dataclass
class WeekRow:
    label: str
    sessions: int
    present: int
    recorded: int
    rate: int | None  # per cent


def _percent(rate: float | None) -> int | None:
    return None if rate is None else round(rate * 100)


def _period(today: date) -> tuple[date, date, list[str]]:
    """?from=&to= (local dates, both included); the last eight weeks by default."""
    first = today - timedelta(days=today.weekday() + 7 * (ATTENDANCE_WEEKS - 1))
    last, problems = today, []
    for name in ("from", "to"):
        raw = (request.args.get(name) or "").strip()
        if not raw:
            continue
        try:
            value = date.fromisoformat(raw)
        except ValueError:
            problems.append(_("%(text)s is not a date (YYYY-MM-DD).", text=raw[:20]))
            continue
        if not bounds.day_in_range(value):
            problems.append(str(bounds.date_message()))
            continue
        if name == "from":
            first = value
        else:
            last = value
    if last < first or (last - first).days > MAX_REPORT_DAYS:
        problems.append(_("Choose a period of at most two years that starts before it ends."))
        first = today - timedelta(days=today.weekday() + 7 * (ATTENDANCE_WEEKS - 1))
        last = today
    return first, last, problems


@bp.get("/troupes/<int:troupe_id>/attendance")
@login_required
def troupe_attendance(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    zone = ZoneInfo(_troupe_zone())
    first, last, problems = _period(utcnow().astimezone(zone).date())
    after = datetime.combine(first, time(0), zone)
    before = datetime.combine(last + timedelta(days=1), time(0), zone)
    members = queries.attendance_rates(db.session, troupe.id, after, before)
    weeks = [
        WeekRow(
            _("Week of %(day)s", day=_skeleton("MMMd", week.week_start)),
            week.sessions,
            week.present,
            week.recorded,
            _percent(week.rate),
        )
        for week in queries.weekly_attendance(db.session, troupe.id, after, before, zone)
    ]
    chart = charts.horizontal_bar_chart(
        [(week.label, week.rate) for week in weeks if week.rate is not None],
        chart_id="attendance-per-week",
        title=_("Attendance per week, in per cent"),
        maximum=100,
    )
    return render_template(
        "schedules/troupe_attendance.html",
        troupe=troupe,
        first=first,
        last=last,
        problems=problems,
        members=members,
        weeks=weeks,
        chart=chart,
        percent=_percent,
        sessions=members[0].sessions if members else 0,
    )


# Tours.


@bp.route("/troupes/<int:troupe_id>/tours/new", methods=["GET", "POST"])
@login_required
def new_tour(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = TourForm()
    status = 200
    if form.validate_on_submit():
        stops, problems = tours.parse_tour_lines(form.stops.data, form.first_day.data)
        if problems:
            form.stops.errors = [*form.stops.errors, *map(str, problems)]
        else:
            try:
                events = services.create_tour(
                    db.session,
                    troupe=troupe,
                    title=form.title.data,
                    kind=form.kind.data,
                    stops=stops,
                    start_time=form.start_time.data,
                    end_time=form.end_time.data,
                    notes=form.notes.data or "",
                    is_public=bool(form.is_public.data),
                    zone=_troupe_zone(),
                    actor=current_user,
                    now=utcnow(),
                    uid_domain=_uid_domain(),
                )
            except ValidationFailed as error:
                db.session.rollback()
                _show_errors(form, error, TOUR_FIELDS)
            else:
                _flash_clashes(events)
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d performance added.", "%(num)d performances added.", len(events)
                    ),
                    "success",
                )
                first_day = min(stop.day for stop in stops)
                return redirect(
                    url_for(
                        "schedules.troupe_schedule", troupe_id=troupe_id, month=f"{first_day:%Y-%m}"
                    )
                )
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("schedules/tour_form.html", form=form, troupe=troupe), status


# The troupe's calendar subscription.


@bp.get("/troupes/<int:troupe_id>/calendar")
@login_required
def troupe_calendar(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    feed = services.feed_for_troupe(db.session, troupe=troupe, now=utcnow())
    feed_url = external_url("feeds.troupe_feed", secret=feed.secret)
    webcal = webcal_url(feed_url)
    db.session.commit()
    return render_template(
        "schedules/subscribe.html",
        troupe=troupe,
        feed_url=feed_url,
        webcal_url=webcal,
        qr=qr_svg(webcal),
    )


@bp.route("/troupes/<int:troupe_id>/calendar/rotate", methods=["GET", "POST"])
@login_required
def rotate_calendar(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.rotate_feed_secret(db.session, troupe=troupe, actor=current_user, now=utcnow())
        db.session.commit()
        flash(
            _(
                "A new link is made. The old link no longer works: everyone who subscribed "
                "must subscribe again with the new one."
            ),
            "success",
        )
        return redirect(url_for("schedules.troupe_calendar", troupe_id=troupe_id))
    return render_template("schedules/rotate.html", troupe=troupe, form=form)
