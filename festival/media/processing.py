"""The "process_media" job: a program's uploaded file becomes what browsers play.

The original is fetched from storage into a temporary folder and probed with PyAV: it must be
readable video (a video stream that decodes) or audio (an audio stream that decodes), whatever
its name says; anything else (an HTML page, a program, a still image, a truncated file) ends
``failed`` with code ``not_media``. A video gets its duration, a poster (a JPEG frame at one
second, or a tenth in for a short clip) and a copy every browser and phone plays at once:
H.264 (libx264, veryfast, CRF 23, yuv420p) and AAC in an MP4 with the index first
(``+faststart``), scaled to fit 1280×720 (720×1280 upright), aspect kept, never enlarged. A
backing track gets its duration and an MP3 at one loudness (EBU R128: loudnorm to −16 LUFS,
true peak −1.5 dB), so one track is not much louder than the next. The outputs are stored
under new keys; the original stays for download.

FFmpeg is the imageio-ffmpeg wheel's binary, run with a timeout proportional to the duration;
its progress (``-progress pipe:1``) is written to ``Media.progress`` in short transactions of
their own. A failing FFmpeg marks the media ``failed`` (``processing_failed``) and harms
nothing else. Only the failure's code is stored for people (``Media.error_code``; the sentence
shown is rendered from it when read, in the reader's language: ``festival.media.status_text``);
``Media.error_message`` keeps an English technical detail for the operator.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import av
import imageio_ffmpeg
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from festival.core.clock import utcnow
from festival.jobs.queue import Progress, handler
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.storage import get_storage, new_key

log = logging.getLogger(__name__)

# Failure codes stored in Media.error_code; the sentence people read is rendered from the code
# when the media is shown (festival.media.status_text), in the reader's language.
NOT_MEDIA = "not_media"
PROCESSING_FAILED = "processing_failed"
MAX_WIDTH, MAX_HEIGHT = 1280, 720
LOUDNESS = "loudnorm=I=-16:TP=-1.5:LRA=11"
# Container formats FFmpeg reads from plain text or single images: never a recording.
NOT_RECORDING_FORMATS = {"tty", "ansi", "image2", "txt", "srt", "ass", "webvtt", "subviewer"}
DETAIL_MAX = 500  # Media.error_message's length
PROGRESS_EVERY_SECONDS = 1.0


class NotMedia(Exception):
    """The file is not readable video or audio of the kind expected."""


class FFmpegFailed(Exception):
    """FFmpeg exited with an error or ran past its time."""


@dataclass(frozen=True)
class Probe:
    duration: float
    width: int | None
    height: int | None
    has_audio: bool


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def _decodes(container, stream) -> bool:
    """Whether the stream yields at least one decoded frame."""
    try:
        for _frame in container.decode(stream):
            return True
    except av.FFmpegError:
        return False
    return False


def probe(path: Path, kind: MediaKind) -> Probe:
    """What the file is, read by FFmpeg's demuxers; NotMedia when it is no recording of
    ``kind`` (a video needs a picture, a track needs sound)."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)  # without the temporary path
        raise NotMedia(f"FFmpeg cannot read the file: {reason}") from error
    with container:
        format_names = set(container.format.name.split(","))
        if format_names & NOT_RECORDING_FORMATS or any(
            name.endswith("_pipe") for name in format_names
        ):
            raise NotMedia(f"the file is {container.format.name}, not a recording")
        videos = [s for s in container.streams.video if s.codec_context.width]
        audios = [s for s in container.streams.audio]
        if kind == MediaKind.video and not videos:
            raise NotMedia("the file has no video stream")
        if kind == MediaKind.backing_track and not audios:
            raise NotMedia("the file has no audio stream")
        duration = _duration(container)
        if not duration or duration <= 0:
            raise NotMedia("the file has no duration")
        main = videos[0] if kind == MediaKind.video else audios[0]
        if not _decodes(container, main):
            raise NotMedia("the file's stream does not decode")
        width = videos[0].codec_context.width if videos else None
        height = videos[0].codec_context.height if videos else None
        return Probe(duration, width, height, bool(audios))


