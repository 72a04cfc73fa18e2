"""The live-scoring part of the benchmark (issue 20): the big screen's latency and the cost of a
poll, through the real application served by gunicorn (2 workers) over HTTP.

On the large world's open round (9 judges, every score given) with its screen public, 20
programs go on stage in turn; for each, 3 screens poll ``GET /api/v1/rounds/{id}/live`` every
second with If-None-Match, as the screen page does, while the 9 judges confirm their scores
(``POST .../confirm``); the latency is from the answer to the last confirmation to a screen
seeing the score. Then the cost of an unchanged poll (a 304) with 1 and with 50 pollers."""

import json
import random
import statistics
import threading
import time
from pathlib import Path

from bench.data import BENCH_PASSWORD, BenchWorld

PROGRAMS = 20
SCREENS = 3
POLL_SECONDS = 1.0  # as static/js/live-screen.js
COST_SECONDS = 3.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _prepare(app, world: BenchWorld) -> list[int]:
    """The round's screen made public and the programs to go on stage: the first
    ``PROGRAMS`` entries of the round, by id."""
    from sqlalchemy import select

    from festival.db import db
    from festival.judging.models import Round, RoundEntry

    with app.app_context():
        round_ = db.session.get(Round, world.round_id)
        round_.screen_public = True
        programs = list(
            db.session.execute(
                select(RoundEntry.program_id)
                .where(RoundEntry.round_id == round_.id)
                .order_by(RoundEntry.id)
                .limit(PROGRAMS)
            ).scalars()
        )
        db.session.commit()
        db.session.remove()
    return programs


def _put_on_stage(app, world: BenchWorld, program_id: int) -> None:
    from sqlalchemy import select

    from festival.accounts.models import User
    from festival.core.clock import utcnow
    from festival.db import db
    from festival.judging.models import Round
    from festival.performance.stage import put_on_stage

    with app.app_context():
        organizer = db.session.execute(
            select(User).where(User.username == world.organizer)
        ).scalar_one()
        round_ = db.session.get(Round, world.round_id)
        put_on_stage(
            db.session, round_=round_, program_id=program_id, actor=organizer, now=utcnow()
        )
        db.session.commit()
        db.session.remove()


def _request(port: int, method: str, path: str, headers=None, body=None):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        data = None if body is None else json.dumps(body)
        merged = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
        connection.request(method, path, body=data, headers=merged)
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


class Screen(threading.Thread):
    """A big screen: polls every second (random phase), notes when it first sees a score for
    the program on stage."""

    def __init__(self, port: int, path: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.port, self.path, self.stop = port, path, stop
        self.seen: dict[int, float] = {}
        self.failures: list[str] = []

    def run(self) -> None:
        import http.client

        etag = None
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        time.sleep(random.random() * POLL_SECONDS)
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                connection.request(
                    "GET", self.path, headers={"If-None-Match": etag} if etag else {}
                )
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            if response.status == 200:
                etag = response.getheader("ETag")
                state = json.loads(body)
                stage = state.get("on_stage")
                if stage and state.get("score") and stage["program_id"] not in self.seen:
                    self.seen[stage["program_id"]] = time.perf_counter()
            elif response.status != 304:
                self.failures.append(f"answered {response.status}")
            self.stop.wait(max(0.0, POLL_SECONDS - (time.perf_counter() - started)))
        connection.close()


def _latencies(app, world: BenchWorld, port: int, programs: list[int]) -> list[float]:
    tokens = []
    for username in world.judges:
        status, body, _ = _request(
            port,
            "POST",
            "/api/v1/auth/tokens",
            body={"username": username, "password": BENCH_PASSWORD},
        )
        if status != 201:
            raise RuntimeError(f"{username} got no token: {body[:200]!r}")
        tokens.append({"Authorization": f"Bearer {json.loads(body)['token']}"})
    stop = threading.Event()
    path = f"/api/v1/rounds/{world.round_id}/live"
    screens = [Screen(port, path, stop) for _ in range(SCREENS)]
    for screen in screens:
        screen.start()
    latencies: list[float] = []
    try:
        for program_id in programs:
            _put_on_stage(app, world, program_id)
            time.sleep(0.2)  # the judges look at the program; the screens follow the stage
            last = None
            for token in tokens:
                status, body, _ = _request(
                    port,
                    "POST",
                    f"/api/v1/rounds/{world.round_id}/scores/{program_id}/confirm",
                    headers=token,
                )
                if status == 403:  # a conflict of interest: that judge does not score it
                    continue
                if status != 200:
                    raise RuntimeError(f"confirm answered {status}: {body[:300]!r}")
                last = time.perf_counter()
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline and not all(program_id in s.seen for s in screens):
                time.sleep(0.01)
            for screen in screens:
                if program_id not in screen.seen:
                    raise RuntimeError(f"a screen never saw the score of program {program_id}")
                latencies.append(max(0.0, screen.seen[program_id] - last) * 1000)
    finally:
        stop.set()
        for screen in screens:
            screen.join(timeout=5)
    failures = [f for s in screens for f in s.failures]
    if failures:
        raise RuntimeError(f"a screen's poll failed: {failures[0]}")
    return latencies


def _poll_cost(port: int, path: str, concurrency: int) -> dict:
    from bench.run import load

    _, _, headers = _request(port, "GET", path)
    count, elapsed = load(
        port,
        path,
        {"If-None-Match": headers["etag"]},
        status=304,
        seconds=COST_SECONDS,
        concurrency=concurrency,
    )
    return {
        "pollers": concurrency,
        "ms_per_poll": round(elapsed * concurrency / count * 1000, 2),
        "polls_per_second": round(count / elapsed, 1),
    }


def live_scoring(url: str, app, world: BenchWorld, workdir: Path) -> dict:
    """Latency from the last confirmation to a screen showing the score, and the cost of an
    unchanged poll, through gunicorn (2 workers)."""
    from bench.run import gunicorn_server

    programs = _prepare(app, world)
    with gunicorn_server(url, workdir, "gunicorn-live.log") as port:
        latencies = _latencies(app, world, port, programs)
        path = f"/api/v1/rounds/{world.round_id}/live"
        costs = [_poll_cost(port, path, n) for n in (1, 50)]
    result = {
        "programs": len(programs),
        "judges": len(world.judges),
        "screens": SCREENS,
        "poll_interval_s": POLL_SECONDS,
        "score_seen_median_ms": round(statistics.median(latencies), 1),
        "score_seen_p95_ms": round(_percentile(latencies, 0.95), 1),
        "score_seen_max_ms": round(max(latencies), 1),
        "poll_304": costs,
    }
    print(
        f"  the screen saw the score {result['score_seen_median_ms']} ms (median), "
        f"{result['score_seen_p95_ms']} ms (p95) after the last confirmation; a 304 poll "
        + ", ".join(f"{c['ms_per_poll']} ms with {c['pollers']} pollers" for c in costs),
        flush=True,
    )
    return result
