"""Feeds at scale (issue 22): a festival's public calendar feed at 500, 5,000 and 10,000
events, through the real application (Flask's test client), on the benchmark's database.

For each size a festival of the large world's organisation gets that many public events (one
in ten a weekly series of ten sessions with one cancelled and one moved), and then:
- the first fetch, which renders every event and keeps their texts;
- a poll answered 304 (If-None-Match, plain and gzip), the SQL queries it costs;
- a warm full fetch, plain and with ``Accept-Encoding: gzip``, and both sizes;
- one change (``PATCH /api/v1/events/{id}``, the organizer's bearer token) and the next
  full fetch, which renders that event alone.
"""

import gzip
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bench.data import BenchWorld

SIZES = (500, 5_000, 10_000)
POLLS = 200
FETCHES = 40
CHANGES = 15
MIDDLE = 5_000  # the size the absolute targets are stated for
POLL_GROWTH_LIMIT = 1.1
GZIP_FETCH_LIMIT_MS = 3.0
CHANGE_LIMIT_MS = 100.0
GZIP_SHARE_LIMIT = 0.25
EPOCH = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
GZIP = {"Accept-Encoding": "gzip"}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _festival_with_events(app, world: BenchWorld, size: int) -> tuple[str, list[int]]:
    """A festival open to the public with ``size`` public events, written in bulk: its slug
    and the ids of its one-off events."""
    from sqlalchemy import insert, select

    from festival.db import db
    from festival.festivals.models import Festival, FestivalStatus
    from festival.schedules.models import Event, EventCancellation, EventOverride

    with app.app_context():
        organization_id = db.session.get(Festival, world.festival_id).organization_id
        festival = Festival(
            name=f"基准日历{size}场",
            slug=f"bench-feed-{size}",
            level="district",
            organization_id=organization_id,
            year=2027,
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 12, 31),
            submission_deadline=EPOCH,
            timezone="Asia/Shanghai",
            status=FestivalStatus.open,
            created_at=EPOCH,
            updated_at=EPOCH,
        )
        db.session.add(festival)
        db.session.flush()
        rows = []
        for number in range(size):
            starts = EPOCH + timedelta(hours=7 * number)
            series = number % 10 == 0
            rows.append(
                {
                    "uid": f"bench-feed-{size}-{number}@bench.invalid",
                    "festival_id": festival.id,
                    "title": f"第{number + 1}场 老年文艺展演《夕阳红》",
                    "kind": "performance" if number % 3 else "rehearsal",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "timezone": "Asia/Shanghai",
                    "location": f"通州区第{number % 40 + 1}文化站 多功能厅",
                    "notes": "请提前半小时到场候场，带好服装、道具和伴奏U盘。",
                    "is_public": True,
                    "rrule": "FREQ=WEEKLY;COUNT=10" if series else None,
                    "series_ends_at": starts + timedelta(hours=2, weeks=9 if series else 0),
                    "sequence": 0,
                    "created_at": EPOCH - timedelta(days=30),
                    "updated_at": EPOCH - timedelta(days=30),
                }
            )
        db.session.execute(insert(Event), rows)
        events = db.session.execute(
            select(Event.id, Event.starts_at, Event.rrule).where(Event.festival_id == festival.id)
        ).all()
        cancellations, overrides = [], []
        for event_id, starts_at, rule in events:
            if rule:
                cancellations.append(
                    {
                        "event_id": event_id,
                        "occurrence_at": starts_at + timedelta(weeks=2),
                        "created_at": EPOCH,
                    }
                )
                moved = starts_at + timedelta(weeks=3)
                overrides.append(
                    {
                        "event_id": event_id,
                        "occurrence_at": moved,
                        "starts_at": moved + timedelta(hours=5),
                        "ends_at": moved + timedelta(hours=7),
                        "title": None,
                        "location": None,
                        "sequence": 0,
                        "updated_at": EPOCH,
                    }
                )
        if cancellations:
            db.session.execute(insert(EventCancellation), cancellations)
            db.session.execute(insert(EventOverride), overrides)
        db.session.commit()
        slug = festival.slug
        singles = [event_id for event_id, _starts, rule in events if not rule]
        db.session.remove()
    return slug, singles


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def _expect(response, status: int, what: str) -> None:
    if response.status_code != status:
        raise RuntimeError(f"{what} answered {response.status_code}, not {status}")


@dataclass
class _Feed:
    """One size's feed, as the measurements go round the sizes."""

    size: int
    url: str
    singles: list[int]
    etag: str
    gz_etag: str
    plain: bytes
    compressed: bytes
    first_ms: float
    times: dict[str, list[float]] = field(default_factory=dict)
    queries: dict[str, set[int]] = field(default_factory=dict)


def _made(app, client, world: BenchWorld, size: int) -> _Feed:
    slug, singles = _festival_with_events(app, world, size)
    url = f"/festivals/{slug}/calendar.ics"
    first_ms, response = _timed(lambda: client.get(url))
    _expect(response, 200, "the first fetch")
    plain, etag = response.data, response.headers["ETag"]
    response = client.get(url, headers=GZIP)
    _expect(response, 200, "the gzip fetch")
    if gzip.decompress(response.data) != plain:
        raise RuntimeError("the gzip copy is not the plain bytes")
    return _Feed(size, url, singles, etag, response.headers["ETag"], plain, response.data, first_ms)


