"""Media serving's part of the benchmark (issue 25): the time to the first byte of a Range
request for a large stored video (a 200 MB sparse file in local storage), through the test
client, from the signed address to the first piece of the body. ``python -m bench.media``
prints JSON; the target is FIRST_BYTE_LIMIT_MS at the median."""

import json
import os
import statistics
import time

from flask import Flask

FIRST_BYTE_LIMIT_MS = 50
FILE_BYTES = 200 * 1000 * 1000


def _stored_video(app: Flask, program_id: int) -> tuple[str, int]:
    """A ready video of ``program_id`` whose playable copy is a sparse 200 MB file: its signed
    playback address and its size."""
    from bench.media_world import ready_media
    from festival.db import db
    from festival.media.models import MediaKind
    from festival.media.signing import media_url
    from festival.media.storage import LocalStorage, get_storage, new_key

    with app.app_context(), app.test_request_context():
        storage = get_storage()
        assert isinstance(storage, LocalStorage)
        key = new_key("media/playable", ".mp4")
        path = storage.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as file:
            file.truncate(FILE_BYTES)  # sparse: no 200 MB written to the disk
        media = ready_media(program_id, MediaKind.video, "bench.mp4", key=key, size=FILE_BYTES)
        db.session.add(media)
        db.session.commit()
        url = media_url(media, "playback")
        db.session.remove()
    return url, FILE_BYTES


def first_byte_timings(app: Flask, url: str, size: int, *, runs: int = 30) -> dict:
    """Milliseconds from the request to the first body piece of ``Range`` requests spread over
    the file (median, 95th percentile, worst), after two warm-up requests."""
    client = app.test_client()
    starts = [(index * 7_919_993) % (size - 2_000_000) for index in range(runs + 2)]
    timings = []
    for index, start in enumerate(starts):
        began = time.perf_counter()
        response = client.get(
            url, headers={"Range": f"bytes={start}-{start + 1_999_999}"}, buffered=False
        )
        first = next(iter(response.response))
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 206 and first, response.status_code
        response.close()
        if index >= 2:
            timings.append(elapsed)
    timings.sort()
    return {
        "file_mb": round(size / 1e6),
        "runs": runs,
        "first_byte_median_ms": round(statistics.median(timings), 2),
        "first_byte_p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "first_byte_max_ms": round(timings[-1], 2),
        "limit_ms": FIRST_BYTE_LIMIT_MS,
        "ok": statistics.median(timings) <= FIRST_BYTE_LIMIT_MS,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.media``: a small world in a scratch SQLite file (or DATABASE_URL, a
    database whose name contains 'bench'), one 200 MB video, its first-byte timings."""
    import argparse

    from bench.media_world import a_program_id, media_world

    parser = argparse.ArgumentParser(prog="python -m bench.media", description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    with media_world("media", 20, database_url=os.environ.get("DATABASE_URL")) as scratch:
        playback, size = _stored_video(scratch.app, a_program_id(scratch.app))
        print(json.dumps(first_byte_timings(scratch.app, playback, size, runs=args.runs), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
