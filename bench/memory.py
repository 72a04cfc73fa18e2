"""The import's memory, measured in a process of its own: ``python -m bench.memory
--festival-id ID --username ORGANIZER FILE.xlsx`` imports the members of FILE into the
festival's troupes (then rolls back) and prints one JSON line: the resident memory before,
the peak after (VmHWM, reset first, where Linux has them; else ``ru_maxrss``), their
difference in MB, the rows and problems."""

import argparse
import gc
import json
import resource
import sys
import time
from pathlib import Path


def status_mb(field: str, pid: int | str = "self") -> float | None:
    """A size from /proc/<pid>/status (Linux; this process by default), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 2**10
    except (OSError, ValueError, IndexError):
        pass
    return None


def rusage_peak_mb() -> float:
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / (2**20 if sys.platform == "darwin" else 2**10)


def resident_mb() -> float:
    """The resident memory now (VmRSS), or the peak so far where /proc is missing."""
    now = status_mb("VmRSS")
    return rusage_peak_mb() if now is None else now


def peak_mb() -> float:
    """The peak resident memory of this process's own image (VmHWM). ru_maxrss would do on
    its own, but Linux carries it over from the parent across fork and exec: a child of the
    benchmark would report the benchmark's own peak."""
    peak = status_mb("VmHWM")
    return rusage_peak_mb() if peak is None else peak


def reset_peak() -> bool:
    """Forget the peak so far (Linux: clear_refs 5 resets VmHWM), so that starting up and
    opening the database do not count as the import."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory")
    parser.add_argument("--festival-id", type=int, required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    import openpyxl  # noqa: F401  (the reader's code is not the import's data)
    from sqlalchemy import select

    from festival import create_app
    from festival.accounts.models import User
    from festival.core.clock import utcnow
    from festival.db import db
    from festival.festivals.models import Festival
    from festival.imports import reading, services
    from festival.imports.columns import map_rows

    app = create_app()
    with app.app_context():
        festival = db.session.get(Festival, args.festival_id)
        actor = db.session.execute(select(User).where(User.username == args.username)).scalar_one()
        gc.collect()
        peak_before = peak_mb()
        was_reset = reset_peak()
        baseline = resident_mb()
        started = time.perf_counter()
        sheet = reading.read_spreadsheet(args.file.read_bytes(), args.file.name)
        rows, problems = map_rows("members", sheet.header, sheet.header_row, sheet.rows)
        if not problems:
            result = services.import_rows(
                db.session, festival=festival, kind="members", rows=rows, actor=actor, now=utcnow()
            )
            problems = result.problems
        seconds = time.perf_counter() - started
        peak = peak_mb()
        db.session.rollback()
    print(
        json.dumps(
            {
                "rows": len(rows),
                "problems": [f"{p.row} {p.column}: {p.message}" for p in problems][:20],
                "seconds": round(seconds, 2),
                "baseline_mb": round(baseline, 1),
                "peak_before_mb": round(peak_before, 1),
                "peak_reset": was_reset,
                "ru_maxrss_mb": round(rusage_peak_mb(), 1),
                "peak_mb": round(peak, 1),
                # Without a reset, the peak may predate the import: count only what lies above both.
                "growth_mb": round(
                    peak - (baseline if was_reset else max(baseline, peak_before)), 1
                ),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
