"""Single sessions of a series: cancel some, change one, restore one."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.core.clock import utcnow
from festival.core.errors import BadRequest, ValidationFailed
from festival.db import db
from festival.schedules import (
    occurrences,
    queries,
    recurrence,
)
from festival.schedules.forms import CancelForm, OccurrenceForm
from festival.schedules.views import bp
from festival.schedules.views.events import LATEST
from festival.schedules.views.loaders import (
    OCCURRENCE_FIELDS,
    date_or_404,
    managed_event_or_404,
    owner_of,
    session_start_or_404,
    show_errors,
)
from festival.schedules.views.wording import span
from festival.web.forms import ConfirmForm, choices

UPCOMING_TO_CANCEL = 60
DATE_LINE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")


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
            span(o.starts_at, o.ends_at) + (f" · {o.title}" if o.title != event.title else ""),
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
                added = occurrences.cancel_occurrences(
                    db.session, event=event, days=days, actor=current_user, now=now
                )
            except ValidationFailed as error:
                db.session.rollback()
                show_errors(form, error, {"occurrence": "dates"})
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
        **owner_of(event),
    ), status


@bp.post("/events/<int:event_id>/occurrences/<occurrence>/restore")
@login_required
def restore_session(event_id: int, occurrence: str):
    event = managed_event_or_404(event_id)
    session_day = date_or_404(occurrence)
    occurrences.restore_occurrence(
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


@bp.route("/events/<int:event_id>/occurrences/<occurrence>", methods=["GET", "POST"])
@login_required
def change_session(event_id: int, occurrence: str):
    event = managed_event_or_404(event_id)
    if not event.rrule:
        return redirect(url_for("schedules.edit_event", event_id=event.id))
    session_day, original = session_start_or_404(event, occurrence)
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
            occurrences.change_occurrence(
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
            show_errors(form, error, OCCURRENCE_FIELDS)
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
        **owner_of(event),
        day=session_day,
        planned=span(
            original.astimezone(zone), original.astimezone(zone) + (event.ends_at - event.starts_at)
        ),
        is_cancelled=is_cancelled,
        is_changed=override is not None,
        confirm=ConfirmForm(),
    ), status
