"""The benchmark: ``python -m bench`` (``make bench``); ``python -m bench data`` fills a database.

For a small and a large world (100 and 10,000 programs, each generated fresh into a scratch
SQLite file, or into DATABASE_URL after emptying it) it times the pages and feeds that must
keep a constant cost through the real application (Flask's test client, logged in as the
organizer, a judge or nobody), counting their SQL queries; then serves the large world with
gunicorn (2 workers) under a bounded load; then measures the memory an import of 10,000
members takes in a process of its own, and the time and memory of building a festival's batch
of 500 certificates (one A4 PDF page each) in another; then the big screen's latency on the
performance day (bench.live); the year in review's figures of the large festival's year
(bench.review); and festival feeds of 500, 5,000 and 10,000 public events (bench.feeds): the
304, the gzip fetch, one change and the next fetch. It prints a JSON report, writes it to bench.json and says which targets hold.
"""

import argparse
import gc
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import event, make_url, text

from bench.data import BENCH_PASSWORD, CRITERIA, BenchWorld
from festival import PROJECT_ROOT, create_app

NAMES = (
    "program_list",
    "program_list_filtered",
    "results",
    "score_sheet",
    "score_save",
    "award_list",
    "feed",
    "feed_304",
    "api_results",
    "api_results_all",
    "healthz",
)
# Pages whose cost must not grow with the data: same queries, large ÷ small time ≤ 1.5.
CONSTANT_COST = (
    "program_list",
    "program_list_filtered",
    "results",
    "api_results",
    "feed",
    "feed_304",
    "score_save",
)
MAX_GROWTH = 1.5
RESULTS_LIMIT_MS = 300
FEED_304_SHARE = 0.70
FEED_SHARE = 0.25
IMPORT_LIMIT_MB = 150
IMPORT_ROWS = 10_000
PAPER_CERTIFICATES = 500
PAPER_LIMIT_SECONDS = 60  # measured 23.7 s on the 2-core CI machine, shared
PAPER_LIMIT_MB = 300  # peak resident memory of the whole process; measured 193 MB
THROUGHPUT_WINDOW = 1.0  # seconds
LIVE_LIMIT_MS = 2000  # the screen polls every second (API.md: within 2 s of a confirmation)
SECRET_KEY = "festival-bench-secret-key"  # noqa: S105  (a scratch app, never served beyond 127.0.0.1)


@dataclass
class Probe:
    """One request the benchmark repeats, and who sends it."""

    name: str
    visitor: str  # organizer, judge (session cookie), organizer_api, judge_api (bearer), public
    method: str
    url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Callable[[int], dict] | None = None  # run number → JSON body


@dataclass
class Timing:
    name: str
    scale: int
    median_ms: float
    p95_ms: float
    queries: int
    runs: int
    query_counts: set[int]


