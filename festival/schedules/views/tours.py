"""A tour of performances: one event per venue and day, typed as lines."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from festival.core.clock import utcnow
from festival.core.errors import ValidationFailed
from festival.db import db
from festival.schedules import services, tours
from festival.schedules.forms import TourForm
from festival.schedules.views import bp
from festival.schedules.views.loaders import (
    TOUR_FIELDS,
    flash_clashes,
    show_errors,
    troupe_zone,
    uid_domain,
)
from festival.troupes import queries as troupe_queries


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
                    zone=troupe_zone(),
                    actor=current_user,
                    now=utcnow(),
                    uid_domain=uid_domain(),
                )
            except ValidationFailed as error:
                db.session.rollback()
                show_errors(form, error, TOUR_FIELDS)
            else:
                flash_clashes(events)
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
