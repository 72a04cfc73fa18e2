"""Media processing's part of the benchmark (issue 25): seconds of processing per minute of
720p video. A 20 s 1280×720 30 fps test clip with sound is generated (not timed), then probed,
given a poster and transcoded exactly as the "process_media" job does (H.264 veryfast CRF 23 +
AAC, faststart); the time is extrapolated to a minute. A 20 s track's MP3 at one loudness is
timed the same way. ``python -m bench.processing`` prints JSON."""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLIP_SECONDS = 20


def _generate(folder: Path) -> tuple[Path, Path]:
    from festival.media.processing import ffmpeg_exe

    video, track = folder / "clip.mp4", folder / "track.wav"
    base = [ffmpeg_exe(), "-v", "error", "-y"]
    subprocess.run(
        base
        + ["-f", "lavfi", "-i", "testsrc=size=1280x720:rate=30"]
        + ["-f", "lavfi", "-i", "sine=frequency=440", "-t", str(CLIP_SECONDS)]
        + ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-c:a", "aac", str(video)],
        check=True,
    )
    subprocess.run(
        base
        + ["-f", "lavfi", "-i", f"sine=frequency=330:duration={CLIP_SECONDS}"]
        + ["-af", "volume=-20dB", str(track)],
        check=True,
    )
    return video, track


def measure() -> dict:
    from festival.media.models import MediaKind
    from festival.media.processing import (
        make_playable_track,
        make_playable_video,
        make_poster,
        probe,
    )

    with tempfile.TemporaryDirectory(prefix="festival-bench-processing-") as name:
        folder = Path(name)
        video, track = _generate(folder)

        started = time.perf_counter()
        found = probe(video, MediaKind.video)
        make_poster(video, folder / "poster.jpg", found)
        make_playable_video(video, folder / "playable.mp4", found, lambda _percent: None)
        video_seconds = time.perf_counter() - started

        started = time.perf_counter()
        found_track = probe(track, MediaKind.backing_track)
        make_playable_track(track, folder / "playable.mp3", found_track, lambda _percent: None)
        track_seconds = time.perf_counter() - started

    per_minute = 60 / found.duration
    return {
        "clip": f"{CLIP_SECONDS} s 1280x720 30 fps testsrc + AAC",
        "cpus": os.cpu_count(),
        "video_processing_seconds": round(video_seconds, 2),
        "seconds_per_minute_of_720p_video": round(video_seconds * per_minute, 1),
        "track_processing_seconds": round(track_seconds, 2),
        "seconds_per_minute_of_track": round(track_seconds * 60 / found_track.duration, 2),
    }


def main() -> int:
    print(json.dumps(measure(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
