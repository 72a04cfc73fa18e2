"""The iCalendar feeds: a troupe's behind a secret URL, a festival's public events by slug;
the same bytes as a file to download (``?download=1``) for calendars that import but cannot
subscribe; and the troupe's share page, reached by the feed's secret, for its members.

A feed is built once per version of its events and its bytes kept in the database, plain and
gzip-compressed, so a poll answered 304 costs one query and a full answer does not rebuild
anything; a build renders only the events that changed (``feed_builds``). A client that accepts gzip gets the compressed copy under its own ETag (the plain
one's with ``-gz``); every answer says that it varies with ``Accept-Encoding``.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import force_locale
from sqlalchemy import Connection
from werkzeug.http import http_date

from festival.core.clock import utcnow
from festival.db import db
from festival.festivals.models import FestivalStatus
from festival.festivals.queries import festival_by_slug
from festival.schedules import feed_builds, feed_queries, feeds
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
        kept = _from_kept(connection, state)
        if kept is not None:
            return kept
    feed = db.session.get(CalendarFeed, state.id)
    return _serve(feed, _troupe_build(feed))


def _from_kept(connection: Connection, state: feed_queries.FeedState) -> Response | None:
    """The answer from the kept bytes (or 304) when they are those of the feed's current
    version; None when the feed must be built first."""
    if not state.is_current:
        return None
    compressed = accepts_gzip(request.headers.get("Accept-Encoding"))
    last_modified = state.changed_at.replace(microsecond=0)
    etag = _variant_etag(state.etag, compressed)
    if _not_modified(etag, last_modified):
        return _response(None, etag, last_modified, compressed=compressed)
    body = feed_queries.feed_body(connection, state.id, state.body_version, compressed=compressed)
    if body is None:
        return None
    return _response(body, etag, last_modified, compressed=compressed)


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
        return feed_builds.build_feed(
            db.session,
            owner=feed_builds.FeedOwner(troupe_id=troupe.id),
            name=troupe.name,
            calendar_uid=f"troupe-{troupe.id}@{_domain()}",
            timezone=current_app.config["DEFAULT_TIMEZONE"],
            reminders=feed_queries.reminders_of(feed),
        )

    return build


@bp.get("/festivals/<slug>/calendar.ics")
def festival_feed(slug: str):
    if not request.args.get("download"):
        with _reading_connection() as connection:
            state = feed_queries.festival_feed_state(connection, slug)
            if state is None or state.draft:
                abort(404)
            kept = None if state.feed is None else _from_kept(connection, state.feed)
            if kept is not None:
                return kept
    festival = festival_by_slug(db.session, slug)
    if festival is None or festival.status is FestivalStatus.draft:
        abort(404)
    feed = feed_queries.festival_feed(db.session, festival.id)
    if feed is None:
        feed = feeds.touch_feed(db.session, festival_id=festival.id, now=utcnow())
        db.session.commit()

    def build() -> bytes:
        return feed_builds.build_feed(
            db.session,
            owner=feed_builds.FeedOwner(festival_id=festival.id),
            name=festival.name,
            calendar_uid=f"festival-{festival.id}@{_domain()}",
            timezone=festival.timezone,
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
    """The feed's bytes for its current version, plain or gzip as the client accepts, or 304
    when the client has that representation already (without reading any bytes)."""
    compressed = accepts_gzip(request.headers.get("Accept-Encoding"))
    last_modified = feed.changed_at.replace(microsecond=0)
    built = _built(feed, build)
    etag = _variant_etag(built.etag, compressed)
    if _not_modified(etag, last_modified):
        return _response(None, etag, last_modified, compressed=compressed)
    body, etag = _bytes(feed, build, built, compressed=compressed)
    return _response(body, _variant_etag(etag, compressed), last_modified, compressed=compressed)


@dataclass(frozen=True)
class _Built:
    """A feed's ETag, and its bytes when they were built now (else they are kept)."""

    etag: str
    plain: bytes | None = None
    gzipped: bytes | None = None


def _built(feed: CalendarFeed, build: Callable[[], bytes], *, again: bool = False) -> _Built:
    """The ETag of the feed's current version; its bytes are built now (and kept for the next
    poll, with their gzip copy, made once per version) unless the kept ones are current."""
    version, etag = feed.version, feed.etag
    if feed.body_version == version and etag and not again:
        return _Built(etag)
    # Category labels are in the site's default language, whoever asks, so that every
    # client gets the same bytes for the same version.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = build()
    etag = hashlib.sha256(body).hexdigest()[:40]
    gzipped = feeds.compress_feed_body(body)
    feeds.store_feed_body(
        db.session, feed=feed, version=version, body=body, gzipped=gzipped, etag=etag
    )
    db.session.commit()
    return _Built(etag, body, gzipped)


def _bytes(
    feed: CalendarFeed, build: Callable[[], bytes], built: _Built, *, compressed: bool
) -> tuple[bytes, str]:
    """The plain or gzip bytes of the feed's current version and the plain ETag: those just
    built, else the kept ones (one column of one row), else built again if they are gone."""
    body = built.gzipped if compressed else built.plain
    if body is None:
        body = feed_queries.feed_body(
            db.session.connection(), feed.id, feed.version, compressed=compressed
        )
    if body is None:
        built = _built(feed, build, again=True)
        body = built.gzipped if compressed else built.plain
    return body, built.etag


def _download(
    feed: CalendarFeed, build: Callable[[], bytes], *, ascii_name: str, name: str
) -> Response:
    """The feed's current bytes as a file to open with a calendar app (an import: a copy that
    does not follow later changes)."""
    body, etag = _bytes(feed, build, _built(feed, build), compressed=False)
    response = download(
        body,
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
            "Vary": "Accept-Encoding",
        }
    )
    return response


def _response(body: bytes | None, etag: str, last_modified, *, compressed: bool) -> Response:
    """The feed's bytes (the gzip copy when ``compressed``), or 304 without them (``None``),
    with the caching headers (written out, not through werkzeug's header objects: a poll's
    answer is most of its cost)."""
    headers = {
        "ETag": f'"{etag}"',
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "no-cache, max-age=0",
        "Vary": "Accept-Encoding",
        "X-Robots-Tag": "noindex",
        "Referrer-Policy": "no-referrer",
    }
    if body is None:
        return Response(status=304, headers=headers)
    headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    if compressed:
        headers["Content-Encoding"] = "gzip"
    return Response(body, content_type=CONTENT_TYPE, headers=headers)


def _variant_etag(etag: str, compressed: bool) -> str:
    """Each representation its own strong ETag: the gzip copy's is the plain one's + ``-gz``."""
    return f"{etag}-gz" if compressed else etag


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip: ``gzip`` (or ``x-gzip``), else ``*``,
    with a q-value above 0 (RFC 9110 §12.5.3); no header, ``identity`` or ``br`` alone do not."""
    if not accept_encoding:
        return False
    named: float | None = None
    star: float | None = None
    for item in accept_encoding.split(","):
        coding, *params = item.split(";")
        coding = coding.strip().lower()
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if coding in ("gzip", "x-gzip"):
            named = quality if named is None else max(named, quality)
        elif coding == "*":
            star = quality
    chosen = named if named is not None else star
    return chosen is not None and 0 < chosen <= 1


def _not_modified(etag: str, last_modified) -> bool:
    # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x".
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and last_modified <= since