def _duration(container) -> float | None:
    if container.duration:
        return container.duration / av.time_base
    lengths = [
        float(stream.duration * stream.time_base)
        for stream in container.streams
        if stream.duration and stream.time_base
    ]
    return max(lengths, default=None)


def _fit_filter() -> str:
    """Scale to fit 1280×720 (720×1280 for an upright picture), never up, even dimensions."""
    wide = f"if(gte(iw,ih),min({MAX_WIDTH},iw),min({MAX_HEIGHT},iw))"
    high = f"if(gte(iw,ih),min({MAX_HEIGHT},ih),min({MAX_WIDTH},ih))"
    return f"scale=w='{wide}':h='{high}':force_original_aspect_ratio=decrease:force_divisible_by=2"


def timeout_for(duration: float, *, per_second: float) -> float:
    """FFmpeg's time limit: a minute plus ``per_second`` seconds per second of input."""
    return 60.0 + per_second * duration


def run_ffmpeg(
    arguments: list[str],
    *,
    duration: float,
    timeout: float,
    on_progress=None,
) -> None:
    """Run FFmpeg with ``arguments`` (inputs, filters, outputs); report 0..100 from its
    ``-progress`` output against ``duration``; FFmpegFailed on an error or the timeout."""
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-y",
        "-progress",
        "pipe:1",
        *arguments,
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            for line in process.stdout:
                key, _, value = line.strip().partition("=")
                if key in ("out_time_us", "out_time_ms") and on_progress and duration > 0:
                    try:
                        done = int(value) / 1_000_000 / duration
                    except ValueError:
                        continue
                    on_progress(max(0, min(99, int(done * 100))))
            process.wait()
        except BaseException:
            process.kill()
            process.wait()
            raise
        finally:
            timer.cancel()
        if timed_out.is_set():
            raise FFmpegFailed(f"FFmpeg took longer than {timeout:.0f} s and was stopped")
        if process.returncode != 0:
            errors.seek(0)
            tail = deque(errors.read().decode("utf-8", "replace").splitlines(), maxlen=3)
            raise FFmpegFailed(f"FFmpeg exited with {process.returncode}: " + " | ".join(tail))


def make_poster(source: Path, target: Path, probe_: Probe) -> None:
    """A JPEG frame at one second in (a tenth of a short clip), fitted like the video."""
    at = min(1.0, probe_.duration / 10)
    for start in (at, 0.0):
        arguments = ["-ss", f"{start:.3f}", "-i", str(source), "-frames:v", "1"]
        arguments += ["-vf", _fit_filter(), "-q:v", "3", "-f", "image2", str(target)]
        run_ffmpeg(arguments, duration=0, timeout=timeout_for(probe_.duration, per_second=0.1))
        if target.exists() and target.stat().st_size > 0:
            return
    raise FFmpegFailed("FFmpeg made no poster frame")


def make_playable_video(source: Path, target: Path, probe_: Probe, on_progress) -> None:
    arguments = ["-i", str(source), "-map", "0:v:0", "-map", "0:a:0?", "-sn", "-dn"]
    arguments += ["-vf", _fit_filter(), "-fpsmax", "30"]
    arguments += ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p"]
    arguments += ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]
    arguments += ["-movflags", "+faststart", "-f", "mp4", str(target)]
    run_ffmpeg(
        arguments,
        duration=probe_.duration,
        timeout=timeout_for(probe_.duration, per_second=10),
        on_progress=on_progress,
    )


def make_playable_track(source: Path, target: Path, probe_: Probe, on_progress) -> None:
    arguments = ["-i", str(source), "-map", "0:a:0", "-vn", "-sn", "-dn", "-af", LOUDNESS]
    arguments += ["-ar", "44100", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "192k"]
    arguments += ["-f", "mp3", str(target)]
    run_ffmpeg(
        arguments,
        duration=probe_.duration,
        timeout=timeout_for(probe_.duration, per_second=3),
        on_progress=on_progress,
    )


def _dimensions(path: Path) -> tuple[int | None, int | None]:
    with av.open(str(path)) as container:
        if not container.streams.video:
            return None, None
        context = container.streams.video[0].codec_context
        return context.width, context.height