class QueryCounter:
    """Counts the statements sent through an engine (``before_cursor_execute``)."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, *_args):
        self.count += 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)


def make_app(url: str, instance_path: Path) -> Flask:
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY}, instance_path=str(instance_path)
    )


def prepare_database(app: Flask, *, allow_emptying: bool) -> None:
    """Bring the schema to the newest revision and delete every row."""
    from flask_migrate import upgrade

    from bench.data import database_is_empty, empty_database
    from festival.db import db

    with app.app_context():
        upgrade()
        if not database_is_empty(db.session) and not allow_emptying:
            raise SystemExit(
                f"{db.engine.url.render_as_string(hide_password=True)} has data. The benchmark "
                "empties it: use a database whose name contains 'bench', or pass "
                "--empty-database."
            )
        empty_database(db.session)


def generate_world(app: Flask, programs: int) -> tuple[BenchWorld, float]:
    from bench.data import analyze, generate
    from festival.accounts.passwords import hash_password
    from festival.db import db

    with app.app_context():
        started = time.perf_counter()
        world = generate(
            db.session,
            programs=programs,
            password_hash=hash_password(BENCH_PASSWORD),
            uid_domain=app.config["CALENDAR_UID_DOMAIN"],
        )
        db.session.commit()
        elapsed = time.perf_counter() - started
        analyze(db.session)
        db.session.remove()
    gc.collect()
    return world, elapsed


class Visitors:
    """Test clients of the app: logged in with a session, with a bearer token, or nobody."""

    def __init__(self, app: Flask, world: BenchWorld):
        self.app = app
        self.clients = {"public": app.test_client()}
        self.headers: dict[str, dict[str, str]] = {"public": {}}
        for name, username in (("organizer", world.organizer), ("judge", world.judges[0])):
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            response = client.post(
                "/login",
                data={"csrf_token": token, "username": username, "password": BENCH_PASSWORD},
            )
            if response.status_code != 302:
                raise RuntimeError(f"{username} could not log in: {response.status_code}")
            self.clients[name], self.headers[name] = client, {}
            response = app.test_client().post(
                "/api/v1/auth/tokens", json={"username": username, "password": BENCH_PASSWORD}
            )
            if response.status_code != 201:
                raise RuntimeError(f"{username} got no token: {response.get_json()}")
            self.clients[f"{name}_api"] = app.test_client()
            self.headers[f"{name}_api"] = {
                "Authorization": f"Bearer {response.get_json()['token']}"
            }

    def send(self, probe: Probe, run: int):
        client = self.clients[probe.visitor]
        headers = {**self.headers[probe.visitor], **probe.headers}
        body = probe.body(run) if probe.body else None
        return client.open(probe.url, method=probe.method, headers=headers, json=body)


def probes(world: BenchWorld, etag: str) -> list[Probe]:
    """The requests of the report, in the order they are measured."""
    festival, round_ = world.festival_id, world.round_id
    maxima = [maximum for _name, maximum in CRITERIA]  # in the criteria's order

    def scores(run: int) -> dict:
        # Alternate two sheets so that every save really changes four scores.
        share = 0.8 if run % 2 else 0.7
        return {
            "scores": {
                str(cid): str(round(maximum * share * 2) / 2)
                for cid, maximum in zip(world.criterion_ids, maxima, strict=True)
            }
        }

    return [
        Probe("healthz", "public", "GET", "/healthz"),
        Probe("program_list", "organizer", "GET", f"/festivals/{festival}/programs"),
        # The largest category, 20 a page: a full page at 100 programs as at 10,000.
        Probe(
            "program_list_filtered",
            "organizer",
            "GET",
            f"/festivals/{festival}/programs?status=screening"
            f"&category_id={world.category_ids[0]}&per_page=20",
        ),
        Probe("results", "organizer", "GET", f"/rounds/{round_}/results"),
        Probe("score_sheet", "judge", "GET", f"/rounds/{round_}/sheet"),
        Probe(
            "score_save",
            "judge_api",
            "PUT",
            f"/api/v1/rounds/{round_}/scores/{world.score_program_id}",
            body=scores,
        ),
        Probe("award_list", "public", "GET", f"/festivals/{world.last_year_slug}/awards"),
        Probe("feed", "public", "GET", f"/calendar/{world.team_feed_secret}.ics"),
        Probe(
            "feed_304",
            "public",
            "GET",
            f"/calendar/{world.team_feed_secret}.ics",
            status=304,
            headers={"If-None-Match": f'"{etag}"'},
        ),
        # A page of the ranking, as an integration reads it; then all of it at once.
        Probe(
            "api_results",
            "organizer_api",
            "GET",
            f"/api/v1/rounds/{round_}/results?page=1&per_page=50",
        ),
        Probe("api_results_all", "organizer_api", "GET", f"/api/v1/rounds/{round_}/results"),
    ]


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(
    pairs: list[tuple["Scene", Probe]], *, runs: int, warmups: int, budget: float
) -> list[Timing]:
    """Median and 95th percentile of ``runs`` requests of each (world, probe) pair, sent in
    turn (in alternating order) so that whatever else the machine does weighs on every world
    alike and large ÷ small holds still. Fewer runs (at least five) when they would take
    longer than ``budget`` seconds, and fewer warm-ups (at least one) when they take a quarter
    of it."""
    started = time.perf_counter()
    for number in range(warmups):
        for scene, probe in pairs:
            _check(probe, scene.visitors.send(probe, number))
        if time.perf_counter() - started > budget / 4:
            break
    gc.collect()
    times: list[list[float]] = [[] for _ in pairs]
    counts: list[set[int]] = [set() for _ in pairs]
    started = time.perf_counter()
    for number in range(runs):
        order = range(len(pairs)) if number % 2 == 0 else reversed(range(len(pairs)))
        for index in order:
            scene, probe = pairs[index]
            scene.counter.count = 0
            before = time.perf_counter()
            response = scene.visitors.send(probe, warmups + number)
            times[index].append((time.perf_counter() - before) * 1000)
            counts[index].add(scene.counter.count)
            _check(probe, response)
        if number >= 4 and time.perf_counter() - started > budget:
            break
    return [
        Timing(
            probe.name,
            scene.scale,
            round(statistics.median(measured), 2),
            round(percentile(measured, 0.95), 2),
            max(counted),
            len(measured),
            counted,
        )
        for (scene, probe), measured, counted in zip(pairs, times, counts, strict=True)
    ]


def _check(probe: Probe, response) -> None:
    if response.status_code != probe.status:
        raise RuntimeError(
            f"{probe.name}: {probe.method} {probe.url} answered "
            f"{response.status_code}, not {probe.status}: "
            f"{response.get_data(as_text=True)[:500]}"
        )


def first_feed(visitors: Visitors, world: BenchWorld) -> tuple[float, str]:
    """The first request of the team's feed builds and stores it: its time, and the ETag."""
    started = time.perf_counter()
    response = visitors.clients["public"].get(f"/calendar/{world.team_feed_secret}.ics")
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200 or not response.headers.get("ETag"):
        raise RuntimeError(f"the team's feed answered {response.status_code}")
    return round(elapsed, 2), response.headers["ETag"].strip('"')


