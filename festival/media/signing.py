"""Signed, expiring addresses of a media's files: whoever holds one may fetch that one file
until it expires (MEDIA_URL_SECONDS, default 4 hours), and never after the file is replaced or
deleted, because the token names the stored key it was made for."""

import hashlib
import time
from dataclasses import dataclass

from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from festival.media.models import Media

WHATS = ("playback", "poster", "download")
# Tokens are stamped to the ten minutes, so a page reloaded within them gets the same address
# and the browser's cache answers (a URL lives between MEDIA_URL_SECONDS - 10 min and that).
STAMP_SECONDS = 600


def _clock() -> float:
    return time.time()


class _SteppedSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        now = int(_clock())
        return now - now % STAMP_SECONDS


@dataclass(frozen=True)
class MediaToken:
    media_id: int
    what: str
    key_digest: str

    def names(self, key: str | None) -> bool:
        """Whether the token was made for the file now stored under ``key``."""
        return key is not None and key_digest(key) == self.key_digest


class TokenExpired(Exception):
    """A well-signed token past its age."""


class TokenInvalid(Exception):
    """A token this site did not make (or altered)."""


def key_for(media: Media, what: str) -> str | None:
    """The stored key of the file ``what`` names (None while it does not exist yet)."""
    if what == "playback":
        return media.playable_key
    if what == "poster":
        return media.poster_key
    if what == "download":
        return media.original_key
    raise ValueError(f"what must be one of {WHATS}, not {what!r}")


def key_digest(key: str) -> str:
    # The key itself stays private: the address names it by a digest.
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="media", signer=_SteppedSigner
    )


def media_token(media: Media, what: str) -> str:
    key = key_for(media, what)
    if key is None:
        raise ValueError(f"media {media.id} has no {what} file yet")
    return _serializer().dumps([media.id, what, key_digest(key)])


def media_url(media: Media, what: str) -> str:
    """The signed, expiring address of the media's playable copy, poster or original."""
    return url_for("media_files.serve", token=media_token(media, what))


def read_token(token: str) -> MediaToken:
    """The token's content; TokenExpired past MEDIA_URL_SECONDS, TokenInvalid when forged."""
    max_age = int(current_app.config["MEDIA_URL_SECONDS"])
    try:
        value = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired() from error
    except BadSignature as error:
        raise TokenInvalid() from error
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not isinstance(value[0], int)
        or value[1] not in WHATS
        or not isinstance(value[2], str)
    ):
        raise TokenInvalid()
    return MediaToken(value[0], value[1], value[2])
