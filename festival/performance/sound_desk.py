"""The sound desk of the performance day: each program's backing track (伴奏) in running order,
as a playlist and as one ZIP streamed from storage (``01 title - troupe.mp3``, …, and
``missing.txt`` naming the programs that bring none).

Only a ready track has a playable copy (the MP3 at one loudness): a track still processing, or
one that failed, counts as missing."""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from stream_zip import ZIP_AUTO, stream_zip

from festival.judging.models import RoundEntry
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.storage import Storage
from festival.performance.order import running_order

# A file's name on Windows, macOS and Linux: none of these, nor control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
NAME_MAX_CHARACTERS = 100  # of the title and troupe, before the number and ".mp3"
FILE_MODE = 0o100644  # a regular file, readable by all
ZIP_CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class PlaylistItem:
    position: int  # 1..n in running order
    program_id: int
    title: str
    troupe_name: str
    track: Media | None  # the ready backing track, else None


def playlist(session: Session, round_id: int) -> list[PlaylistItem]:
    """The round's programs in running order, each with its ready backing track or None; in
    two queries whatever the round's size."""
    rows = running_order(session, round_id)
    tracks = {
        media.program_id: media
        for media in session.execute(
            select(Media)
            .join(RoundEntry, RoundEntry.program_id == Media.program_id)
            .where(
                RoundEntry.round_id == round_id,
                Media.kind == MediaKind.backing_track,
                Media.status == MediaStatus.ready,
                Media.playable_key.is_not(None),
            )
        ).scalars()
    }
    return [
        PlaylistItem(
            position=index,
            program_id=row.program_id,
            title=row.title,
            troupe_name=row.troupe_name,
            track=tracks.get(row.program_id),
        )
        for index, row in enumerate(rows, start=1)
    ]


def safe_name(text: str) -> str:
    """``text`` as part of a file name on any system: characters that paths or shells treat
    specially become spaces, runs of spaces one, no leading or trailing dot or space; Chinese
    and other scripts are kept."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", _UNSAFE.sub(" ", text)).strip(" .")
    return text[:NAME_MAX_CHARACTERS].strip(" .")


def entry_stem(item: PlaylistItem, count: int) -> str:
    """``01 title - troupe``: the number is as wide as the largest (at least two digits)."""
    width = max(2, len(str(count)))
    title = safe_name(item.title) or "-"
    troupe = safe_name(item.troupe_name)
    return (
        f"{item.position:0{width}d} {title} - {troupe}"
        if troupe
        else f"{item.position:0{width}d} {title}"
    )


def missing_text(items: list[PlaylistItem], heading: str) -> str | None:
    """The text of ``missing.txt``: the heading, then one line per program without a track;
    None when every program has one."""
    missing = [item for item in items if item.track is None]
    if not missing:
        return None
    lines = [heading, ""] + [entry_stem(item, len(items)) for item in missing]
    return "\r\n".join(lines) + "\r\n"


def tracks_zip(
    items: list[PlaylistItem], storage: Storage, *, missing: str | None, modified_at: datetime
) -> Iterator[bytes]:
    """The ZIP of every track in running order, streamed: each MP3 read from storage in
    chunks of at most 1 MiB and stored without compression (deflate level 0), in ZIP64 only
    where an entry or the offset needs it; memory stays bounded whatever the total size."""

    def members():
        for item in items:
            if item.track is None:
                continue
            key = item.track.playable_key
            size = storage.size(key)
            if size is None:
                continue  # lost from storage (never expected): left out rather than a broken ZIP
            yield (
                f"{entry_stem(item, len(items))}.mp3",
                modified_at,
                FILE_MODE,
                ZIP_AUTO(size, level=0),
                storage.read_range(key, 0, size),
            )
        if missing is not None:
            body = missing.encode("utf-8-sig")  # Notepad reads it as UTF-8
            yield ("missing.txt", modified_at, FILE_MODE, ZIP_AUTO(len(body), level=0), (body,))

    return iter(stream_zip(members(), chunk_size=ZIP_CHUNK_BYTES))