@dataclass
class Scene:
    """A generated world ready to be measured: its app, visitors and query counter."""

    scale: int
    url: str
    app: Flask
    world: BenchWorld
    visitors: Visitors
    counter: QueryCounter
    feed_etag: str
    feed_build_ms: float


def set_scene(scale: int, url: str, app: Flask, world: BenchWorld) -> Scene:
    from festival.db import db

    with app.app_context():
        engine = db.engine
    visitors = Visitors(app, world)
    build_ms, etag = first_feed(visitors, world)
    return Scene(scale, url, app, world, visitors, QueryCounter(engine), etag, build_ms)


def measure_worlds(scenes: list[Scene], args, profile: set[str]) -> list[Timing]:
    """Every probe on every world, the worlds' requests interleaved."""
    timings = []
    # As festival.wsgi does in production: what exists now is kept out of the collector's way.
    gc.collect()
    gc.freeze()
    try:
        by_scene = [probes(scene.world, scene.feed_etag) for scene in scenes]
        for index, probe in enumerate(by_scene[0]):
            pairs = [
                (scene, scene_probes[index])
                for scene, scene_probes in zip(scenes, by_scene, strict=True)
            ]
            measured = measure(pairs, runs=args.runs, warmups=args.warmups, budget=args.budget)
            for timing in measured:
                note = (
                    ""
                    if len(timing.query_counts) == 1
                    else (f"  (query counts varied: {sorted(timing.query_counts)})")
                )
                print(
                    f"  {timing.name:<22} {timing.scale:>6}  median {timing.median_ms:9.2f} "
                    f"ms  p95 {timing.p95_ms:9.2f} ms  {timing.queries:3d} queries  "
                    f"{timing.runs:2d} runs{note}",
                    flush=True,
                )
            timings.extend(measured)
            if probe.name in profile:
                print(profile_probe(scenes[-1].visitors, pairs[-1][1]), flush=True)
    finally:
        gc.unfreeze()
    return timings


def profile_probe(visitors: Visitors, probe: Probe) -> str:
    """One request under pyinstrument (when installed), as text."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "  (pyinstrument is not installed: .venv/bin/pip install pyinstrument)"
    profiler = Profiler(interval=0.0005)
    profiler.start()
    visitors.send(probe, 1)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


# --- throughput under gunicorn ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def load(
    port: int, path: str, headers: dict, *, status: int, seconds: float, concurrency: int
) -> tuple[int, float]:
    """Requests that ``concurrency`` keep-alive clients complete in about ``seconds``, and
    the seconds they took."""
    deadline = time.perf_counter() + seconds
    done = [0] * concurrency
    failures: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        count = 0
        try:
            while time.perf_counter() < deadline and not failures:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != status:
                    failures.append(f"{path} answered {response.status}")
                    return
                count += 1
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{path}: {error!r}")
        finally:
            connection.close()
            done[number] = count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return sum(done), elapsed


@contextmanager
def gunicorn_server(
    url: str,
    workdir: Path,
    log_name: str,
    *,
    workers: int = 2,
    timeout: int = 30,
    pid_file: Path | None = None,
) -> Iterator[int]:
    """gunicorn with ``workers`` workers (a request may take ``timeout`` seconds) serving the
    app on ``url``'s database, answering /healthz; yields its port, and stops it afterwards
    (printing its log if a request failed). The master writes its pid to ``pid_file`` if given."""
    port = free_port()
    log = workdir / log_name
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FESTIVAL_SECRET_KEY": SECRET_KEY,
        "FESTIVAL_INSTANCE_PATH": str(workdir),
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", str(timeout),
        "--bind", f"127.0.0.1:{port}", "--no-control-socket",
        "--log-level", "warning", "festival.wsgi:app",
    ]  # fmt: skip
    if pid_file is not None:
        command += ["--pid", str(pid_file)]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=str(PROJECT_ROOT)
        )
    try:
        for _ in range(300):
            try:
                if _get(port, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not start: {log.read_text()[-2000:]}")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if "Traceback" in log.read_text():
            print(log.read_text()[-3000:], file=sys.stderr)


def throughput(
    url: str, world: BenchWorld, workdir: Path, *, seconds: float, concurrency: int
) -> dict[str, float]:
    """gunicorn with 2 workers on the large world; requests per second of /healthz, the
    team's feed and the feed answered 304."""
    with gunicorn_server(url, workdir, "gunicorn.log") as port:
        feed = f"/calendar/{world.team_feed_secret}.ics"
        status, _body, headers = _get(port, feed)
        if status != 200:
            raise RuntimeError(f"the feed answered {status} under gunicorn")
        etag = {k.lower(): v for k, v in headers.items()}["etag"]
        targets = {
            "healthz": ("/healthz", {}, 200),
            "feed": (feed, {}, 200),
            "feed_304": (feed, {"If-None-Match": etag}, 304),
        }
        for path, extra, expected in targets.values():  # warm both workers
            load(port, path, extra, status=expected, seconds=1.0, concurrency=concurrency)
        # Short windows taken in turn, so that whatever else the machine does weighs on
        # the three alike and their ratios hold.
        window = min(THROUGHPUT_WINDOW, seconds)
        done = dict.fromkeys(targets, 0)
        took = dict.fromkeys(targets, 0.0)
        for _ in range(max(1, round(seconds / window))):
            for name, (path, extra, expected) in targets.items():
                count, elapsed = load(
                    port, path, extra, status=expected, seconds=window, concurrency=concurrency
                )
                done[name] += count
                took[name] += elapsed
        result = {}
        for name in targets:
            rps = done[name] / took[name]
            result[f"{name}_rps"] = round(rps, 1)
            print(f"  {name:<10} {rps:8.1f} requests/s", flush=True)
        return result


