"""Schedules: a troupe's secret calendar feed URLs, and new ones in their place."""

from pydantic import BaseModel

from festival.api.envelope import actor, respond
from festival.api.registry import endpoint
from festival.core.clock import utcnow
from festival.db import db
from festival.schedules import feeds
from festival.schedules.feed_views import subscription_links
from festival.troupes.queries import load_managed_troupe


class RemindersOut(BaseModel):
    evening_before: bool
    hour_before: bool


class CalendarOut(BaseModel):
    url: str
    webcal_url: str
    download_url: str
    share_url: str
    reminders: RemindersOut


def calendar_out(feed) -> CalendarOut:
    links = subscription_links(feed.secret)
    return CalendarOut(
        url=links["feed_url"],
        webcal_url=links["webcal_url"],
        download_url=links["download_url"],
        share_url=links["share_url"],
        reminders=RemindersOut(
            evening_before=feed.remind_evening_before, hour_before=feed.remind_hour_before
        ),
    )


@endpoint(
    "/troupes/<int:troupe_id>/calendar",
    "GET",
    summary="The troupe's secret feed URL",
    who="organizer; that troupe's leader",
    response=CalendarOut,
    errors=(401, 404),
)
def troupe_calendar(troupe_id: int):
    troupe = load_managed_troupe(db.session, actor(), troupe_id)
    feed = feeds.feed_for_troupe(db.session, troupe=troupe, now=utcnow())
    db.session.commit()
    return respond(calendar_out(feed))


@endpoint(
    "/troupes/<int:troupe_id>/calendar/rotate",
    "POST",
    summary="A new secret feed URL; the old one answers 404",
    who="organizer; that troupe's leader",
    response=CalendarOut,
    errors=(401, 404),
)
def rotate_troupe_calendar(troupe_id: int):
    troupe = load_managed_troupe(db.session, actor(), troupe_id)
    feed = feeds.rotate_feed_secret(db.session, troupe=troupe, actor=actor(), now=utcnow())
    db.session.commit()
    return respond(calendar_out(feed))
