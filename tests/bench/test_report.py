"""The benchmark's report: its JSON shape, and which targets hold."""

import json

from bench.run import NAMES, Timing, build_report, render, targets


def timings(scale: int, factor: float, queries: int = 3) -> list[Timing]:
    return [
        Timing(
            name,
            scale,
            round(1.0 * factor, 2),
            round(2.0 * factor, 2),
            0 if name == "healthz" else queries,
            30,
            {queries},
        )
        for name in NAMES
    ]


LIVE = {
    "score_seen_median_ms": 600.0,
    "score_seen_p95_ms": 1100.0,
    "poll_304": [{"pollers": 1, "ms_per_poll": 2.0}, {"pollers": 50, "ms_per_poll": 70.0}],
}

# issue 24 (a): the year in review's figures at both scales (bench.review)
REVIEW = {
    "100": {"median_ms": 8.0, "p95_ms": 9.0, "queries": 15, "runs": 30, "programs": 100},
    "10000": {"median_ms": 120.0, "p95_ms": 140.0, "queries": 15, "runs": 30, "programs": 10_000},
}


# issue 22: festival feeds of many public events (bench.feeds)
def feed_size(events: int, poll_ms: float, **changes) -> dict:
    return {
        "events": events,
        "first_fetch_ms": 2500.0,
        "poll_304_ms": poll_ms,
        "poll_304_gzip_ms": poll_ms,
        "poll_304_queries": 2,
        "fetch_gzip_ms": 1.7,
        "fetch_plain_ms": 2.0,
        "fetch_queries": 3,
        "change_ms": 7.0,
        "next_fetch_ms": 55.0,
        "change_and_fetch_ms": 62.0,
        "plain_bytes": 2_658_770,
        "gzip_bytes": 146_656,
        "gzip_share": 0.0552,
        **changes,
    }


def feeds(poll_ms_at_most: float = 1.05, **middle_changes) -> dict:
    sizes = [
        feed_size(500, 1.0),
        feed_size(5_000, 1.0, **middle_changes),
        feed_size(10_000, poll_ms_at_most),
    ]
    return {
        "sizes": sizes,
        "poll_304_growth": round(poll_ms_at_most / 1.0, 2),
        "poll_304_gzip_growth": round(poll_ms_at_most / 1.0, 2),
        "middle": sizes[1],
    }


MEASURED = object()
# issue 25: the media measurements (bench.media, bench.uploads, bench.zips, bench.processing)
MEDIA = {
    "range": {"first_byte_median_ms": 2.5, "first_byte_p95_ms": 9.8, "file_mb": 200},
    "upload": {"growth_mb": 8.5, "mb_per_second": 38.0},
    "zip": {"memory_growth_mb": 2.3, "zip_mb": 100.0, "seconds": 0.2},
    "processing": {"seconds_per_minute_of_720p_video": 21.2, "seconds_per_minute_of_track": 3.4},
}


def report(large_factor: float = 1.2, feeds_at_scale=MEASURED, **changes) -> dict:
    built = build_report(
        "sqlite",
        {"cpus": 2},
        {100: timings(100, 1.0), 10_000: timings(10_000, large_factor)},
        100,
        10_000,
        {"healthz_rps": 1000.0, "feed_rps": 300.0, "feed_304_rps": 800.0},
        90.0,
        {100: 40.0, 10_000: 41.0},
        {"certificates": 500, "pages": 500, "seconds": 20.0, "peak_mb": 190.0, "growth_mb": 55.0},
        LIVE,
        REVIEW,
        feeds() if feeds_at_scale is MEASURED else feeds_at_scale,
        changes.pop("media", MEDIA),
    )
    return {**built, **changes}


def test_report_has_every_name_at_both_scales_with_its_ratios():
    built = report()
    assert list(built)[:5] == ["database", "machine", "results", "throughput", "import_peak_mb"]
    assert [(r["name"], r["scale"]) for r in built["results"]] == [
        (name, scale) for name in NAMES for scale in (100, 10_000)
    ]
    large = next(r for r in built["results"] if r["name"] == "results" and r["scale"] == 10_000)
    assert large["large_vs_small"] == 1.2 and large["vs_healthz"] == 1.0
    assert set(large) == {
        "name",
        "scale",
        "median_ms",
        "p95_ms",
        "queries",
        "vs_healthz",
        "large_vs_small",
    }


def test_rendered_report_is_the_same_json_one_result_a_line():
    built = report()
    text = render(built)
    assert json.loads(text) == built
    assert text.count('{"name": ') == len(built["results"])


def test_targets_hold_and_fail_on_their_figures():
    held = {name: holds for name, holds, _ in targets(report(), 100, 10_000)}
    assert all(held[name] for name in held if "feed throughput" not in name)
    assert held["feed throughput ≥ 25% of healthz"] is True
    grown = {name: holds for name, holds, _ in targets(report(large_factor=2.0), 100, 10_000)}
    assert grown["program_list: same queries at both scales, large/small ≤ 1.5"] is False
    unmeasured = {
        name: holds
        for name, holds, _ in targets(report(throughput={}, import_peak_mb=None), 100, 10_000)
    }
    assert unmeasured["feed_304 throughput ≥ 70% of healthz"] is None
    assert unmeasured["import of 10000 members: peak growth < 150 MB"] is None


def test_the_feed_scale_targets_hold_and_fail_on_their_figures():
    def held(**changes) -> dict[str, bool | None]:
        return {
            name: holds
            for name, holds, _ in targets(report(**changes), 100, 10_000)
            if name.startswith("feeds at scale")
        }

    assert list(held().values()) == [True, True, True, True]
    assert list(held(feeds_at_scale=feeds(poll_ms_at_most=1.2)).values()) == [
        False,
        True,
        True,
        True,
    ]
    slow = feeds(fetch_gzip_ms=3.5, change_and_fetch_ms=130.0, gzip_share=0.3)
    assert list(held(feeds_at_scale=slow).values()) == [True, False, False, False]
    assert list(held(feeds_at_scale=None).values()) == [None, None, None, None]


def test_the_media_targets_hold_and_fail_on_their_figures():
    def held(media) -> list[bool | None]:
        return [
            holds
            for name, holds, _ in targets(report(media=media), 100, 10_000)
            if name.startswith("media:")
        ]

    assert held(MEDIA) == [True, True, True, True]
    heavy = {
        **MEDIA,
        "range": {**MEDIA["range"], "first_byte_median_ms": 80.0},
        "upload": {**MEDIA["upload"], "growth_mb": 120.0},
    }
    assert held(heavy) == [False, False, True, True]
    assert held(None) == [None, None, None, None]