# --- memory of an import ----------------------------------------------------------------------


def write_members_file(app: Flask, world: BenchWorld, path: Path, rows: int) -> None:
    """An .xlsx of ``rows`` new members of the festival's troupes, as an office would send."""
    import random
    from datetime import date

    from openpyxl import Workbook
    from sqlalchemy import select

    from bench.data import SURNAMES
    from festival.accounts.models import Organization
    from festival.db import db
    from festival.imports.columns import COLUMNS
    from festival.troupes.models import Troupe

    with app.app_context():
        troupes = db.session.execute(
            select(Troupe.name, Organization.name)
            .join(Organization, Troupe.organization_id == Organization.id)
            .order_by(Troupe.id)
        ).all()
        db.session.remove()
    rng = random.Random(1024)
    # Given names the generated people do not have, so no row repeats a membership.
    given = [
        "兰英",
        "凤兰",
        "桂芳",
        "玉梅",
        "金华",
        "明德",
        "少华",
        "春兰",
        "秋菊",
        "冬梅",
        "长春",
        "福林",
        "海军",
        "红英",
        "淑英",
        "德华",
        "慧敏",
        "立新",
        "建军",
        "桂香",
    ]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成员")
    sheet.append([column.chinese for column in COLUMNS["members"]])
    seen = set()
    for number in range(rows):
        troupe, organization = troupes[number % len(troupes)]
        while True:
            name = rng.choice(SURNAMES) + rng.choice(given)
            born = date(rng.randint(1940, 1964), rng.randint(1, 12), rng.randint(1, 28))
            if (troupe, name, born) not in seen:
                seen.add((troupe, name, born))
                break
        sheet.append(
            [
                troupe,
                organization,
                name,
                born,
                rng.choice(["女", "女", "男"]),
                "138" + f"{rng.randrange(10**8):08d}",
            ]
        )
    workbook.save(path)


def import_memory(url: str, app: Flask, world: BenchWorld, workdir: Path, rows: int) -> dict:
    """Peak memory growth of importing ``rows`` members, in a process of its own."""
    from festival.db import db

    path = workdir / "members.xlsx"
    write_members_file(app, world, path, rows)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # Fold the write-ahead log into the file: the import's process reads the database
            # as a server would, not by replaying a log of every row just generated.
            with db.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "FESTIVAL_SECRET_KEY": SECRET_KEY,
        "FESTIVAL_INSTANCE_PATH": str(workdir),
    }
    report = bench_process(
        "bench.memory",
        "--festival-id",
        str(world.festival_id),
        "--username",
        world.organizer,
        str(path),
        env=env,
        timeout=600,
        what="the import process",
    )
    if report["problems"]:
        raise RuntimeError(f"the import found problems: {report['problems'][:5]}")
    print(
        f"  {report['rows']} rows in {report['seconds']:.1f} s; RSS {report['baseline_mb']:.1f} "
        f"MB before, peak {report['peak_mb']:.1f} MB: growth {report['growth_mb']:.1f} MB",
        flush=True,
    )
    return report


def bench_process(module: str, *args: str, env: dict, timeout: int, what: str) -> dict:
    """Run a bench module in a process of its own; the JSON it prints last (on one line or
    indented over several). A failure raises with the end of its standard error."""
    finished = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(PROJECT_ROOT),
    )
    if finished.returncode != 0:
        raise RuntimeError(f"{what} failed: {finished.stderr[-3000:]}")
    lines = finished.stdout.strip().splitlines()
    start = max(number for number, line in enumerate(lines) if line.startswith("{"))
    return json.loads("\n".join(lines[start:]))


