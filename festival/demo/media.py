"""The demo's media: each district program's short video and backing track (伴奏), made at demo
time with the FFmpeg binary of imageio-ffmpeg (a test picture with the title drawn on it, a
tone), encoded as processing leaves them (H.264/AAC MP4 with the index first, a poster, an MP3)
and stored as ready media, so that the problems, the judge's sheet and the sound desk show
something real without a worker and without the network.

The district's categories require a video, and all but the instrumental one (器乐) a backing
track; 《天仙配·夫妻双双把家还》 brings no track (its troupe plays with its own band) and
《老年颂》's video runs past the six minutes its category (朗诵) allows."""

import functools
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import imageio_ffmpeg
from sqlalchemy import select
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.festivals.models import Category, Festival
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.processing import LOUDNESS
from festival.media.storage import Storage, get_storage, new_key
from festival.programs.models import Program

WIDTH, HEIGHT = 320, 180
CLIP_SECONDS = 4
NO_TRACK = "天仙配·夫妻双双把家还"
TOO_LONG = "老年颂"
TOO_LONG_SECONDS = 6 * 60 + 15  # 朗诵 allows six minutes
NO_BACKING_TRACK_REQUIRED = {"器乐"}
UPLOADED_AT = datetime(2026, 4, 20, 2, 0, tzinfo=UTC)
# Fonts with Chinese characters, looked for in this order; without one the picture is plain.
FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


@dataclass(frozen=True)
class Clip:
    """The files made for one program (a track only when ``track`` is set)."""

    video: Path
    poster: Path
    track: Path | None
    video_seconds: float
    track_seconds: float | None


def _font() -> str | None:
    return next((font for font in FONTS if Path(font).is_file()), None)


