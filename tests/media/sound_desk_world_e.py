"""Tiny MP3s made with the imageio-ffmpeg binary once per test session, and a performance
day whose programs carry them as ready backing tracks, for the sound desk's tests."""

import subprocess
from pathlib import Path

import imageio_ffmpeg

from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.storage import get_storage
from tests import factories
from tests.media.media_world import stored
from tests.performance.day_world import make_day

NOW = factories.NOW


def make_mp3s(folder: Path, count: int = 3, seconds: float = 1.5) -> list[bytes]:
    """``count`` MP3s of ``seconds`` each (a different tone each), as bytes."""
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    made = []
    for index in range(count):
        path = folder / f"tone{index}.mp3"
        subprocess.run(
            [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi"]
            + ["-i", f"sine=frequency={440 + 110 * index}:sample_rate=44100:duration={seconds}"]
            + ["-ac", "2", "-c:a", "libmp3lame", "-b:a", "64k", str(path)],
            check=True,
            timeout=60,
        )
        made.append(path.read_bytes())
    return made


def add_track(
    session,
    program,
    data: bytes,
    *,
    status: MediaStatus = MediaStatus.ready,
    seconds: float = 1.5,
) -> Media:
    """A backing track of ``program`` stored (original and playable copy) and ``status``."""
    storage = get_storage()
    original = stored(storage, "originals", ".mp3", data)
    playable = stored(storage, "playable", ".mp3", data)
    media = Media(
        program_id=program.id,
        kind=MediaKind.backing_track,
        filename="track.mp3",
        size=len(data),
        original_key=original,
        playable_key=playable if status is MediaStatus.ready else None,
        status=status,
        duration_seconds=seconds if status is MediaStatus.ready else None,
        uploaded_at=NOW,
    )
    session.add(media)
    session.flush()
    return media


def sound_day(
    session,
    *,
    festival,
    organizer,
    mp3s: list[bytes],
    without: tuple[int, ...] = (),
    prefix: str = "Troupe",
):
    """A round of ``len(mp3s) + len(without)`` programs in running order; the programs at the
    (0-based) places ``without`` have no track, the others the MP3s in turn."""
    total = len(mp3s) + len(without)
    round_, programs = make_day(
        session, festival=festival, organizer=organizer, programs=total, prefix=prefix
    )
    tracks = iter(mp3s)
    media = {}
    for index, program in enumerate(programs):
        if index not in without:
            media[program.id] = add_track(session, program, next(tracks))
    session.commit()
    return round_, programs, media