def paper_batch(workdir: Path, certificates: int) -> dict:
    """Seconds and peak memory of building ``certificates`` certificates as a festival's
    batch is built (chunks joined into one PDF), in a process of its own (bench.paper)."""
    directory = workdir / "paper"
    directory.mkdir(exist_ok=True)
    report = bench_process(
        "bench.paper",
        "--certificates",
        str(certificates),
        str(directory),
        env={**os.environ, "FESTIVAL_SECRET_KEY": SECRET_KEY},
        timeout=900,
        what="the certificates process",
    )
    print(
        f"  {report['pages']} pages in {report['seconds']:.1f} s ({report['size_mb']} MB); "
        f"RSS {report['baseline_mb']:.1f} MB before, peak {report['peak_mb']:.1f} MB",
        flush=True,
    )
    return report


# --- the report -------------------------------------------------------------------------------


def machine(url: str, app: Flask) -> dict:
    import sqlalchemy

    from festival.db import db

    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            server = connection.execute(text("SHOW server_version")).scalar_one()
        else:
            server = connection.execute(text("SELECT sqlite_version()")).scalar_one()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlalchemy": sqlalchemy.__version__,
        "database_server": server,
        "load_average": [round(n, 2) for n in os.getloadavg()],
    }


def build_report(
    database: str,
    machine_info: dict,
    timings: dict[int, list[Timing]],
    small: int,
    large: int,
    rates: dict | None,
    import_mb: float | None,
    feed_builds: dict[int, float],
    paper: dict | None = None,
    live: dict | None = None,
    review: dict | None = None,
    feeds: dict | None = None,
    media: dict | None = None,
) -> dict:
    by = {(t.name, t.scale): t for scale in timings for t in timings[scale]}
    results = []
    for name in NAMES:
        for scale in (small, large):
            timing = by[(name, scale)]
            base = by[("healthz", scale)].median_ms
            results.append(
                {
                    "name": name,
                    "scale": scale,
                    "median_ms": timing.median_ms,
                    "p95_ms": timing.p95_ms,
                    "queries": timing.queries,
                    "vs_healthz": round(timing.median_ms / base, 2) if base else None,
                    "large_vs_small": (
                        round(timing.median_ms / by[(name, small)].median_ms, 2)
                        if scale == large and by[(name, small)].median_ms
                        else None
                    ),
                }
            )
    return {
        "database": database,
        "machine": machine_info,
        "results": results,
        "throughput": rates or {},
        "import_peak_mb": import_mb,
        "feed_first_build_ms": {str(scale): ms for scale, ms in feed_builds.items()},
        "certificates_batch": paper,
        "live_scoring": live,
        "year_in_review": review,
        "feeds_at_scale": feeds,
        "media": media,
    }


