"""Serving media files through their signed addresses: one Range at a time (206), streamed in
pieces of at most 1 MiB from storage, never sniffed, never cached by anyone but the holder."""

import re

from flask import Blueprint, Response, current_app, request
from flask_babel import lazy_gettext as _l

from festival.core.errors import Forbidden, NotFound
from festival.db import db
from festival.media.models import Media, MediaKind
from festival.media.signing import TokenExpired, TokenInvalid, key_digest, key_for, read_token
from festival.media.storage import get_storage
from festival.web.downloads import attachment

bp = Blueprint("media_files", __name__)

_ASCII_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}$")


def content_type(media: Media, what: str) -> str:
    """What we made: an MP4 video, an MP3 track, a JPEG poster; the original is opaque."""
    if what == "poster":
        return "image/jpeg"
    if what == "playback":
        return "video/mp4" if media.kind is MediaKind.video else "audio/mpeg"
    return "application/octet-stream"


def original_attachment(filename: str, kind: MediaKind) -> str:
    """``Content-Disposition`` for the original: the uploader's name, and for old clients an
    ASCII one made of the kind and the name's suffix."""
    match = _ASCII_SUFFIX.search(filename)
    ascii_name = kind.value.replace("_", "-") + (match.group(0).lower() if match else "")
    return attachment(ascii_name, filename)


@bp.get("/media/<token>")
def serve(token: str):
    try:
        claims = read_token(token)
    except TokenExpired:
        raise Forbidden(_l("This link has expired. Reload the page to get a new one.")) from None
    except TokenInvalid:
        raise NotFound() from None
    media = db.session.get(Media, claims.media_id)
    key = key_for(media, claims.what) if media is not None else None
    if key is None or not claims.names(key):
        raise NotFound()  # deleted, or replaced since the address was made
    storage = get_storage()
    size = storage.size(key)
    if size is None:
        raise NotFound()
    etag = f'"{key_digest(key)}"'
    headers = {
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "ETag": etag,
        # The bytes under a key never change: the holder may keep them while the address lives.
        "Cache-Control": f"private, max-age={int(current_app.config['MEDIA_URL_SECONDS'])}",
    }
    if claims.what == "download":
        headers["Content-Disposition"] = original_attachment(media.filename, media.kind)
    mimetype = content_type(media, claims.what)
    db.session.rollback()  # nothing more to read: the connection goes back before streaming

    if etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    start, end, status = 0, size, 200
    byte_range = request.range if _range_applies(etag) else None
    if byte_range is not None and len(byte_range.ranges) == 1:
        span = byte_range.range_for_length(size)
        if span is None:
            headers["Content-Range"] = f"bytes */{size}"
            return Response(status=416, headers=headers)
        (start, end), status = span, 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    body = storage.read_range(key, start, end) if end > start else iter(())
    return Response(
        body, status=status, headers=headers, mimetype=mimetype, direct_passthrough=True
    )


def _range_applies(etag: str) -> bool:
    """A Range counts unless If-Range names another version of the file."""
    if_range = request.headers.get("If-Range")
    return if_range is None or if_range.strip() == etag