@functools.cache  # asked once per process: the tests load the demo many times
def _has_drawtext(ffmpeg: str) -> bool:
    try:
        listed = subprocess.run(
            [ffmpeg, "-hide_banner", "-filters"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return b"drawtext" in listed.stdout


# The clips made in this process, by what they were made from: loading the demo again (the
# tests do, many times) writes the same files without running FFmpeg again.
_made: dict[tuple, tuple[bytes, bytes, bytes | None]] = {}


def make_clip(
    ffmpeg: str,
    folder: Path,
    index: int,
    title: str,
    *,
    seconds: float,
    track: bool,
    font: str | None,
) -> Clip:
    """The MP4 (H.264/AAC, faststart), its poster (JPEG) and the MP3 track (never longer than
    CLIP_SECONDS, within any program's length) in ``folder``: made by one FFmpeg run the first
    time in this process, written from the bytes kept then after that."""
    video, poster, mp3 = folder / f"{index}.mp4", folder / f"{index}.jpg", folder / f"{index}.mp3"
    clip = Clip(
        video=video,
        poster=poster,
        track=mp3 if track else None,
        video_seconds=float(seconds),
        track_seconds=float(min(seconds, CLIP_SECONDS)) if track else None,
    )
    key = (index, title, seconds, track, font)
    if key not in _made:
        _encode(ffmpeg, clip, index, title, seconds=seconds, font=font)
        _made[key] = (video.read_bytes(), poster.read_bytes(), mp3.read_bytes() if track else None)
        return clip
    video_bytes, poster_bytes, track_bytes = _made[key]
    video.write_bytes(video_bytes)
    poster.write_bytes(poster_bytes)
    if track_bytes is not None:
        mp3.write_bytes(track_bytes)
    return clip


def _encode(
    ffmpeg: str, clip: Clip, index: int, title: str, *, seconds: float, font: str | None
) -> None:
    """One FFmpeg run that writes the clip's files."""
    rate = "10" if seconds <= 30 else "1/5"  # a long clip is a slide show: quick to make
    tone = 330 + 55 * index
    # The sound lasts CLIP_SECONDS at most (a long clip is silent after it): encoding minutes
    # of AAC would slow the demo down.
    arguments = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    arguments += [
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size={WIDTH}x{HEIGHT}:rate={rate}:duration={seconds}",
    ]
    arguments += [
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={tone}:sample_rate=44100:duration={min(seconds, CLIP_SECONDS)}",
    ]
    picture = "[0:v]"
    if font:
        text = clip.video.with_suffix(".txt")
        text.write_text(title, encoding="utf-8")
        picture += (
            f"drawtext=fontfile={font}:textfile={text}:fontsize=26:fontcolor=white:"
            "box=1:boxcolor=black@0.6:boxborderw=6:x=(w-tw)/2:y=h-th-14,"
        )
    arguments += ["-filter_complex", f"{picture}split[v][p]"]
    arguments += ["-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast"]
    arguments += ["-crf", "23", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    arguments += ["-movflags", "+faststart", "-f", "mp4", str(clip.video)]
    arguments += ["-map", "[p]", "-frames:v", "1", "-q:v", "3", "-update", "1", str(clip.poster)]
    if clip.track is not None:
        arguments += ["-map", "1:a", "-t", str(CLIP_SECONDS), "-af", LOUDNESS]
        arguments += ["-ar", "44100", "-ac", "2"]
        arguments += ["-c:a", "libmp3lame", "-b:a", "192k", "-f", "mp3", str(clip.track)]
    subprocess.run(arguments, check=True, capture_output=True, timeout=120)


def _stored(storage: Storage, folder: str, path: Path) -> str:
    key = new_key(folder, path.suffix)
    storage.put_file(key, path)
    return key


def _media(
    storage: Storage,
    program: Program,
    kind: MediaKind,
    path: Path,
    *,
    seconds: float,
    poster: Path | None,
    uploader: User | None,
    at: datetime,
) -> Media:
    # The original and the playable copy are one file here, stored twice as processing would.
    return Media(
        program_id=program.id,
        kind=kind,
        filename=f"{program.title}{path.suffix}",
        size=path.stat().st_size,
        original_key=_stored(storage, "originals", path),
        playable_key=_stored(storage, "playable", path),
        poster_key=_stored(storage, "posters", poster) if poster else None,
        status=MediaStatus.ready,
        duration_seconds=seconds,
        width=WIDTH if kind == MediaKind.video else None,
        height=HEIGHT if kind == MediaKind.video else None,
        uploaded_by_id=uploader.id if uploader else None,
        uploaded_at=at,
        processed_at=at + timedelta(minutes=2),
    )


def make_media(
    session: Session, *, festival: Festival, uploader_of: Callable[[Program], User | None]
) -> int:
    """The district festival's categories require media; each program gets its video and
    (but one) its track, uploaded by ``uploader_of(program)``. Returns how many were made."""
    categories = session.execute(
        select(Category).where(Category.festival_id == festival.id)
    ).scalars()
    for category in categories:
        category.requires_video = True
        category.requires_backing_track = category.name not in NO_BACKING_TRACK_REQUIRED
    programs = (
        session.execute(
            select(Program).where(Program.festival_id == festival.id).order_by(Program.id)
        )
        .scalars()
        .all()
    )
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    font = _font() if _has_drawtext(ffmpeg) else None
    storage = get_storage()
    folder = Path(tempfile.mkdtemp(prefix="festival-demo-media-"))
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            clips = list(
                pool.map(
                    lambda job: make_clip(
                        ffmpeg,
                        folder,
                        job[0],
                        job[1].title,
                        seconds=TOO_LONG_SECONDS if job[1].title == TOO_LONG else CLIP_SECONDS,
                        track=job[1].title != NO_TRACK,
                        font=font,
                    ),
                    enumerate(programs),
                )
            )
        made = 0
        for index, (program, clip) in enumerate(zip(programs, clips, strict=True)):
            at = UPLOADED_AT + timedelta(hours=index * 5)
            uploader = uploader_of(program)
            session.add(
                _media(
                    storage,
                    program,
                    MediaKind.video,
                    clip.video,
                    seconds=clip.video_seconds,
                    poster=clip.poster,
                    uploader=uploader,
                    at=at,
                )
            )
            made += 1
            if clip.track is not None:
                session.add(
                    _media(
                        storage,
                        program,
                        MediaKind.backing_track,
                        clip.track,
                        seconds=clip.track_seconds or 0,
                        poster=None,
                        uploader=uploader,
                        at=at + timedelta(minutes=10),
                    )
                )
                made += 1
        session.flush()
        return made
    finally:
        shutil.rmtree(folder, ignore_errors=True)