def render(report: dict) -> str:
    """The report as JSON, one result to a line."""

    def one(value) -> str:
        return json.dumps(value, ensure_ascii=False)

    parts = []
    for key, value in report.items():
        if key == "results":
            rows = ",\n".join(f"    {one(item)}" for item in value)
            parts.append(f'  "results": [\n{rows}\n  ]')
        else:
            parts.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def targets(report: dict, small: int, large: int) -> list[tuple[str, bool | None, str]]:
    """(target, holds — None when not measured, the figures)."""
    by = {(r["name"], r["scale"]): r for r in report["results"]}
    found = []
    for name in CONSTANT_COST:
        a, b = by[(name, small)], by[(name, large)]
        holds = a["queries"] == b["queries"] and b["large_vs_small"] <= MAX_GROWTH
        found.append(
            (
                f"{name}: same queries at both scales, large/small ≤ {MAX_GROWTH}",
                holds,
                f"{a['queries']} vs {b['queries']} queries, ×{b['large_vs_small']}",
            )
        )
    ranking = by[("results", large)]
    found.append(
        (
            f"results: a page of the ranking of {large} entries × 9 judges under "
            f"{RESULTS_LIMIT_MS} ms",
            ranking["median_ms"] < RESULTS_LIMIT_MS,
            f"median {ranking['median_ms']} ms (the whole ranking through the API: "
            f"{by[('api_results_all', large)]['median_ms']} ms)",
        )
    )
    rates = report["throughput"]
    for name, share in (("feed_304", FEED_304_SHARE), ("feed", FEED_SHARE)):
        if rates:
            ratio = rates[f"{name}_rps"] / rates["healthz_rps"]
            found.append(
                (
                    f"{name} throughput ≥ {share:.0%} of healthz",
                    ratio >= share,
                    f"{rates[f'{name}_rps']} vs {rates['healthz_rps']} requests/s ({ratio:.0%})",
                )
            )
        else:
            found.append((f"{name} throughput ≥ {share:.0%} of healthz", None, "not measured"))
    growth = report["import_peak_mb"]
    found.append(
        (
            f"import of {IMPORT_ROWS} members: peak growth < {IMPORT_LIMIT_MB} MB",
            None if growth is None else growth < IMPORT_LIMIT_MB,
            "not measured" if growth is None else f"{growth} MB",
        )
    )
    paper = report.get("certificates_batch")
    found.append(
        (
            f"batch of {PAPER_CERTIFICATES} certificates (PDF): under {PAPER_LIMIT_SECONDS} s "
            f"and peak memory under {PAPER_LIMIT_MB} MB",
            None
            if paper is None
            else paper["seconds"] < PAPER_LIMIT_SECONDS and paper["peak_mb"] < PAPER_LIMIT_MB,
            "not measured"
            if paper is None
            else f"{paper['pages']} pages in {paper['seconds']} s, peak {paper['peak_mb']} MB "
            f"(growth {paper['growth_mb']} MB)",
        )
    )
    live = report.get("live_scoring")
    found.append(
        (
            f"live scoring: the screen shows the score within {LIVE_LIMIT_MS} ms of the last "
            "confirmation (p95)",
            None if live is None else live["score_seen_p95_ms"] <= LIVE_LIMIT_MS,
            "not measured"
            if live is None
            else f"median {live['score_seen_median_ms']} ms, p95 {live['score_seen_p95_ms']} ms; "
            + ", ".join(
                f"{c['ms_per_poll']} ms per 304 poll with {c['pollers']}" for c in live["poll_304"]
            ),
        )
    )
    found.append(year_review_target(report.get("year_in_review"), small, large))
    found.extend(feed_scale_targets(report.get("feeds_at_scale")))
    found.extend(media_targets(report.get("media")))
    return found


MEDIA_BENCHES = {
    "range": "bench.media",
    "upload": "bench.uploads",
    "zip": "bench.zips",
    "processing": "bench.processing",
}
MEDIA_LIMIT_MB = 50
RANGE_LIMIT_MS = 50


def media_benches() -> dict:
    """Issue 25's measurements, each in a process of its own on a scratch SQLite file (they
    measure storage, streams and FFmpeg, not the database): the JSON each prints last."""
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    found = {}
    for name, module in MEDIA_BENCHES.items():
        try:
            found[name] = bench_process(module, env=environment, timeout=900, what=module)
        except (RuntimeError, ValueError) as error:  # the others are still measured
            print(f"  {module}: not measured: {error}", flush=True)
            found[name] = None
    return found


def media_targets(media: dict | None) -> list[tuple]:
    """Issue 25's targets (None when not measured); processing speed is a figure, not a target."""
    media = media or {}
    byte, upload, zipped, processing = (
        media.get(name) for name in ("range", "upload", "zip", "processing")
    )
    return [
        (
            f"media: a Range request's first byte ≤ {RANGE_LIMIT_MS} ms",
            None if not byte else byte["first_byte_median_ms"] <= RANGE_LIMIT_MS,
            "not measured"
            if not byte
            else f"median {byte['first_byte_median_ms']} ms, p95 {byte['first_byte_p95_ms']} ms "
            f"on a {byte['file_mb']} MB file",
        ),
        (
            f"media: the server grows ≤ {MEDIA_LIMIT_MB} MB while a 1 GiB file uploads",
            None if not upload else upload["growth_mb"] <= MEDIA_LIMIT_MB,
            "not measured"
            if not upload
            else f"{upload['growth_mb']} MB ({upload['mb_per_second']} MB/s)",
        ),
        (
            f"media: a ZIP of 100 tracks streams in ≤ {MEDIA_LIMIT_MB} MB",
            None if not zipped else zipped["memory_growth_mb"] <= MEDIA_LIMIT_MB,
            "not measured"
            if not zipped
            else f"{zipped['memory_growth_mb']} MB for {zipped['zip_mb']} MB in "
            f"{zipped['seconds']} s",
        ),
        (
            "media: processing speed (a figure)",
            None if not processing else True,
            "not measured"
            if not processing
            else f"{processing['seconds_per_minute_of_720p_video']} s per minute of 720p video, "
            f"{processing['seconds_per_minute_of_track']} s per minute of track",
        ),
    ]


