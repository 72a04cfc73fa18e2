"""The year in review's part of the benchmark (issue 24): ``review.figures.year_in_review`` of
the province whose festival of the year holds the world's programs (10,000 in the large
world), called in the process on a fresh session each time (nothing cached between runs),
its SQL statements counted. The small and the large world are measured in turn, so that
whatever else the machine does weighs on both alike."""

import gc
import statistics
import time

from flask import Flask
from sqlalchemy import select

from bench.data import BenchWorld
from bench.run import QueryCounter, percentile

REVIEW_LIMIT_MS = 300
REVIEW_YEAR = 2026  # the year of the world's large festival (bench.data)


def _province_id(app: Flask, world: BenchWorld) -> int:
    from festival.accounts.models import Organization
    from festival.db import db

    with app.app_context():
        found = db.session.execute(
            select(Organization.id).where(Organization.name == world.province_name)
        ).scalar_one()
        db.session.remove()
    return found


def _once(app: Flask, organization_id: int) -> tuple[float, int, int]:
    """One call on a fresh session: milliseconds, statements, programs counted."""
    from festival.db import db
    from festival.review.figures import year_in_review

    with app.app_context():
        counter = QueryCounter(db.engine)
        try:
            started = time.perf_counter()
            review = year_in_review(db.session, organization_id=organization_id, year=REVIEW_YEAR)
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            counter.close()
            db.session.remove()
    return elapsed, counter.count, review.programs.prepared


def year_review_timings(
    worlds: list[tuple[int, Flask, BenchWorld]], *, runs: int, warmups: int, budget: float
) -> dict[str, dict]:
    """Per world (by its scale): the median and 95th percentile of ``runs`` calls (at least
    five; fewer when they would take longer than ``budget`` seconds), the statements of one
    call and the programs it counted."""
    ids = {scale: _province_id(app, world) for scale, app, world in worlds}
    for _ in range(max(1, warmups)):
        for scale, app, _world in worlds:
            _once(app, ids[scale])
    gc.collect()
    times: dict[int, list[float]] = {scale: [] for scale, _app, _world in worlds}
    statements: dict[int, set[int]] = {scale: set() for scale, _app, _world in worlds}
    programs: dict[int, int] = {}
    started = time.perf_counter()
    for number in range(runs):
        order = worlds if number % 2 == 0 else list(reversed(worlds))
        for scale, app, _world in order:
            elapsed, count, prepared = _once(app, ids[scale])
            times[scale].append(elapsed)
            statements[scale].add(count)
            programs[scale] = prepared
        if number >= 4 and time.perf_counter() - started > budget:
            break
    result = {}
    for scale, measured in times.items():
        result[str(scale)] = {
            "median_ms": round(statistics.median(measured), 2),
            "p95_ms": round(percentile(measured, 0.95), 2),
            "queries": max(statements[scale]),
            "runs": len(measured),
            "programs": programs[scale],
        }
        print(
            f"  year_in_review {scale:>6}  median {result[str(scale)]['median_ms']:9.2f} ms  "
            f"p95 {result[str(scale)]['p95_ms']:9.2f} ms  {result[str(scale)]['queries']:3d} "
            f"queries  {len(measured):2d} runs  ({programs[scale]} programs)",
            flush=True,
        )
    return result
