"""Attendance pages: the sheet of one session, and a troupe's attendance over a period."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core import bounds
from festival.core.clock import utcnow
from festival.core.errors import BadRequest, NotFound, ValidationFailed
from festival.db import db
from festival.schedules import attendance, queries
from festival.schedules.views import bp
from festival.schedules.views.loaders import managed_event_or_404, session_start_or_404, troupe_zone
from festival.schedules.views.wording import skeleton, span
from festival.troupes import queries as troupe_queries
from festival.web import charts
from festival.web.forms import ConfirmForm, show_errors_on_form

ATTENDANCE_WEEKS = 8
MAX_REPORT_DAYS = 800


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
    session_day, original = session_start_or_404(event, occurrence)
    zone = ZoneInfo(event.timezone)
    override = next((row for row in event.overrides if row.occurrence_at == original), None)
    start = (override.starts_at if override else original).astimezone(zone)
    end = (
        override.ends_at if override else original + (event.ends_at - event.starts_at)
    ).astimezone(zone)
    lines = queries.attendance_sheet(db.session, event, original, held_on=start.date())
    # Who joined after the session's day is not on its roll call: "not yet a member".
    sheet = [line for line in lines if line.counts]
    newcomers = [line for line in lines if not line.counts]
    members = {line.person_id for line in sheet}
    ticked = {line.person_id for line in sheet if line.present}
    if request.args.get("all"):
        ticked = set(members)
    form = ConfirmForm()
    status = 200
    ask_all_absent = False
    if form.validate_on_submit():
        present = _person_ids(request.form.getlist("present"))
        try:
            counts = attendance.record_attendance(
                db.session,
                event=event,
                day=session_day,
                present_ids=present,
                absent_ids=sorted(members - set(present)),
                actor=current_user,
                now=utcnow(),
                all_absent_confirmed=bool(request.form.get(attendance.CONFIRM_ALL_ABSENT)),
            )
        except ValidationFailed as error:
            db.session.rollback()
            ticked = set(present) & members
            if set(error.fields) == {attendance.CONFIRM_ALL_ABSENT}:
                ask_all_absent = True  # a question, not a mistake: nothing was stored
            else:
                show_errors_on_form(form, error)
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
        held_on=start.date(),
        when=span(start, end),
        sheet=sheet,
        newcomers=newcomers,
        ticked=ticked,
        ask_all_absent=ask_all_absent,
        confirm_field=attendance.CONFIRM_ALL_ABSENT,
        all_absent_question=attendance.ALL_ABSENT_QUESTION,
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
    zone = ZoneInfo(troupe_zone())
    first, last, problems = _period(utcnow().astimezone(zone).date())
    after = datetime.combine(first, time(0), zone)
    before = datetime.combine(last + timedelta(days=1), time(0), zone)
    members = queries.attendance_rates(db.session, troupe.id, after, before)
    sessions = queries.sessions_taken(db.session, troupe.id, after, before)
    weeks = [
        WeekRow(
            _("Week of %(day)s", day=skeleton("MMMd", week.week_start)),
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
        sessions=sessions,
    )