def feed_scale_targets(feeds: dict | None) -> list[tuple]:
    """Issue 22's targets for a festival feed of many public events (None when not measured)."""
    from bench.feeds import (
        CHANGE_LIMIT_MS,
        GZIP_FETCH_LIMIT_MS,
        GZIP_SHARE_LIMIT,
        MIDDLE,
        POLL_GROWTH_LIMIT,
    )

    names = (
        f"feeds at scale: a 304 poll within ×{POLL_GROWTH_LIMIT} from the fewest to the most "
        "events",
        f"feeds at scale: a warm full gzip fetch at {MIDDLE} events ≤ {GZIP_FETCH_LIMIT_MS} ms",
        f"feeds at scale: one change plus the next fetch at {MIDDLE} events ≤ {CHANGE_LIMIT_MS} ms",
        f"feeds at scale: gzip ≤ {GZIP_SHARE_LIMIT:.0%} of the plain size",
    )
    if not feeds:
        return [(name, None, "not measured") for name in names]
    sizes, middle = feeds["sizes"], feeds["middle"]
    growth = max(feeds["poll_304_growth"], feeds["poll_304_gzip_growth"])
    share = max(item["gzip_share"] for item in sizes)
    return [
        (
            names[0],
            growth <= POLL_GROWTH_LIMIT,
            ", ".join(f"{item['poll_304_ms']} ms at {item['events']}" for item in sizes)
            + f" (×{feeds['poll_304_growth']}; gzip ×{feeds['poll_304_gzip_growth']})",
        ),
        (
            names[1],
            middle["fetch_gzip_ms"] <= GZIP_FETCH_LIMIT_MS,
            f"{middle['fetch_gzip_ms']} ms ({middle['gzip_bytes']} bytes; plain "
            f"{middle['fetch_plain_ms']} ms)",
        ),
        (
            names[2],
            middle["change_and_fetch_ms"] <= CHANGE_LIMIT_MS,
            f"{middle['change_and_fetch_ms']} ms (change {middle['change_ms']} ms, fetch "
            f"{middle['next_fetch_ms']} ms; first build {middle['first_fetch_ms']} ms)",
        ),
        (
            names[3],
            share <= GZIP_SHARE_LIMIT,
            ", ".join(f"{item['gzip_share']:.1%} at {item['events']}" for item in sizes),
        ),
    ]


def year_review_target(review: dict | None, small: int, large: int) -> tuple:
    """The year in review's figures of the year of the large festival: under
    REVIEW_LIMIT_MS, with the same statements at both scales (None when not measured)."""
    from bench.review import REVIEW_LIMIT_MS

    name = (
        f"year in review: the figures of a year with {large} programs under "
        f"{REVIEW_LIMIT_MS} ms, same queries at both scales"
    )
    if not review:
        return (name, None, "not measured")
    a, b = review[str(small)], review[str(large)]
    return (
        name,
        b["median_ms"] <= REVIEW_LIMIT_MS and a["queries"] == b["queries"],
        f"median {b['median_ms']} ms (p95 {b['p95_ms']} ms) for {b['programs']} programs; "
        f"{a['queries']} vs {b['queries']} queries",
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--small", type=int, default=100, help="programs of the small world")
    parser.add_argument("--large", type=int, default=10_000, help="programs of the large world")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds per measurement before it stops short of --runs (≥ 5)",
    )
    parser.add_argument("--load-seconds", type=float, default=12.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-import", action="store_true")
    parser.add_argument("--no-paper", action="store_true", help="skip the certificates batch")
    parser.add_argument("--no-live", action="store_true", help="skip the live scoring (screen)")
    parser.add_argument(
        "--no-review", action="store_true", help="skip the year in review's figures"
    )
    parser.add_argument(
        "--no-media",
        action="store_true",
        help="skip the media measurements (Range, upload memory, ZIP, processing)",
    )
    parser.add_argument(
        "--no-feeds",
        action="store_true",
        help="skip the feeds at scale (festival feeds of 500, 5,000 and 10,000 events)",
    )
    parser.add_argument(
        "--profile",
        default="",
        help="comma-separated names to profile once with pyinstrument (large)",
    )
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "bench.json")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the scratch SQLite files (their folder is printed)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target does not hold"
    )
    parser.add_argument(
        "--empty-database",
        action="store_true",
        help="allow emptying a DATABASE_URL whose name lacks 'bench'",
    )
    return parser.parse_args(argv)


SMALL_WORLD_SCHEMA = "bench_small_world"


def world_url(shared_url: str | None, workdir: Path, scale: int, *, large: bool) -> str:
    """Where a world is generated: the large one in DATABASE_URL (or a scratch SQLite file),
    the small one beside it, so that both can be measured in turn: another scratch file, or on
    PostgreSQL a schema of its own in the same database."""
    if shared_url and large:
        return shared_url
    if not shared_url or make_url(shared_url).get_backend_name() == "sqlite":
        return f"sqlite:///{workdir / f'bench-{scale}.sqlite'}"
    _execute_once(shared_url, f"CREATE SCHEMA IF NOT EXISTS {SMALL_WORLD_SCHEMA}")
    url = make_url(shared_url).update_query_dict({"options": f"-csearch_path={SMALL_WORLD_SCHEMA}"})
    return url.render_as_string(hide_password=False)


