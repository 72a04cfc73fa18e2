"""What the program's page shows about its media to those who may manage it: per kind, the
current file and what the upload control needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.core.errors import MediaClosed
from festival.core.wording import clock
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.permissions import can_manage_media
from festival.media.queries import media_of_program
from festival.media.services import check_media_open
from festival.media.status_text import media_error_message
from festival.media.uploads import max_bytes, size_text
from festival.programs.models import Program

KIND_LABELS = {MediaKind.video: _l("Video"), MediaKind.backing_track: _l("Backing track")}
STATUS_LABELS = {
    MediaStatus.processing: _l("Uploaded, being prepared"),
    MediaStatus.ready: _l("Ready"),
    MediaStatus.failed: _l("Could not be prepared"),
}
ACCEPT = {
    MediaKind.video: "video/*,.mp4,.mov,.m4v,.avi,.mkv,.webm,.3gp",
    MediaKind.backing_track: "audio/*,.mp3,.m4a,.aac,.wav,.flac,.ogg,.wma",
}


@dataclass(frozen=True)
class MediaSlot:
    kind: MediaKind
    label: str
    media: Media | None
    status_label: str | None
    duration: str | None  # m:ss
    detail: str | None  # how far it is being prepared, or why it could not be
    accept: str
    max_bytes: int
    max_text: str  # 1 GB, 50 MB


@dataclass(frozen=True)
class MediaPanel:
    program_id: int
    slots: list[MediaSlot]
    closed: bool  # past the media deadline for this user
    chunk_bytes: int


def _detail(media: Media | None) -> str | None:
    if media is None:
        return None
    if media.status is MediaStatus.processing and media.progress is not None:
        return str(_l("%(percent)s prepared", percent=f"{media.progress}%"))
    if media.status is MediaStatus.failed:
        return media_error_message(media.error_code)
    return None


def upload_panel(
    session: Session, user: User, program: Program, now: datetime
) -> MediaPanel | None:
    """None for those who may not manage the program's media."""
    if not can_manage_media(user, program):
        return None
    current = {media.kind: media for media in media_of_program(session, program.id)}
    try:
        check_media_open(program.festival, user, now)
        closed = False
    except MediaClosed:
        closed = True
    slots = [
        MediaSlot(
            kind=kind,
            label=str(KIND_LABELS[kind]),
            media=current.get(kind),
            status_label=str(STATUS_LABELS[current[kind].status]) if kind in current else None,
            duration=clock(seconds)
            if kind in current and (seconds := current[kind].duration_seconds) is not None
            else None,
            detail=_detail(current.get(kind)),
            accept=ACCEPT[kind],
            max_bytes=max_bytes(kind),
            max_text=size_text(max_bytes(kind)),
        )
        for kind in MediaKind
    ]
    chunk = int(current_app.config["MEDIA_UPLOAD_CHUNK_BYTES"])
    return MediaPanel(program_id=program.id, slots=slots, closed=closed, chunk_bytes=chunk)
