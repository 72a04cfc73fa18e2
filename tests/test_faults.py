"""A server killed in the middle of an import or a round close leaves the database as it was
(each is one transaction), and a restarted server works at once, with no manual step.

A real process (``sys.executable`` on a script written here) builds the application on the
test's database, runs the real service and is killed with SIGKILL when the service's work is
flushed into the open transaction but not committed. The test then reads the database itself,
restarts the application (a new app, a new engine) and does the same work through its pages
and API."""

import io
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from festival import PROJECT_ROOT
from festival.judging import scores as judging_scores
from festival.judging import services as judging
from tests import factories
from tests.conftest import Client, make_test_app

NOW = factories.NOW
MEMBERS = 300
# The busy timeout that festival.db sets on every SQLite connection.
BUSY_TIMEOUT_SECONDS = 10

SCRIPT = '''
"""Run one service in a new application and die (SIGKILL) once its work is flushed into the
transaction and before the transaction commits, as a server killed mid-request would."""

import io
import json
import os
import signal
import sys
from datetime import date

from sqlalchemy import event, text

from festival import create_app
from festival.core.clock import utcnow
from festival.db import db

task = json.loads(open(sys.argv[1], encoding="utf-8").read())
app = create_app()
with app.app_context():
    from festival.accounts.models import User

    session = db.session()
    if db.engine.dialect.name == "sqlite":
        # A tiny page cache, so that the flushed pages spill into the WAL file before the
        # commit: the crash leaves uncommitted frames there for the next opener to ignore.
        session.execute(text("PRAGMA cache_size=2"))

    def die(session):
        session.flush()
        seen = {name: session.execute(text(sql)).scalar_one()
                for name, sql in task["probes"].items()}
        if db.engine.dialect.name == "sqlite":
            wal = db.engine.url.database + "-wal"
            seen["wal_bytes"] = os.path.getsize(wal) if os.path.exists(wal) else 0
        with open(task["seen"], "w", encoding="utf-8") as handle:
            json.dump(seen, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.kill(os.getpid(), signal.SIGKILL)

    event.listen(session, "before_commit", die)
    actor = session.get(User, task["actor_id"])
    if task["kind"] == "import":
        from festival.festivals.models import Festival
        from festival.imports.columns import COLUMNS, ImportRow
        from festival.imports.services import import_rows

        keys = [column.key for column in COLUMNS["members"]]
        rows = [ImportRow(number, {key: values.get(key) for key in keys})
                for number, values in enumerate(task["rows"], start=2)]
        result = import_rows(session, festival=session.get(Festival, task["festival_id"]),
                             kind="members", rows=rows, actor=actor, now=utcnow())
        assert result.ok, result.problems
    else:
        from festival.judging.models import Round
        from festival.judging.services import close_round

        close_round(session, round_=session.get(Round, task["round_id"]),
                    advance_program_ids=None, actor=actor, now=utcnow())
    session.commit()
sys.exit("the process outlived its commit")
'''


def database_url(app) -> str:
    from festival.db import db

    return db.engine.url.render_as_string(hide_password=False)


def probe(session, probes: dict[str, str]) -> dict[str, int]:
    """The probes' values as committed in the database (a fresh transaction)."""
    session.commit()
    seen = {name: session.execute(text(sql)).scalar_one() for name, sql in probes.items()}
    session.commit()
    return seen