def drop_small_world_schema(shared_url: str) -> None:
    if make_url(shared_url).get_backend_name() != "sqlite":
        _execute_once(shared_url, f"DROP SCHEMA IF EXISTS {SMALL_WORLD_SCHEMA} CASCADE")


def _execute_once(url: str, statement: str) -> None:
    """One statement on an engine of its own, committed and closed."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    from festival.db import db

    args = parse_args(argv)
    started = time.perf_counter()
    shared_url = os.environ.get("DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="festival-bench-"))
    allow_emptying = args.empty_database or (
        shared_url is not None and "bench" in (make_url(shared_url).database or "")
    )
    profile = {name.strip() for name in args.profile.split(",") if name.strip()}
    scenes = []
    try:
        for scale in (args.small, args.large):
            url = world_url(shared_url, workdir, scale, large=scale == args.large)
            app = make_app(url, workdir)
            prepare_database(app, allow_emptying=allow_emptying or url != shared_url)
            world, seconds = generate_world(app, scale)
            print(
                f"{scale} programs: data generated in {seconds:.1f} s "
                f"({sum(world.rows.values())} rows)",
                flush=True,
            )
            scenes.append(set_scene(scale, url, app, world))
        print("requests, the two worlds' in turn:", flush=True)
        timings = measure_worlds(scenes, args, profile)
        feed_builds = {scene.scale: scene.feed_build_ms for scene in scenes}
        review = None
        if not args.no_review:
            from bench.review import REVIEW_YEAR, year_review_timings

            print(f"the year in review of {REVIEW_YEAR} (the province's figures):", flush=True)
            review = year_review_timings(
                [(scene.scale, scene.app, scene.world) for scene in scenes],
                runs=args.runs,
                warmups=args.warmups,
                budget=args.budget,
            )
        url, app, world = scenes[-1].url, scenes[-1].app, scenes[-1].world
        info = machine(url, app)
        rates = None
        if not args.no_throughput:
            print(
                f"throughput: gunicorn, 2 workers, {args.concurrency} clients × "
                f"{args.load_seconds:g} s each",
                flush=True,
            )
            rates = throughput(
                url, world, workdir, seconds=args.load_seconds, concurrency=args.concurrency
            )
        import_mb = None
        if not args.no_import:
            print(f"import of {IMPORT_ROWS} members (.xlsx) in a process of its own", flush=True)
            import_mb = round(import_memory(url, app, world, workdir, IMPORT_ROWS)["growth_mb"], 1)
        paper = None
        if not args.no_paper:
            print(
                f"a batch of {PAPER_CERTIFICATES} certificates (PDF) in a process of its own",
                flush=True,
            )
            paper = paper_batch(workdir, PAPER_CERTIFICATES)
        live = None
        if not args.no_live:
            from bench.live import live_scoring

            print(
                "live scoring: 9 judges confirm 20 programs while 3 screens poll (gunicorn)",
                flush=True,
            )
            live = live_scoring(url, app, world, workdir)
        feeds = None
        if not args.no_feeds:
            from bench.feeds import SIZES, feeds_at_scale

            print(
                f"feeds at scale: festival feeds of {', '.join(map(str, SIZES))} public events",
                flush=True,
            )
            feeds = feeds_at_scale(app, scenes[-1].visitors, scenes[-1].counter, world)
        media = None
        if not args.no_media:
            print(
                "media: a Range request's first byte, a 1 GiB upload's memory, a ZIP of 100 "
                "tracks, processing 720p video (processes of their own, scratch SQLite)",
                flush=True,
            )
            media = media_benches()
        report = build_report(
            make_url(url).get_backend_name(),
            info,
            {scale: [t for t in timings if t.scale == scale] for scale in (args.small, args.large)},
            args.small,
            args.large,
            rates,
            import_mb,
            feed_builds,
            paper,
            live,
            review,
            feeds,
            media,
        )
        text_report = render(report)
        print(text_report, end="")
        args.output.write_text(text_report)
        print(
            f"\nTargets ({args.output.name} written; {time.perf_counter() - started:.0f} s in all):"
        )
        failed = 0
        for target, holds, figures in targets(report, args.small, args.large):
            mark = {True: "holds", False: "FAILS", None: "skipped"}[holds]
            failed += holds is False
            print(f"  [{mark:^7}] {target}: {figures}")
        return 1 if failed and args.strict else 0
    finally:
        for scene in scenes:
            scene.counter.close()
            with scene.app.app_context():
                db.engine.dispose()
        if shared_url and not args.keep:
            drop_small_world_schema(shared_url)
        if args.keep:
            print(f"scratch files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