def _write_progress(session: Session, media_id: int, percent: int) -> None:
    """Progress in a short transaction of its own, so that pages see it while FFmpeg runs."""
    with Session(session.get_bind()) as writer:
        writer.execute(
            update(Media)
            .where(Media.id == media_id, Media.status == MediaStatus.processing)
            .values(progress=percent)
        )
        writer.commit()


def _current(session: Session, media_id: int, original_key: str) -> Media | None:
    """The media row again, unless it was deleted or replaced meanwhile."""
    media = session.execute(
        select(Media)
        .where(Media.id == media_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if media is None or media.original_key != original_key:
        return None
    return media


def _mark_failed(session: Session, media: Media, code: str, detail: str, now: datetime) -> None:
    media.status = MediaStatus.failed
    media.error_code = code
    media.error_message = detail[:DETAIL_MAX]
    media.progress = None
    media.processed_at = now
    session.flush()


def _on_job_failed(session: Session, payload: dict, error: str) -> None:
    """The job gave up after its attempts: the media is marked failed, not left processing."""
    media = session.get(Media, payload.get("media_id"))
    if media is not None and media.status == MediaStatus.processing:
        _mark_failed(session, media, PROCESSING_FAILED, error, utcnow())


@handler("process_media", on_failure=_on_job_failed)
def process_media(session: Session, payload: dict, progress: Progress) -> None:
    """Probe the media's original and make its playable copy (and a video's poster); the
    media ends ``ready`` or ``failed`` with a code. The worker commits what this flushes."""
    media_id = payload["media_id"]
    media = session.get(Media, media_id)
    if media is None or media.status != MediaStatus.processing:
        session.commit()
        return  # deleted or replaced since, or done by an earlier attempt
    kind, original_key = media.kind, media.original_key
    media.progress = 0
    session.commit()  # no transaction stays open while FFmpeg works

    storage = get_storage()
    last = {"percent": -1, "at": 0.0}

    def report(percent: int) -> None:
        progress(percent)  # raises when this worker lost the job
        moment = time.monotonic()
        if percent != last["percent"] and (
            moment - last["at"] >= PROGRESS_EVERY_SECONDS or percent >= 99
        ):
            _write_progress(session, media_id, percent)
            last.update(percent=percent, at=moment)

    with tempfile.TemporaryDirectory(prefix="festival-media-") as folder:
        work = Path(folder)
        original = work / "original"
        storage.fetch_to(original_key, original)
        outputs: dict[str, Path] = {}
        failure: tuple[str, str] | None = None
        found: Probe | None = None
        try:
            found = probe(original, kind)
            if kind == MediaKind.video:
                outputs["poster"] = work / "poster.jpg"
                make_poster(original, outputs["poster"], found)
                outputs["playable"] = work / "playable.mp4"
                make_playable_video(original, outputs["playable"], found, report)
            else:
                outputs["playable"] = work / "playable.mp3"
                make_playable_track(original, outputs["playable"], found, report)
        except NotMedia as error:
            failure = (NOT_MEDIA, str(error))
        except FFmpegFailed as error:
            failure = (PROCESSING_FAILED, str(error))
        if failure is not None:
            log.info("media %s failed: %s", media_id, failure[1])
            media = _current(session, media_id, original_key)
            if media is not None:
                _mark_failed(session, media, *failure, utcnow())
            return

        width, height = _dimensions(outputs["playable"]) if kind == MediaKind.video else (None,) * 2
        keys = {
            name: new_key("media", ".jpg" if name == "poster" else path.suffix)
            for name, path in outputs.items()
        }
        for name, path in outputs.items():
            storage.put_file(keys[name], path)

    media = _current(session, media_id, original_key)
    if media is None:  # deleted or replaced while FFmpeg worked: nothing of ours stays
        for key in keys.values():
            storage.delete(key)
        return
    media.playable_key = keys["playable"]
    media.poster_key = keys.get("poster")
    media.duration_seconds = round(found.duration, 3)
    media.width, media.height = width, height
    media.status = MediaStatus.ready
    media.progress = 100
    media.error_code = media.error_message = None
    media.processed_at = utcnow()
    session.flush()