def _round_robin(feeds: list[_Feed], client, counter, name: str, runs: int, request) -> None:
    """``runs`` requests of each feed, the sizes in turn (alternating order), so that whatever
    else the machine does weighs on every size alike."""
    for feed in feeds:
        for _ in range(3):
            request(feed)
        feed.times[name], feed.queries[name] = [], set()
    for number in range(runs):
        for feed in feeds if number % 2 == 0 else reversed(feeds):
            counter.count = 0
            elapsed, _answer = _timed(lambda feed=feed: request(feed))
            feed.times[name].append(elapsed)
            feed.queries[name].add(counter.count)


def feeds_at_scale(app, visitors, counter, world: BenchWorld, sizes=SIZES) -> dict:
    """The figures at each size, and the growth of a 304 from the smallest to the largest."""
    client = app.test_client()
    feeds = []
    for size in sizes:
        print(f"  {size} public events: written, first fetch", flush=True)
        feeds.append(_made(app, client, world, size))

    def get(headers: dict, status: int):
        def request(feed: _Feed):
            answer = client.get(feed.url, headers=headers(feed))
            _expect(answer, status, feed.url)

        return request

    print("  polls (304), full fetches, changes", flush=True)
    _round_robin(
        feeds, client, counter, "poll", POLLS, get(lambda f: {"If-None-Match": f.etag}, 304)
    )
    _round_robin(
        feeds,
        client,
        counter,
        "poll_gzip",
        POLLS,
        get(lambda f: {"If-None-Match": f.gz_etag, **GZIP}, 304),
    )
    _round_robin(feeds, client, counter, "fetch_gzip", FETCHES, get(lambda f: GZIP, 200))
    _round_robin(feeds, client, counter, "fetch_plain", FETCHES, get(lambda f: {}, 200))

    api, bearer = visitors.clients["organizer_api"], visitors.headers["organizer_api"]
    changes = iter(range(10**6))

    def change_and_fetch(feed: _Feed):
        number = next(changes)
        event_id = feed.singles[(number * 7919) % len(feed.singles)]
        change_ms, answer = _timed(
            lambda: api.patch(
                f"/api/v1/events/{event_id}", json={"title": f"改期通知{number}"}, headers=bearer
            )
        )
        _expect(answer, 200, "the change")
        fetch_ms, answer = _timed(lambda: client.get(feed.url, headers=GZIP))
        _expect(answer, 200, "the fetch after a change")
        feed.times.setdefault("change", []).append(change_ms)
        feed.times.setdefault("next_fetch", []).append(fetch_ms)

    _round_robin(feeds, client, counter, "change_and_fetch", CHANGES, change_and_fetch)
    measured = [
        {
            "events": feed.size,
            "first_fetch_ms": round(feed.first_ms, 1),
            "poll_304_ms": _median(feed.times["poll"]),
            "poll_304_gzip_ms": _median(feed.times["poll_gzip"]),
            "poll_304_queries": max(feed.queries["poll"]),
            "fetch_gzip_ms": _median(feed.times["fetch_gzip"]),
            "fetch_plain_ms": _median(feed.times["fetch_plain"]),
            "fetch_queries": max(feed.queries["fetch_gzip"]),
            "change_ms": _median(feed.times["change"][-CHANGES:]),
            "next_fetch_ms": _median(feed.times["next_fetch"][-CHANGES:]),
            "change_and_fetch_ms": _median(feed.times["change_and_fetch"]),
            "plain_bytes": len(feed.plain),
            "gzip_bytes": len(feed.compressed),
            "gzip_share": round(len(feed.compressed) / len(feed.plain), 4),
        }
        for feed in feeds
    ]
    smallest, largest = measured[0], measured[-1]
    return {
        "sizes": measured,
        "poll_304_growth": round(largest["poll_304_ms"] / smallest["poll_304_ms"], 2),
        "poll_304_gzip_growth": round(
            largest["poll_304_gzip_ms"] / smallest["poll_304_gzip_ms"], 2
        ),
        "middle": next((item for item in measured if item["events"] == MIDDLE), measured[-1]),
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.feeds``: this part alone, on a small world (100 programs) made in a
    scratch SQLite file, or in DATABASE_URL (a database whose name contains 'bench')."""
    import argparse
    import json
    import os
    import tempfile
    from pathlib import Path

    from bench.run import QueryCounter, Visitors, generate_world, make_app, prepare_database
    from festival.db import db

    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="festival-bench-feeds-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'feeds.sqlite'}"
    app = make_app(url, workdir)
    prepare_database(app, allow_emptying=url.startswith("sqlite") or "bench" in url)
    world, _seconds = generate_world(app, 100)
    with app.app_context():
        counter = QueryCounter(db.engine)
    visitors = Visitors(app, world)
    sizes = tuple(int(size) for size in args.sizes.split(","))
    print(json.dumps(feeds_at_scale(app, visitors, counter, world, sizes), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
