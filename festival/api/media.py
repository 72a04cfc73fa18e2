"""A program's media: GET /programs/{id}/media, DELETE /media/{id} (uploads: api/uploads.py)."""

from datetime import datetime
from pathlib import PurePosixPath

from flask import jsonify
from pydantic import BaseModel

from festival.api.envelope import actor
from festival.api.registry import endpoint
from festival.core.clock import utcnow
from festival.core.errors import Forbidden, NotFound
from festival.db import db
from festival.media import queries
from festival.media.models import Media, MediaStatus
from festival.media.permissions import can_manage_media, can_view_media
from festival.media.services import delete_media
from festival.media.signing import media_url
from festival.media.status_text import media_error_message
from festival.programs.models import Program
from festival.web.auth import require


class MediaErrorOut(BaseModel):
    code: str
    message: str


class MediaItemOut(BaseModel):
    """One file; the optional fields are absent when they do not apply (yet)."""

    id: int
    kind: str
    filename: str
    size: int
    status: str
    progress: int | None = None
    error: MediaErrorOut | None = None
    duration_seconds: float | None = None
    playback_url: str | None = None
    poster_url: str | None = None
    download_url: str | None = None
    uploaded_at: datetime


class MediaListOut(BaseModel):
    items: list[MediaItemOut]


def media_item(media: Media, *, manages: bool) -> MediaItemOut:
    """A media as the API shows it: its signed addresses where the file exists and the viewer
    may have it. A judge gets a neutral file name (a blind round hides the troupe, which an
    uploader's file name may well carry) and never the original."""
    ready = media.status is MediaStatus.ready
    suffix = PurePosixPath(media.filename).suffix.lower()
    return MediaItemOut(
        id=media.id,
        kind=media.kind.value,
        filename=media.filename if manages else media.kind.value + suffix[:11],
        size=media.size,
        status=media.status.value,
        progress=media.progress if media.status is MediaStatus.processing else None,
        error=MediaErrorOut(
            code=media.error_code or "failed", message=media_error_message(media.error_code)
        )
        if media.status is MediaStatus.failed
        else None,
        duration_seconds=media.duration_seconds,
        playback_url=media_url(media, "playback") if ready and media.playable_key else None,
        poster_url=media_url(media, "poster") if ready and media.poster_key else None,
        download_url=media_url(media, "download") if manages else None,
        uploaded_at=media.uploaded_at,
    )


def _visible_program(program_id: int) -> tuple[Program, bool, bool]:
    """The program, whether the actor manages its media, and whether they judge it; 404 for
    anyone who may see none of its media."""
    user = actor()
    require(user.is_authenticated)
    program = queries.program_for_media(db.session, program_id)
    if program is None:
        raise NotFound()
    manages = can_manage_media(user, program)
    judges = not manages and queries.judges_program(db.session, user, program.id)
    if not manages and not judges:
        raise NotFound()
    return program, manages, judges


@endpoint(
    "/programs/<int:program_id>/media",
    "GET",
    summary="A program's video and backing track, with signed addresses",
    who="organizer, the troupe's leader; judges of a round it is entered in (video only)",
    response=MediaListOut,
    errors=(401, 404),
)
def program_media(program_id: int):
    program, manages, judges = _visible_program(program_id)
    user = actor()
    items = [
        media_item(media, manages=manages)
        for media in queries.media_of_program(db.session, program.id)
        if can_view_media(user, program, media.kind, judges_round=judges)
    ]
    return jsonify({"items": [item.model_dump(mode="json", exclude_none=True) for item in items]})


@endpoint(
    "/media/<int:media_id>",
    "DELETE",
    summary="Delete a program's video or backing track",
    who="organizer; the troupe's leader before the media deadline",
    status=204,
    errors=(401, 403, 404, 409),
)
def remove_media(media_id: int):
    user = actor()
    require(user.is_authenticated)
    media = queries.media_with_program(db.session, media_id)
    if media is None:
        raise NotFound()
    if not can_manage_media(user, media.program):
        judges = queries.judges_program(db.session, user, media.program_id)
        if can_view_media(user, media.program, media.kind, judges_round=judges):
            raise Forbidden()
        raise NotFound()
    delete_media(db.session, media=media, actor=user, now=utcnow())
    db.session.commit()
    return "", 204
