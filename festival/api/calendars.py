"""Schedules: a troupe's secret calendar feed URL, and a new one in its place."""

from pydantic import BaseModel

from festival.api.envelope import actor, respond
from festival.api.registry import endpoint
from festival.core.clock import utcnow
from festival.db import db
from festival.schedules import feeds
from festival.troupes.queries import load_managed_troupe
from festival.web.external_urls import external_url, webcal_url


class CalendarOut(BaseModel):
    url: str
    webcal_url: str


def calendar_out(feed) -> CalendarOut:
    url = external_url("feeds.troupe_feed", secret=feed.secret)
    return CalendarOut(url=url, webcal_url=webcal_url(url))


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
