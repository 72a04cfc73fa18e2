"""The iCalendar feeds: a troupe's behind a secret URL, a festival's public events by slug;
the same bytes as a file to download (``?download=1``) for calendars that import but cannot
subscribe; and the troupe's share page, reached by the feed's secret, for its members.

A feed is built once per version of its events and its bytes kept in the database, so a
poll answered 304 costs one query and a full answer does not rebuild anything.
"""

import hashlib
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from sqlalchemy import Connection
from werkzeug.http import http_date

from festival.core.clock import utcnow
from festival.db import db
from festival.festivals.models import FestivalStatus
from festival.festivals.queries import festival_by_slug
from festival.schedules import feed_queries, feeds, ical
from festival.schedules.models import CalendarFeed
from festival.troupes.models import Troupe
from festival.web.downloads import download
from festival.web.external_urls import external_url, webcal_url
from festival.web.qr import qr_svg

bp = Blueprint("feeds", __name__)

CONTENT_TYPE = "text/calendar; charset=utf-8"


@bp.get("/calendar/<secret>.ics")
def troupe_feed(secret: str):
    if request.args.get("download"):
        shared = feed_queries.shared_troupe_feed(db.session, secret)
        if shared is None:
            abort(404)
        feed, name = shared
        return _download(feed, _troupe_build(feed), ascii_name="calendar.ics", name=name)
    # Calendar apps poll every feed every few hours: answer from the kept bytes on a
    # connection of its own (no session) whenever they are current.
    with _reading_connection() as connection:
        state = feed_queries.troupe_feed_state(connection, secret)
        if state is None:
            abort(404)
        if state.is_current:
            last_modified = state.changed_at.replace(microsecond=0)
            if _not_modified(state.etag, last_modified):
                return _response(None, state.etag, last_modified)
            return _response(
                feed_queries.feed_body(connection, state.id), state.etag, last_modified
            )
    feed = db.session.get(CalendarFeed, state.id)
    return _serve(feed, _troupe_build(feed))


@bp.get("/calendars/<secret>/")
def shared_calendar(secret: str):
    """The page a leader sends to the members: the troupe's name, its subscription link, the
    file and the steps. The feed's secret is its key (a new secret retires it), and it shows
    nothing the feed does not."""
    shared = feed_queries.shared_troupe_feed(db.session, secret)
    if shared is None:
        abort(404)
    feed, name = shared
    response = Response(
        render_template(
            "schedules/shared_calendar.html",
            troupe_name=name,
            reminders=feed_queries.reminders_of(feed),
            qr=qr_svg(external_url("feeds.shared_calendar", secret=secret)),
            **subscription_links(secret),
        )
    )
    response.headers.update(
        {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex", "Cache-Control": "no-store"}
    )
    return response


def subscription_links(secret: str) -> dict[str, str]:
    """A troupe feed's addresses: to subscribe (https, and webcal:// for Apple and Outlook),
    to download as a file, and its share page."""
    feed_url = external_url("feeds.troupe_feed", secret=secret)
    return {
        "feed_url": feed_url,
        "webcal_url": webcal_url(feed_url),
        "download_url": external_url("feeds.troupe_feed", secret=secret, download=1),
        "share_url": external_url("feeds.shared_calendar", secret=secret),
    }


def _troupe_build(feed: CalendarFeed) -> Callable[[], bytes]:
    def build() -> bytes:
        troupe = db.session.get(Troupe, feed.troupe_id)
        return ical.build_calendar(
            name=troupe.name,
            calendar_uid=f"troupe-{troupe.id}@{_domain()}",
            timezone=current_app.config["DEFAULT_TIMEZONE"],
            events=feed_queries.feed_events(db.session, troupe_id=troupe.id),
            reminders=feed_queries.reminders_of(feed),
        )

    return build


@bp.get("/festivals/<slug>/calendar.ics")
def festival_feed(slug: str):
    festival = festival_by_slug(db.session, slug)
    if festival is None or festival.status is FestivalStatus.draft:
        abort(404)
    feed = feed_queries.festival_feed(db.session, festival.id)
    if feed is None:
        feed = feeds.touch_feed(db.session, festival_id=festival.id, now=utcnow())
        db.session.commit()

    def build() -> bytes:
        return ical.build_calendar(
            name=festival.name,
            calendar_uid=f"festival-{festival.id}@{_domain()}",
            timezone=festival.timezone,
            events=feed_queries.feed_events(db.session, festival_id=festival.id, public_only=True),
        )

    if request.args.get("download"):
        return _download(feed, build, ascii_name=f"{festival.slug}.ics", name=festival.name)
    return _serve(feed, build)


def _reading_connection() -> Connection:
    """A connection for one read. On PostgreSQL without a transaction, which would cost a
    ROLLBACK's round trip at the end; SQLite reads open none, and would pay for switching."""
    connection = db.engine.connect()
    if connection.dialect.name != "sqlite":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def _domain() -> str:
    return current_app.config["CALENDAR_UID_DOMAIN"]


def _serve(feed: CalendarFeed, build: Callable[[], bytes]) -> Response:
    """The feed's bytes for its current version, or 304 when the client has them already."""
    body, etag = _built(feed, build)
    last_modified = feed.changed_at.replace(microsecond=0)
    if _not_modified(etag, last_modified):
        return _response(None, etag, last_modified)
    return _response(body if body is not None else feed.body, etag, last_modified)


def _built(feed: CalendarFeed, build: Callable[[], bytes]) -> tuple[bytes | None, str]:
    """The bytes built now for the feed's current version (kept for the next poll) and their
    ETag; ``None`` for the bytes when the kept ones are current."""
    version, etag = feed.version, feed.etag
    if feed.body_version == version and etag:
        return None, etag
    # Category labels are in the site's default language, whoever asks, so that every
    # client gets the same bytes for the same version.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build()
    etag = hashlib.sha256(body).hexdigest()[:40]
    feeds.store_feed_body(db.session, feed=feed, version=version, body=body, etag=etag)
    db.session.commit()
    return body, etag


def _download(
    feed: CalendarFeed, build: Callable[[], bytes], *, ascii_name: str, name: str
) -> Response:
    """The feed's current bytes as a file to open with a calendar app (an import: a copy that
    does not follow later changes)."""
    body, etag = _built(feed, build)
    response = download(
        body if body is not None else feed.body,
        mimetype=CONTENT_TYPE,
        ascii_name=ascii_name,
        name=f"{name}.ics",
        private=False,
    )
    response.headers.update(
        {
            "ETag": f'"{etag}"',
            "Cache-Control": "no-cache, max-age=0",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        }
    )
    return response


def _response(body: bytes | None, etag: str, last_modified) -> Response:
    """The feed's bytes, or 304 without them (``None``), with the caching headers (written
    out, not through werkzeug's header objects: a poll's answer is most of its cost)."""
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "no-cache, max-age=0",
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
    }
    if body is None:
        return Response(status=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return Response(body, content_type=CONTENT_TYPE, headers=headers)


def _not_modified(etag: str, last_modified) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and last_modified <= since
