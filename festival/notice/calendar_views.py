"""The admin's page for the working-day calendar: days set by hand where the library does
not know the year yet (public holidays, make-up working days)."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from festival.accounts.permissions import can_manage_users
from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.notice import calendar
from festival.notice.calendar_forms import CalendarDayForm
from festival.notice.working_days import library_workday
from festival.web.auth import require
from festival.web.forms import ConfirmForm, show_errors_on_form

bp = Blueprint("calendar", __name__)


def _render(form: CalendarDayForm, status: int = 200):
    days = calendar.calendar_days(db.session)
    return render_template(
        "calendar/days.html",
        form=form,
        days=[(day, library_workday(day.day)) for day in days],
        remove_form=ConfirmForm(formdata=None),
        library_years=_library_years(),
    ), status


def _library_years() -> tuple[int, int]:
    """The first and last year the working-day library knows."""
    years = [y for y in range(2000, 2101) if library_workday(date(y, 6, 1)) is not None]
    return (years[0], years[-1]) if years else (0, 0)


@bp.route("/admin/calendar-days", methods=["GET", "POST"])
@login_required
def days():
    """The admin-set days, and a form to set one."""
    require(can_manage_users(current_user))
    form = CalendarDayForm()
    if request.method == "POST":
        if not form.validate():
            return _render(form, 422)
        try:
            calendar.set_calendar_day(
                db.session,
                day=form.day.data,
                working=form.working.data == "yes",
                note=form.note.data or "",
                actor=current_user,
                now=utcnow(),
            )
        except ValidationFailed as error:
            db.session.rollback()
            show_errors_on_form(form, error)
            return _render(form, error.status)
        db.session.commit()
        flash(_("%(date)s is set.", date=format_date(form.day.data, "long")), "success")
        return redirect(url_for("calendar.days"))
    return _render(CalendarDayForm(formdata=None))


@bp.post("/admin/calendar-days/<day>/remove")
@login_required
def remove(day: str):
    """Forget a day's setting: the library (or Monday to Friday) counts again."""
    require(can_manage_users(current_user))
    if not ConfirmForm().validate():
        abort(400)
    try:
        which = date.fromisoformat(day)
    except ValueError:
        abort(404)
    calendar.remove_calendar_day(db.session, day=which, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("%(date)s is no longer set.", date=format_date(which, "long")), "success")
    return redirect(url_for("calendar.days"))
