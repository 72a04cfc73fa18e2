"""The sound desk's ZIP (issue 25): 100 backing tracks of about 1 MB each in a scratch local
storage, zipped in running order and streamed through the test client as the organizer
downloads it; the process's peak memory growth while it streams (VmHWM after a reset, see
``bench.memory``) and the time. ``python -m bench.zips`` prints one JSON line; the target is
memory that stays bounded (GROWTH_LIMIT_MB) whatever the ZIP's size."""

import argparse
import gc
import json
import os
import time

GROWTH_LIMIT_MB = 50
TRACK_BYTES = 1_000_000


def _track_bytes(index: int) -> bytes:
    """About 1 MB that differs from track to track (and does not compress away)."""
    return (index.to_bytes(4, "big") + os.urandom(4092)) * (TRACK_BYTES // 4096)


def main(argv: list[str] | None = None) -> int:
    from bench.media_world import media_world
    from bench.memory import peak_mb, reset_peak, resident_mb
    from bench.run import Visitors

    parser = argparse.ArgumentParser(prog="python -m bench.zips", description=__doc__)
    parser.add_argument("--tracks", type=int, default=100)
    args = parser.parse_args(argv)
    with media_world("zips", args.tracks, database_url=None) as scratch:
        app, world = scratch.app, scratch.world
        stored = _store_tracks(app, world.round_id)
        client = Visitors(app, world).clients["organizer"]
        gc.collect()
        reset_peak()
        before = resident_mb()
        started = time.perf_counter()
        response = client.get(f"/rounds/{world.round_id}/tracks.zip", buffered=False)
        first_byte = None
        total = 0
        for chunk in response.response:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            total += len(chunk)
        response.close()
        elapsed = time.perf_counter() - started
        growth = max(0.0, peak_mb() - before)
        print(
            json.dumps(
                {
                    "bench": "zips",
                    "status": response.status_code,
                    "tracks": stored,
                    "zip_mb": round(total / 1e6, 1),
                    "seconds": round(elapsed, 2),
                    "first_byte_ms": round((first_byte or 0) * 1000, 1),
                    "mb_per_second": round(total / 1e6 / elapsed, 1) if elapsed else None,
                    "memory_growth_mb": round(growth, 1),
                    "target_mb": GROWTH_LIMIT_MB,
                    "within_target": growth <= GROWTH_LIMIT_MB,
                }
            )
        )
        return 0 if response.status_code == 200 else 1


def _store_tracks(app, round_id: int) -> int:
    """A ready backing track of ~1 MB for every program of the round."""
    from sqlalchemy import select

    from bench.media_world import ready_media
    from festival.db import db
    from festival.judging.models import RoundEntry
    from festival.media.models import MediaKind
    from festival.media.storage import get_storage, new_key

    with app.app_context():
        storage = get_storage()
        program_ids = db.session.execute(
            select(RoundEntry.program_id).where(RoundEntry.round_id == round_id)
        ).scalars()
        made = 0
        for index, program_id in enumerate(program_ids):
            key = new_key("playable", ".mp3")
            size = storage.append(key, 0, [_track_bytes(index)])
            db.session.add(
                ready_media(
                    program_id,
                    MediaKind.backing_track,
                    "track.mp3",
                    key=key,
                    size=size,
                    duration_seconds=180.0,
                )
            )
            made += 1
        db.session.commit()
        db.session.remove()
    return made


if __name__ == "__main__":
    raise SystemExit(main())
