"""Media for the media tests: bytes stored under a new key, a program's media row as
processing leaves it, and a festival whose category asks for both files."""

from festival.festivals.services import add_category
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.storage import Storage, new_key
from tests import factories

NOW = factories.NOW


def stored(storage: Storage, folder: str, suffix: str, data: bytes) -> str:
    """``data`` stored under a new key in ``folder``; the key."""
    key = new_key(folder, suffix)
    storage.append(key, 0, [data])
    return key


def add_media(session, program, kind: MediaKind, seconds: float | None, status=MediaStatus.ready):
    """A program's media as processing leaves it (no file needed here)."""
    media = Media(
        program_id=program.id,
        kind=kind,
        filename="phone.mp4" if kind is MediaKind.video else "track.mp3",
        size=1234,
        original_key=f"originals/{program.id}-{kind.value}",
        playable_key=None if status is not MediaStatus.ready else f"playable/{program.id}-{kind}",
        poster_key=f"posters/{program.id}.jpg" if kind is MediaKind.video else None,
        status=status,
        duration_seconds=seconds,
        uploaded_at=NOW,
    )
    session.add(media)
    session.flush()
    return media


def demanding_festival(session):
    """A festival with one category, 舞蹈, of at most 5 minutes that requires a video and a
    backing track of each program."""
    festival = factories.make_festival(session, categories=(), max_minutes=None)
    add_category(
        session,
        festival=festival,
        name="舞蹈",
        max_duration_minutes=5,
        requires_video=True,
        requires_backing_track=True,
        actor=None,
        now=NOW,
    )
    session.refresh(festival)
    return festival