def kill_during(app, session, tmp_path, task: dict, probes: dict[str, str]) -> dict:
    """Run ``task`` in a new process on the test's database until it is killed before its
    commit; return what the probes saw inside its transaction at that moment."""
    from festival.db import db

    session.commit()
    session.remove()
    url = database_url(app)
    db.engine.dispose()  # the killed process is alone on the database, as a whole server is
    script, task_file, seen_file = (
        tmp_path / "die_before_commit.py",
        tmp_path / "task.json",
        tmp_path / "seen.json",
    )
    script.write_text(SCRIPT, encoding="utf-8")
    task_file.write_text(
        json.dumps({**task, "probes": probes, "seen": str(seen_file)}, ensure_ascii=False),
        encoding="utf-8",
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "FESTIVAL_INSTANCE_PATH": app.instance_path,
        "FESTIVAL_SECRET_KEY": app.config["SECRET_KEY"],
    }
    finished = subprocess.run(
        [sys.executable, str(script), str(task_file)],
        env=environment,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert finished.returncode == -signal.SIGKILL, finished.stderr
    return json.loads(seen_file.read_text(encoding="utf-8"))


@contextmanager
def restarted(app):
    """A new application on the same database (new engine, new connections), as after the
    server is started again."""
    fresh = make_test_app(database_url(app), app.instance_path)
    try:
        yield fresh
    finally:
        from festival.db import db

        with fresh.app_context():
            db.engine.dispose()


def api_as(fresh, username: str) -> factories.ApiClient:
    """The restarted app's API with a bearer token of ``username`` (a write: a new token)."""
    response = fresh.test_client().post(
        "/api/v1/auth/tokens", json={"username": username, "password": factories.PASSWORD}
    )
    assert response.status_code == 201, response.get_json()
    return factories.ApiClient(fresh, response.get_json()["token"])


def first_write_seconds(fresh, tables: list[str]) -> float:
    """How long the restarted app waits to lock ``tables`` for writing: nothing the killed
    process held may be left (a SQLite write lock, PostgreSQL row or table locks)."""
    from festival.db import db

    started = time.monotonic()
    with fresh.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # the database's one write lock
        else:
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_SECONDS}s'")
            connection.exec_driver_sql(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        connection.rollback()
    return time.monotonic() - started


def assert_uncommitted_frames_were_left_on_sqlite(app, seen: dict) -> None:
    """On SQLite the crash must leave work for WAL recovery, or the test proves little."""
    if "wal_bytes" in seen:
        assert seen["wal_bytes"] > 0, "the killed writer left nothing in the WAL to recover"


# Killed during an import


@pytest.fixture
def import_world(session):
    """An open festival of a city office; a troupe of 5 members; the office's organizer."""
    office = factories.make_organization(session, name="南通市老龄办", level="city")
    festival = factories.make_festival(session, organization=office, level="city")
    troupe = factories.make_troupe(session, name="万年表歌舞团", organization=office)
    for n in range(5):
        factories.make_person(session, name=f"老成员{n}", troupe=troupe)
    organizer = factories.make_user(session, role="organizer", organization=office)
    session.commit()
    return festival, troupe, organizer


def member_rows() -> list[dict]:
    return [
        {
            "troupe": "万年表歌舞团",
            "name": f"新成员{n}",
            "birth_date": "1950-05-01",
            "gender": "女" if n % 2 else "男",
        }
        for n in range(MEMBERS)
    ]


def member_csv() -> bytes:
    lines = ["团体名称,姓名,出生日期,性别"]
    lines += [f"{r['troupe']},{r['name']},{r['birth_date']},{r['gender']}" for r in member_rows()]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


IMPORT_PROBES = {
    "people": "SELECT count(*) FROM people",
    "memberships": "SELECT count(*) FROM memberships",
    "audit_entries": "SELECT count(*) FROM audit_entries",
}


def test_a_server_killed_during_an_import_stores_none_of_it_and_restarts_clean(
    app, session, tmp_path, import_world
):
    festival, troupe, organizer = (item.id for item in import_world)
    username = import_world[2].username
    before = probe(session, IMPORT_PROBES)

    seen = kill_during(
        app,
        session,
        tmp_path,
        {"kind": "import", "festival_id": festival, "actor_id": organizer, "rows": member_rows()},
        IMPORT_PROBES,
    )

    # It died with the whole import flushed into its transaction...
    assert seen["people"] == before["people"] + MEMBERS
    assert seen["memberships"] == before["memberships"] + MEMBERS
    assert seen["audit_entries"] == before["audit_entries"] + 1
    assert_uncommitted_frames_were_left_on_sqlite(app, seen)
    # ...and none of it was stored.
    assert probe(session, IMPORT_PROBES) == before

    with restarted(app) as fresh:
        assert first_write_seconds(fresh, ["people", "memberships", "audit_entries"]) < 5
        assert fresh.test_client().get("/healthz").status_code == 200
        client = Client(fresh.test_client())
        client.login(username)
        assert client.get(f"/troupes/{troupe}").status_code == 200
        api = api_as(fresh, username)
        members = api.get(f"/api/v1/troupes/{troupe}/members")
        assert members.status_code == 200 and members.get_json()["total"] == 5

        response = client.raw.post(
            f"/festivals/{festival}/import",
            content_type="multipart/form-data",
            data={
                "kind": "members",
                "file": (io.BytesIO(member_csv()), "members.csv"),
                "csrf_token": client.csrf_token(),
            },
        )

        assert response.status_code == 302, response.get_data(as_text=True)
        assert api.get(f"/api/v1/troupes/{troupe}/members").get_json()["total"] == 5 + MEMBERS
    after = probe(session, IMPORT_PROBES)
    assert after["people"] == before["people"] + MEMBERS
    assert after["memberships"] == before["memberships"] + MEMBERS


# Killed during a round close


@pytest.fixture
def round_world(session):
    """A round of four programs, every sheet of three judges scored, no tie at the cut of 2."""
    festival = factories.make_festival(session)
    organizer = factories.make_user(session, role="organizer", organization=festival.organization)
    programs = [
        factories.make_program(session, festival=festival, title=f"节目{i}") for i in range(4)
    ]
    judges = [factories.make_user(session, role="judge") for _ in range(3)]
    round_ = judging.create_round(
        session,
        festival=festival,
        name="初选",
        aggregation="mean",
        criteria=[{"name": "艺术表现", "max_score": 100, "weight": 1}],
        advance_count=2,
        actor=organizer,
        now=NOW,
    )
    for judge in judges:
        judging.assign_judge(session, round_=round_, user_id=judge.id, actor=organizer, now=NOW)
    judging.add_entries(
        session, round_=round_, program_ids=[p.id for p in programs], actor=organizer, now=NOW
    )
    [criterion] = round_.criteria
    for rank, program in enumerate(programs):
        for judge in judges:
            judging_scores.save_scores(
                session,
                round_=round_,
                program_id=program.id,
                judge=judge,
                values={str(criterion.id): 90 - 10 * rank},
                now=NOW,
            )
    session.commit()
    return round_, programs, organizer


def round_probes(round_id: int, festival_id: int) -> dict[str, str]:
    return {
        "open": f"SELECT count(*) FROM rounds WHERE id = {round_id} AND status = 'open' "
        "AND closed_at IS NULL",
        "ranked": f"SELECT count(*) FROM round_entries WHERE round_id = {round_id} "
        "AND final_rank IS NOT NULL",
        "advanced": f"SELECT count(*) FROM round_entries WHERE round_id = {round_id} AND advanced",
        "screening": f"SELECT count(*) FROM programs WHERE festival_id = {festival_id} "
        "AND status = 'screening'",
        "audit_entries": "SELECT count(*) FROM audit_entries",
    }


def test_a_server_killed_while_closing_a_round_leaves_it_open_and_restarts_clean(
    app, session, tmp_path, round_world
):
    round_, programs, organizer = round_world
    round_id, festival_id = round_.id, round_.festival_id
    best_two = {programs[0].id, programs[1].id}
    organizer_id, username = organizer.id, organizer.username
    probes = round_probes(round_id, festival_id)
    before = probe(session, probes)
    assert before["open"] == 1 and before["advanced"] == 0 and before["screening"] == 4

    seen = kill_during(
        app,
        session,
        tmp_path,
        {"kind": "close", "round_id": round_id, "actor_id": organizer_id},
        probes,
    )

    assert seen["open"] == 0 and seen["ranked"] == 4 and seen["advanced"] == 2
    assert seen["screening"] == 0
    assert seen["audit_entries"] == before["audit_entries"] + 1
    assert_uncommitted_frames_were_left_on_sqlite(app, seen)
    assert probe(session, probes) == before

    with restarted(app) as fresh:
        assert first_write_seconds(fresh, ["rounds", "round_entries", "programs"]) < 5
        assert fresh.test_client().get("/healthz").status_code == 200
        client = Client(fresh.test_client())
        client.login(username)
        assert client.get(f"/rounds/{round_id}/results").status_code == 200
        api = api_as(fresh, username)
        shown = api.get(f"/api/v1/rounds/{round_id}")
        assert shown.status_code == 200 and shown.get_json()["status"] == "open"

        closed = api.post(f"/api/v1/rounds/{round_id}/close", json={})

        assert closed.status_code == 200, closed.get_json()
        assert closed.get_json()["status"] == "closed"
    after = probe(session, probes)
    assert after["open"] == 0 and after["ranked"] == 4 and after["advanced"] == 2
    assert after["screening"] == 0
    assert {
        row[0]
        for row in session.execute(
            text(f"SELECT program_id FROM round_entries WHERE round_id = {round_id} AND advanced")
        )
    } == best_two
