"""The "process_media" job run by a worker (service tests): a short clip becomes a poster and
an H.264/AAC MP4 with the index first, at most 1280×720 with its aspect kept; a track becomes
an MP3 near −16 LUFS; a text file named .mp4 and a truncated video end failed, ``not_media``;
a failing FFmpeg ends failed, ``processing_failed``, and harms nothing else."""

import json
import re
import subprocess
from pathlib import Path

import av
import imageio_ffmpeg
import pytest

from festival.db import db
from festival.jobs.models import Job, JobStatus
from festival.jobs.queue import enqueue
from festival.jobs.worker import Worker
from festival.media import processing
from festival.media.models import Media, MediaKind, MediaStatus
from festival.media.status_text import media_error_message
from festival.media.storage import new_key
from tests import factories

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg(*arguments: str) -> None:
    subprocess.run([FFMPEG, "-v", "error", "-y", *arguments], check=True, timeout=120)


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    """Tiny inputs made once: a 2 s 640×360 clip with sound, a 2 s 1920×1080 one at 2 frames
    a second, a quiet 4 s tone, a text file and a truncated video."""
    folder = tmp_path_factory.mktemp("clips")
    made = {name: folder / name for name in ("small.mp4", "big.mp4", "quiet.wav")}
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=640x360:rate=10"),
        *("-f", "lavfi", "-i", "sine=frequency=440", "-t", "2"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", str(made["small.mp4"])),
    )
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=1920x1080:rate=2", "-t", "2"),
        *("-c:v", "libx264", "-preset", "ultrafast", str(made["big.mp4"])),
    )
    _ffmpeg(
        *("-f", "lavfi", "-i", "sine=frequency=330:duration=4"),
        *("-af", "volume=-24dB", str(made["quiet.wav"])),
    )
    made["page.mp4"] = folder / "page.mp4"
    made["page.mp4"].write_text("<!doctype html><html><body><h1>Not a video</h1></body></html>\n")
    made["truncated.mp4"] = folder / "truncated.mp4"
    whole = made["small.mp4"].read_bytes()
    made["truncated.mp4"].write_bytes(whole[: len(whole) // 3])
    return made


@pytest.fixture
def program(session):
    festival = factories.make_festival(session)
    return factories.make_program(session, festival=festival)


@pytest.fixture
def upload(session, storage, program):
    """Store ``path`` as the program's media of ``kind``, queue its processing, commit."""

    def store(path: Path, kind: MediaKind = MediaKind.video) -> int:
        key = new_key("originals", "")
        storage.put_file(key, path)
        media = Media(
            program_id=program.id,
            kind=kind,
            filename=path.name,
            size=path.stat().st_size,
            original_key=key,
            status=MediaStatus.processing,
            uploaded_at=factories.NOW,
        )
        session.add(media)
        session.flush()
        enqueue(session, "process_media", {"media_id": media.id}, now=factories.NOW)
        session.commit()
        return media.id

    return store


def _process() -> None:
    Worker(name="test-worker").run(once=True)


def _media(media_id: int) -> Media:
    db.session.expire_all()
    return db.session.get(Media, media_id)


def _top_level_boxes(data: bytes) -> list[str]:
    boxes, at = [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        boxes.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return boxes


def _fetched(storage, key: str, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    storage.fetch_to(key, path)
    return path


def test_a_clip_becomes_a_poster_and_an_h264_aac_mp4_that_starts_at_once(
    storage, upload, clips, tmp_path
):
    media_id = upload(clips["small.mp4"])
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.ready, media.error_message
    assert media.duration_seconds == pytest.approx(2.0, abs=0.15)
    assert (media.width, media.height) == (640, 360)
    assert media.progress == 100 and media.processed_at is not None
    assert media.error_code is None and media.error_message is None
    assert media.original_key not in (media.playable_key, media.poster_key)
    assert storage.size(media.original_key) == clips["small.mp4"].stat().st_size  # kept

    poster = _fetched(storage, media.poster_key, tmp_path, "poster")
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
    playable = _fetched(storage, media.playable_key, tmp_path, "playable")
    boxes = _top_level_boxes(playable.read_bytes())
    assert boxes.index("moov") < boxes.index("mdat")  # +faststart: plays before it all loads
    with av.open(str(playable)) as container:
        assert "mp4" in container.format.name
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert audio.codec_context.name == "aac"
        assert container.duration / av.time_base == pytest.approx(2.0, abs=0.2)
    job = db.session.query(Job).one()
    assert (job.status, job.attempts) == (JobStatus.done, 1)


def test_a_1920x1080_video_is_scaled_to_1280x720_with_its_aspect_kept(
    storage, upload, clips, tmp_path
):
    media_id = upload(clips["big.mp4"])
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.ready, media.error_message
    assert (media.width, media.height) == (1280, 720)
    playable = _fetched(storage, media.playable_key, tmp_path, "playable")
    with av.open(str(playable)) as container:
        context = container.streams.video[0].codec_context
        assert (context.width, context.height) == (1280, 720)
        assert context.width / context.height == pytest.approx(1920 / 1080, rel=0.01)


def test_the_fit_keeps_upright_and_small_pictures_within_bounds_and_even(tmp_path):
    source = tmp_path / "upright.mp4"
    _ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=1081x1921:rate=1", "-t", "1"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", str(source)),
    )
    target = tmp_path / "out.mp4"
    found = processing.probe(source, MediaKind.video)
    processing.make_playable_video(source, target, found, lambda _percent: None)
    with av.open(str(target)) as container:
        context = container.streams.video[0].codec_context
        width, height = context.width, context.height
    assert height <= 1280 and width <= 720
    assert width % 2 == 0 and height % 2 == 0
    assert width / height == pytest.approx(1081 / 1921, rel=0.01)


def _integrated_loudness(path: Path) -> float:
    result = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(path)]
        + ["-af", "loudnorm=print_format=json", "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    measured = json.loads(re.search(r"\{[^{}]*\}", result.stderr).group(0))
    return float(measured["input_i"])


def test_a_backing_track_becomes_an_mp3_at_minus_16_lufs(storage, upload, clips, tmp_path):
    assert _integrated_loudness(clips["quiet.wav"]) < -25  # quiet to begin with
    media_id = upload(clips["quiet.wav"], MediaKind.backing_track)
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.ready, media.error_message
    assert media.duration_seconds == pytest.approx(4.0, abs=0.15)
    assert (media.width, media.height, media.poster_key) == (None, None, None)
    playable = _fetched(storage, media.playable_key, tmp_path, "track")
    with av.open(str(playable)) as container:
        assert container.format.name == "mp3"
        assert container.streams.audio[0].codec_context.name in ("mp3", "mp3float")
        assert not container.streams.video
    assert _integrated_loudness(playable) == pytest.approx(-16, abs=1.5)


def test_a_video_with_sound_serves_as_a_backing_track(storage, upload, clips):
    media_id = upload(clips["small.mp4"], MediaKind.backing_track)
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.ready, media.error_message
    assert media.playable_key.endswith(".mp3")


@pytest.mark.parametrize(
    ("clip", "kind"),
    [
        ("page.mp4", MediaKind.video),
        ("truncated.mp4", MediaKind.video),
        ("page.mp4", MediaKind.backing_track),
        ("big.mp4", MediaKind.backing_track),  # a picture without sound
        ("quiet.wav", MediaKind.video),  # sound without a picture
    ],
)
def test_a_file_that_is_not_such_a_recording_fails_as_not_media(
    storage, upload, clips, english_messages, clip, kind
):
    media_id = upload(clips[clip], kind)
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.failed
    assert media.error_code == "not_media"
    assert media.playable_key is None and media.poster_key is None
    assert media.progress is None
    message = media_error_message(media.error_code)  # what people read, from the code
    assert "not a video or audio file" in message
    assert db.session.query(Job).one().status == JobStatus.done  # settled, not retried


def test_an_executable_fails_as_not_media(storage, upload, tmp_path):
    program_file = tmp_path / "video.mp4"
    program_file.write_bytes(Path("/bin/true").read_bytes())
    media_id = upload(program_file)
    _process()
    assert _media(media_id).error_code == "not_media"


def test_a_failing_ffmpeg_fails_the_media_and_nothing_else(
    storage, upload, clips, monkeypatch, english_messages, tmp_path
):
    ready_id = upload(clips["quiet.wav"], MediaKind.backing_track)
    _process()
    ready = _media(ready_id)
    before = (ready.status, ready.playable_key, storage.size(ready.playable_key))
    failing = tmp_path / "failing-ffmpeg"
    failing.write_text("#!/bin/sh\necho 'Conversion failed!' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setattr(processing, "ffmpeg_exe", lambda: str(failing))
    media_id = upload(clips["small.mp4"])
    _process()
    media = _media(media_id)
    assert media.status == MediaStatus.failed
    assert media.error_code == "processing_failed"
    assert "Conversion failed!" in media.error_message
    assert "could not be prepared" in media_error_message(media.error_code)
    again = _media(ready_id)
    assert (again.status, again.playable_key, storage.size(again.playable_key)) == before


def test_progress_is_written_while_ffmpeg_runs(storage, upload, clips, monkeypatch):
    written: list[int] = []
    original = processing._write_progress

    def noting(session, media_id, percent):
        original(session, media_id, percent)
        written.append(percent)

    monkeypatch.setattr(processing, "_write_progress", noting)
    monkeypatch.setattr(processing, "PROGRESS_EVERY_SECONDS", 0.0)
    media_id = upload(clips["small.mp4"])
    _process()
    assert written and all(0 <= percent <= 99 for percent in written)
    assert written == sorted(written)
    assert _media(media_id).progress == 100


def test_a_media_deleted_before_its_job_runs_leaves_the_job_done(session, storage, upload, clips):
    media_id = upload(clips["small.mp4"])
    session.delete(session.get(Media, media_id))
    session.commit()
    _process()
    assert db.session.query(Job).one().status == JobStatus.done


def test_a_job_that_fails_for_good_marks_its_media_failed(session, storage, upload, clips):
    media_id = upload(clips["small.mp4"])
    storage.delete(_media(media_id).original_key)  # the original is gone: every attempt fails
    job = db.session.query(Job).one()
    job.max_attempts = 1
    session.commit()
    _process()
    media = _media(media_id)
    assert db.session.query(Job).one().status == JobStatus.failed
    assert (media.status, media.error_code) == (MediaStatus.failed, "processing_failed")
