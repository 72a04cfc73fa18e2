"""The calendar pages: a troupe's and a festival's schedule, and a festival's public calendar."""

from zoneinfo import ZoneInfo

from flask import render_template
from flask_login import current_user, login_required

from festival.core.errors import NotFound
from festival.db import db
from festival.festivals.models import FestivalStatus
from festival.festivals.queries import festival_by_slug, load_managed_festival
from festival.schedules.ical import NO_REMINDERS
from festival.schedules.views import bp
from festival.schedules.views.calendar_model import month_calendar
from festival.schedules.views.loaders import troupe_zone
from festival.troupes import queries as troupe_queries
from festival.web.external_urls import external_url, webcal_url


@bp.get("/troupes/<int:troupe_id>/schedule")
@login_required
def troupe_schedule(troupe_id: int):
    troupe = troupe_queries.load_managed_troupe(db.session, current_user, troupe_id)
    calendar = month_calendar(ZoneInfo(troupe_zone()), troupe_id=troupe.id)
    return render_template("schedules/troupe_schedule.html", troupe=troupe, **calendar)


@bp.get("/festivals/<int:festival_id>/schedule")
@login_required
def festival_schedule(festival_id: int):
    festival = load_managed_festival(db.session, current_user, festival_id)
    calendar = month_calendar(ZoneInfo(festival.timezone), festival_id=festival.id)
    return render_template(
        "schedules/festival_schedule.html",
        festival=festival,
        is_open=festival.status is not FestivalStatus.draft,
        show_public=True,
        **calendar,
    )


@bp.get("/festivals/<slug>/calendar")
def public_calendar(slug: str):
    festival = festival_by_slug(db.session, slug)
    if festival is None or festival.status is FestivalStatus.draft:
        raise NotFound()
    calendar = month_calendar(
        ZoneInfo(festival.timezone), festival_id=festival.id, public_only=True, managers=False
    )
    feed_url = external_url("feeds.festival_feed", slug=festival.slug)
    return render_template(
        "schedules/public_calendar.html",
        festival=festival,
        feed_url=feed_url,
        webcal_url=webcal_url(feed_url),
        download_url=external_url("feeds.festival_feed", slug=festival.slug, download=1),
        reminders=NO_REMINDERS,
        **calendar,
    )
